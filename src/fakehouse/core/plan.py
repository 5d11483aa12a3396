"""Splitting tables into independent blocks with exact row counts and id offsets.

For an ordinary table a block is a range of its own rows. For a two-pass table (rows per
driver row are random) a first pass sums the counts of each block's driver range; a prefix
sum then gives every block its first row number, so ids are dense and totals known before any
row is written. The split never changes the data: a block's rows are a pure function of its
driver range and first row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from fakehouse.core.table import Context, Table

#: default target rows per block; bounds each worker's memory
BLOCK_ROWS = 250_000


@dataclass(frozen=True)
class Task:
    table: str
    part: int
    start: int  # driver rows [start, stop)
    stop: int
    first_row: int  # 0-based number of the block's first output row
    rows: int


def part_name(part: int) -> str:
    """File stem of a block's output: part-00042 (a table's parts sort in row order)."""
    return f"part-{part:05d}"


def ranges(n: int, size: int) -> list[tuple[int, int]]:
    size = max(1, size)
    return [(a, min(a + size, n)) for a in range(0, n, size)]


#: one first-pass item: the counted tables of one group over driver rows [start, stop)
Work = tuple[list[Table], int, int]


def count_blocks(ctx: Context, tables: list[Table], start: int, stop: int) -> list[int]:
    """Rows of each of `tables` (one table group) for driver rows [start, stop).

    The tables share the context's scratch, so work they have in common (the bank's account
    layout) is done once per range; it is emptied afterwards, as after a generation task.
    """
    try:
        return [int(np.sum(t.counts(ctx, start, stop))) for t in tables if t.counts]
    finally:
        ctx.scratch.clear()


def plan(
    ctx: Context,
    tables: Iterable[Table],
    block_rows: int = BLOCK_ROWS,
    counter: Callable[[list[Work]], list[list[int]]] | None = None,
) -> dict[str, list[Task]]:
    """Tasks per table. `counter` runs the first pass (a process pool may do it in parallel):
    one item per table group and driver range, answered with a count per table."""
    tables = list(tables)
    per_driver: dict[str, float] = {}
    for t in tables:
        per_driver[t.group_name] = max(per_driver.get(t.group_name, 0.0), t.rows_per_driver)
    splits = {
        t.name: ranges(ctx.sizes[t.driver_name], int(block_rows / per_driver[t.group_name]))
        for t in tables
    }
    shared: dict[tuple[str, int, int], list[Table]] = {}
    for t in tables:
        if t.counts is not None:
            for a, b in splits[t.name]:
                shared.setdefault((t.group_name, a, b), []).append(t)
    work = [(ts, a, b) for (_, a, b), ts in shared.items()]
    if counter is None:
        counter = lambda items: [count_blocks(ctx, ts, a, b) for ts, a, b in items]  # noqa: E731
    counted = {
        (t.name, a, b): n
        for (ts, a, b), ns in zip(work, counter(work), strict=True)
        for t, n in zip(ts, ns, strict=True)
    }
    tasks: dict[str, list[Task]] = {}
    for t in tables:
        rows = [counted.get((t.name, a, b), b - a) for a, b in splits[t.name]]
        first = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(int).tolist() if rows else []
        tasks[t.name] = [
            Task(t.name, i, a, b, f, r)
            for i, ((a, b), f, r) in enumerate(zip(splits[t.name], first, rows, strict=True))
        ]
    return tasks
