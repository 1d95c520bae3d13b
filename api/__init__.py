"""The web layer: public request form, verification and export links, portal and JSON API."""
