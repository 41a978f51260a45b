"""Discovery: finding the copies nobody links to, as pure functions over plain data.

signature: what identifies an article in a search (distinctive phrases, names, title) and whether
a search result looks like it; responses: the answers of the services asked (GDELT, CDX, Common
Crawl, feeds, sitemaps, search APIs) as candidate URLs; watchlist: the outlets a user watches.
The crawler side (crawler/discovery.py) turns these into polite requests.
"""
