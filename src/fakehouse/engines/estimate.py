"""How big a warehouse will be, before anything is written: rows and bytes per table.

A two-pass table's rows per driver row come from the first pass over a span of its driver
rows; bytes per row from one small sample block from the middle of the table, written to
Parquet (and CSV) in memory with the writer's own settings. A small sample compresses worse
than a full block, so the estimate errs on the large side (by 10-30% at multipliers 1-10).
Large multipliers are estimated at a smaller one and scaled, so any size takes about a
second.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fakehouse.core.table import Context
from fakehouse.engines import target

#: output rows each table's sample aims at, and the most driver rows it may take for them
SAMPLE_ROWS = 4_000
MAX_SAMPLE_DRIVERS = 4 * SAMPLE_ROWS
#: larger multipliers are estimated at this one and scaled
REFERENCE_MULTIPLIER = 10.0
#: driver rows whose first-pass counts give a two-pass table's rows per driver row
COUNT_SPAN = 20_000
#: bytes per row no table comes near in Parquet plus catalog (or in one text export): when
#: rows x this fits on the disk, the free-space check needs no sample
BOUND_BYTES_PER_ROW = 2_000
#: the DuckDB catalog holds the same rows with lighter compression: about twice the Parquet
#: parts (measured on both domains: 2.0 at multiplier 1, 1.7 at 10)
CATALOG_FACTOR = 2.0


@dataclass(frozen=True)
class TableSize:
    schema: str
    table: str
    rows: int
    parquet: int  # bytes
    text: dict[str, int]  # bytes per export format (csv, json)

    @property
    def total(self) -> int:
        return self.parquet + sum(self.text.values())


def parquet_options(table) -> dict:
    """The Parquet writer settings of every part file (the estimate uses the same)."""
    return {
        "compression": "zstd",
        "compression_level": 1,
        "use_dictionary": table.dictionary_columns,
        "write_statistics": table.statistics_columns,
    }


def estimate(ctx: Context, formats: tuple[str, ...] = ("parquet",)) -> list[TableSize]:
    """Estimated rows and bytes of every table of `ctx`'s domain.

    Above REFERENCE_MULTIPLIER the estimate is made at that multiplier and scaled: rows grow
    with the multiplier and bytes per row do not, while the lookups a sample block needs
    (stores by state, product weights) grow with the tables and would take minutes.
    """
    if ctx.multiplier <= REFERENCE_MULTIPLIER:
        return _estimate(ctx, formats)
    small = Context.create(ctx.domain, ctx.seed, REFERENCE_MULTIPLIER, ctx.params)
    scaled = []
    for size in _estimate(small, formats):
        table = ctx.domain.table(size.table)
        grow = ctx.sizes[table.driver_name] / small.sizes[table.driver_name]
        rows = ctx.sizes[table.name] if table.counts is None else round(size.rows * grow)
        factor = rows / max(size.rows, 1)
        text = {f: round(b * factor) for f, b in size.text.items()}
        scaled.append(TableSize(size.schema, size.table, rows, round(size.parquet * factor), text))
    return scaled


def expected_rows(ctx: Context) -> int:
    """Rows of the whole domain from the sizes and declared rows per driver row: no sampling,
    within a few tens of percent (for a first look at free space)."""
    return sum(
        round(ctx.sizes[t.driver_name] * (1.0 if t.counts is None else t.rows_per_driver))
        for t in ctx.domain.tables
    )


def _estimate(ctx: Context, formats: tuple[str, ...]) -> list[TableSize]:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    found = []
    try:
        for table in ctx.domain.ordered():
            n = ctx.sizes[table.driver_name]
            rows, per_driver = n, 1.0
            if table.counts is not None:  # a first pass over a span, cheaper than generating
                span = min(n, COUNT_SPAN)
                start = (n - span) // 2
                per_driver = float(np.sum(table.counts(ctx, start, start + span))) / span
                rows = round(n * per_driver)
            k = min(n, MAX_SAMPLE_DRIVERS, max(1, math.ceil(SAMPLE_ROWS / max(per_driver, 1e-9))))
            data = _sample(ctx, table, n, k)
            sample = max(data.num_rows, 1)
            buffer = io.BytesIO()
            pq.write_table(data, buffer, **parquet_options(table))
            text = {}
            if {"csv", "json"} & set(formats):
                csv = io.BytesIO()
                pacsv.write_csv(data, csv)
                csv_row = csv.tell() / sample
                # JSON lines repeat the column names and quote every key on each row
                json_row = csv_row + sum(len(c.name) + 6 for c in table.columns)
                text = {
                    f: round(rows * size)
                    for f, size in (("csv", csv_row), ("json", json_row))
                    if f in formats
                }
            parquet = round(rows * buffer.tell() / sample)
            found.append(TableSize(ctx.domain.schema, table.name, rows, parquet, text))
    finally:
        ctx.scratch.clear()
    return found


def _sample(ctx: Context, table, n: int, k: int):
    """A block of `table` from `k` driver rows in the middle of its `n`, as Arrow; widened
    (doubled, up to MAX_SAMPLE_DRIVERS) while it holds no row, as when a table emits its rows
    with the first driver row of a group (the bank's transactions: groups of 256 customers)."""
    import pyarrow as pa

    while True:
        start = (n - k) // 2
        data = pa.Table.from_batches([table.batch(table.block(ctx, start, start + k, 0))])
        if data.num_rows or k >= min(n, MAX_SAMPLE_DRIVERS):
            return data
        k = min(n, MAX_SAMPLE_DRIVERS, 2 * k)


def total_bytes(sizes: list[TableSize], catalog: bool = True) -> int:
    """Bytes on disk of the whole warehouse: parts, exports and (local engine) the catalog."""
    parquet = sum(s.parquet for s in sizes)
    return sum(s.total for s in sizes) + (round(parquet * CATALOG_FACTOR) if catalog else 0)


def check_space(
    contexts: list[Context], out: Path, formats: tuple[str, ...] = ("parquet",), catalog=True
) -> None:
    """Refuse a run that cannot fit on OUT's disk. A generous bound from the declared sizes
    settles the usual case at no cost; only when it does not fit is the warehouse estimated
    from samples and compared with the free space."""
    rows = sum(expected_rows(ctx) for ctx in contexts)
    text = len(set(formats) & {"csv", "json"})
    if rows * BOUND_BYTES_PER_ROW * (1 + text) < target.free_bytes(out.parent):
        return
    sizes = [size for ctx in contexts for size in estimate(ctx, formats)]
    target.check_space(out.parent, total_bytes(sizes, catalog), f"this warehouse ({out})")
