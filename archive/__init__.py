"""Everything that reads and writes the archive and the provenance graph; no Scrapy here."""
