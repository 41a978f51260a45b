"""WARC files: writing, reading, looking captures up."""
