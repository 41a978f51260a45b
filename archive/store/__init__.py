"""The provenance graph in a SQL database (SQLAlchemy models and queries)."""
