"""Privacy-team accounts: portal users, login sessions and JSON API bearer tokens."""
