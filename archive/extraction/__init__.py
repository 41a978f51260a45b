"""Per-page extraction: parsing bytes into a tree, body-text candidates and the choice between
them, and the publisher's headline; :func:`archive.extract.extract_page` puts them together."""
