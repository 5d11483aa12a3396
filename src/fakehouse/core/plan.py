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


def count_block(ctx: Context, table: Table, start: int, stop: int) -> int:
    assert table.counts is not None
    return int(np.sum(table.counts(ctx, start, stop)))


def plan(
    ctx: Context,
    tables: Iterable[Table],
    block_rows: int = BLOCK_ROWS,
    counter: Callable[[list[tuple[Table, int, int]]], list[int]] | None = None,
) -> dict[str, list[Task]]:
    """Tasks per table. `counter` runs the first pass (a process pool may do it in parallel)."""
    tables = list(tables)
    per_driver: dict[str, float] = {}
    for t in tables:
        per_driver[t.group_name] = max(per_driver.get(t.group_name, 0.0), t.rows_per_driver)
    splits = {
        t.name: ranges(ctx.sizes[t.driver_name], int(block_rows / per_driver[t.group_name]))
        for t in tables
    }
    work = [(t, a, b) for t in tables if t.counts is not None for a, b in splits[t.name]]
    if counter is None:
        counter = lambda items: [count_block(ctx, t, a, b) for t, a, b in items]  # noqa: E731
    counts = iter(counter(work))
    tasks: dict[str, list[Task]] = {}
    for t in tables:
        rows = [next(counts) if t.counts is not None else b - a for a, b in splits[t.name]]
        first = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(int).tolist() if rows else []
        tasks[t.name] = [
            Task(t.name, i, a, b, f, r)
            for i, ((a, b), f, r) in enumerate(zip(splits[t.name], first, rows, strict=True))
        ]
    return tasks
