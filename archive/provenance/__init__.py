"""The provenance engine: pure functions over plain data (texts, signals, dates)."""
