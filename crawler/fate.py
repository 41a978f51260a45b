"""What became of an item the spider yielded: stored (``item_scraped``) or not (``item_dropped``,
``item_error``), awaited by the callback that yielded it.

A seed, or a discovery candidate that joined its story, is searched for in the discovery sources;
that needs the graph's answer (the document's id, whether it joined), which only the item
pipelines have. The callback yields the item, awaits its fate here, and then yields the searches:
requests still come out of the callback, and the pipelines only store. Scrapy feeds a callback's
output to the pipelines through a queue of ``CONCURRENT_ITEMS`` workers while the callback goes on
(``scrapy.utils.asyncio._parallel_asyncio``), so the wait cannot hold its own item back.
"""

from __future__ import annotations

import asyncio

from scrapy import signals
from scrapy.signalmanager import SignalManager


class Fates:
    def __init__(self, manager: SignalManager):
        self.waiting: dict[int, asyncio.Future] = {}
        manager.connect(self.stored, signal=signals.item_scraped)
        manager.connect(self.lost, signal=signals.item_dropped)
        manager.connect(self.lost, signal=signals.item_error)

    def expect(self, item) -> asyncio.Future:
        """A future of ``item``'s fate (True: stored); ask before yielding the item."""
        future = self.waiting[id(item)] = asyncio.get_running_loop().create_future()
        return future

    def _settle(self, item, stored: bool) -> None:
        future = self.waiting.pop(id(item), None)
        if future is not None and not future.done():
            future.set_result(stored)

    def stored(self, item, **_) -> None:
        self._settle(item, True)

    def lost(self, item, **_) -> None:
        self._settle(item, False)
