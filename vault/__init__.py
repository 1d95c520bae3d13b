"""The vault of subject keys: envelope and field encryption, blind indexes, destruction ledger."""
