"""Read queries, one module per screen area; each function takes a sqlite3 connection."""
