"""Per-table throughput: fakehouse's block functions and Parquet writer, table by table,
side by side with the Faker baseline's own per-table timings.

The whole-warehouse benchmark (bench_retail.py) compares end-to-end runs. This one answers
the narrower question "how fast is each table", in one process and on one core, so a
regression in one generator shows up by name. Run:

    python benchmarks/bench_tables.py --multiplier 10 --baseline-multiplier 1
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fakehouse.core.plan import plan
from fakehouse.core.table import Context
from fakehouse.domains.registry import domain

HERE = Path(__file__).parent


def fakehouse_tables(multiplier: float, seed: int, out: Path) -> dict[str, tuple[int, float]]:
    """(rows, seconds) per table: generate every block and write it as Parquet, one core."""
    d = domain("retail")
    ctx = Context.create(d, seed, multiplier)
    tasks = plan(ctx, d.ordered())
    results = {}
    for table in d.ordered():
        start, rows = time.perf_counter(), 0
        for task in tasks[table.name]:
            ctx.scratch.clear()  # no sharing across tables: each is timed on its own
            batch = table.batch(table.block(ctx, task.start, task.stop, task.first_row))
            pq.write_table(
                pa.Table.from_batches([batch]), out / f"{table.name}-{task.part}.parquet"
            )
            rows += batch.num_rows
        results[table.name] = (rows, time.perf_counter() - start)
    return results


def baseline_tables(multiplier: float, seed: int, out: Path) -> dict[str, tuple[int, float]]:
    command = [
        sys.executable,
        str(HERE / "baseline_faker.py"),
        "--multiplier",
        str(multiplier),
        "--seed",
        str(seed),
        "--out",
        str(out),
        "--table-times",
    ]
    result = json.loads(
        subprocess.run(command, capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    return {name: (t["rows"], t["seconds"]) for name, t in result["tables"].items()}


def merged(results: dict[str, tuple[int, float]], names: tuple[str, ...]) -> tuple[int, float]:
    rows = [results[n] for n in names]
    return sum(r for r, _ in rows), sum(s for _, s in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--multiplier", type=float, default=10.0)
    parser.add_argument("--baseline-multiplier", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        ours = fakehouse_tables(args.multiplier, args.seed, Path(a))
        theirs = baseline_tables(args.baseline_multiplier, args.seed, Path(b))
    print(
        f"fakehouse m={args.multiplier:g} (one core) vs Faker baseline "
        f"m={args.baseline_multiplier:g}: rows/s per table"
    )
    print(f"{'table':31s} {'fakehouse':>12s} {'baseline':>12s} {'ratio':>8s}")
    # the baseline writes a sale and its lines in one loop: compare them together
    sales = ("transactions", "transaction_items")
    ours["transactions+transaction_items"] = merged(ours, sales)
    for name, (rows, seconds) in ours.items():
        if name in sales:
            continue
        mine = rows / seconds
        other = theirs.get(name)
        base = other[0] / other[1] if other and other[1] > 0 else float("nan")
        print(f"{name:31s} {mine:12,.0f} {base:12,.0f} {mine / base:7.0f}x")
    total = sum(ours[n][0] for n in ours if n not in sales) / sum(
        ours[n][1] for n in ours if n not in sales
    )
    base_total = sum(r for r, _ in theirs.values()) / sum(s for _, s in theirs.values())
    print(f"{'all tables':31s} {total:12,.0f} {base_total:12,.0f} {total / base_total:7.0f}x")


if __name__ == "__main__":
    main()
