"""Where read models are stored: the store protocol, its SQLite and PostgreSQL backends."""
