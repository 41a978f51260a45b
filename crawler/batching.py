"""Handing a pipeline's work to a process pool in small batches.

Every call into a process pool costs the reactor thread a pickle, a wake-up of the pool's own
thread and a hand-back of the interpreter lock; at a hundred pages a second that is a measurable
share of the reactor's time. Items waiting a few milliseconds for each other go as one call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any


class Batches:
    """``await batches.run(job)`` gives ``function([job, ...])[n]`` for its job, computed in
    ``executor``; a batch leaves when it holds ``size`` jobs or ``wait`` seconds after its first.
    If the call fails, each of its jobs fails with that error."""

    def __init__(self, executor: Executor, function: Callable[[list], list], size: int, wait: float):
        self.executor = executor
        self.function = function
        self.size = size
        self.wait = wait
        self.pending: list[tuple[Any, asyncio.Future]] = []
        self.timer: asyncio.TimerHandle | None = None

    async def run(self, job: Any) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.pending.append((job, future))
        if len(self.pending) >= self.size:
            self.send()
        elif self.timer is None:
            self.timer = loop.call_later(self.wait, self.send)
        return await future

    def send(self) -> None:
        """Send what waits now (also when the crawl is closing)."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        batch, self.pending = self.pending, []
        if not batch:
            return
        done = asyncio.wrap_future(self.executor.submit(self.function, [job for job, _ in batch]))

        def deliver(task: asyncio.Future) -> None:
            error = task.exception() if not task.cancelled() else asyncio.CancelledError()
            for n, (_, future) in enumerate(batch):
                if future.done():
                    continue
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(task.result()[n])

        done.add_done_callback(deliver)
