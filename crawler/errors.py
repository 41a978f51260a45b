"""The one error a crawl's own components raise for input a person got wrong (a spider argument,
a setting, a file): ``scrapy crawl`` prints its message as one line and exits 2
(crawler/commands/crawl.py), where any other exception keeps its traceback, being a bug."""


class BadInput(ValueError):
    """Wrong input, worded for the person who gave it."""
