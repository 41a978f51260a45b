"""Pipelines hand pages to process pools in batches: each page gets its own result, or the error."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from crawler.batching import Batches

CALLS: list[list[int]] = []


def double_all(jobs: list[int]) -> list[int]:
    CALLS.append(list(jobs))
    if -1 in jobs:
        raise ValueError("bad job")
    return [2 * job for job in jobs]


def run(jobs: list[int], size: int, wait: float) -> list:
    async def main():
        with ThreadPoolExecutor(1) as pool:
            batches = Batches(pool, double_all, size, wait)
            return await asyncio.gather(*(batches.run(job) for job in jobs), return_exceptions=True)

    CALLS.clear()
    with ThreadPoolExecutor(1) as thread:  # a loop of its own: the test session's reactor runs one already
        return thread.submit(asyncio.run, main()).result()


def test_full_batches_leave_at_once_and_the_rest_after_the_wait():
    assert run(list(range(10)), size=4, wait=0.01) == [2 * n for n in range(10)]
    assert CALLS == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_a_failed_call_fails_each_of_its_jobs_only():
    results = run([1, -1, 3, 4], size=2, wait=0.01)
    assert [type(r) for r in results[:2]] == [ValueError, ValueError]
    assert results[2:] == [6, 8]


@pytest.mark.parametrize("size", [1, 16])
def test_every_job_is_answered_whatever_the_size(size):
    assert run(list(range(5)), size=size, wait=0.001) == [0, 2, 4, 6, 8]


def slow_double_all(jobs: list[int]) -> list[int]:
    time.sleep(0.05)
    return double_all(jobs)


def test_one_call_at_a_time_gathers_what_arrives_while_it_runs():
    async def main():
        with ThreadPoolExecutor(2) as pool:
            batches = Batches(pool, slow_double_all, 2, 0.001, one_at_a_time=True)
            first = [asyncio.ensure_future(batches.run(job)) for job in (0, 1)]  # full: leaves at once
            await asyncio.sleep(0.01)  # while it runs, more arrive: more than a batch's size
            rest = [asyncio.ensure_future(batches.run(job)) for job in range(2, 13)]
            return await asyncio.gather(*first, *rest)

    CALLS.clear()
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(asyncio.run, main()).result() == [2 * n for n in range(13)]
    assert CALLS == [[0, 1], [2, 3, 4, 5, 6, 7, 8, 9], [10, 11, 12]]  # GATHERED (4) batches' worth at most
