"""The Scrapy project: fetch an article and its copies, archive every exchange, feed the graph."""
