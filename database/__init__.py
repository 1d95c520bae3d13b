"""Database wiring: one SQLAlchemy engine per URL, SQLite by default, PostgreSQL in production."""
