"""Spiders of the provenance crawler."""
