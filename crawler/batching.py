"""Handing a pipeline's work to a process pool in small batches.

Every call into a process pool costs the reactor thread a pickle, a wake-up of the pool's own
thread and a hand-back of the interpreter lock; at a hundred pages a second that is a measurable
share of the reactor's time. Items waiting a few milliseconds for each other go as one call.

A pool of one process that is the crawl's slowest stage (the graph writer) is given one call at a
time: what arrives while it works leaves as one batch when it is done. Sent as they filled, its
batches held ~3 pages in a crawl of 1,500, and each batch is a transaction with its commit
(the writer alone, 1,500 pages: 11.5 ms a page of wall time in batches of 3, 8.3 in batches of 16).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any


GATHERED = 4  # batches' worth of jobs one call takes at most, after waiting for the call before it


class Batches:
    """``await batches.run(job)`` gives ``function([job, ...])[n]`` for its job, computed in
    ``executor``; a batch leaves when it holds ``size`` jobs or ``wait`` seconds after its first.
    With ``one_at_a_time``, a batch waits for the call before it to finish, and leaves then with
    the jobs that arrived meanwhile (``GATHERED`` batches' worth at most: in a crawl on a busy
    machine 150 pages piled up behind the writer). If the call fails, each of its jobs fails with
    that error."""

    def __init__(self, executor: Executor, function: Callable[[list], list], size: int, wait: float,
                 one_at_a_time: bool = False):
        self.executor = executor
        self.function = function
        self.size = size
        self.wait = wait
        self.one_at_a_time = one_at_a_time
        self.running = 0  # calls in the executor
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
        """Send what waits now (also when the crawl is closing), unless a call must finish first."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if not self.pending or (self.one_at_a_time and self.running):
            return  # sent when the running call is done (see ``deliver``)
        most = self.size * GATHERED if self.one_at_a_time else len(self.pending)
        batch, self.pending = self.pending[:most], self.pending[most:]
        self.running += 1
        done = asyncio.wrap_future(self.executor.submit(self.function, [job for job, _ in batch]))

        def deliver(task: asyncio.Future) -> None:
            self.running -= 1
            error = task.exception() if not task.cancelled() else asyncio.CancelledError()
            for n, (_, future) in enumerate(batch):
                if future.done():
                    continue
                if error is not None:
                    future.set_exception(error)
                else:
                    future.set_result(task.result()[n])
            if self.one_at_a_time and self.pending:
                self.send()

        done.add_done_callback(deliver)
