"""Per-table generation throughput of a domain, in one process, block by block.

    python benchmarks/bench_domain.py financial --multipliers 1,10 [--repeat 3]

For each table: plan it as the local engine does (first pass included), generate every block
in this process and build its Arrow record batch (no Parquet writing, no DuckDB), and print
rows, seconds (median of --repeat runs) and rows/s. One core, so the figures compare tables
and domains per row of work, independent of the worker pool.
"""

from __future__ import annotations

import argparse
import statistics
import time

from fakehouse.core.plan import BLOCK_ROWS, plan
from fakehouse.core.table import Context
from fakehouse.domains import registry


def bench(domain_name: str, multiplier: float, repeat: int) -> list[tuple[str, int, float]]:
    domain = registry.domain(domain_name)
    out = []
    for table in domain.ordered():
        seconds, rows = [], 0
        for _ in range(repeat):
            ctx = Context.create(domain, 42, multiplier)
            started = time.perf_counter()
            tasks = plan(ctx, [table], BLOCK_ROWS)[table.name]
            rows = 0
            for task in tasks:
                columns = table.block(ctx, task.start, task.stop, task.first_row)
                rows += table.batch(columns).num_rows
            seconds.append(time.perf_counter() - started)
        out.append((table.name, rows, statistics.median(seconds)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("domain")
    parser.add_argument("--multipliers", default="1,10")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for m in (float(x) for x in args.multipliers.split(",")):
        results = bench(args.domain, m, args.repeat)
        total_rows = sum(r for _, r, _ in results)
        total_s = sum(s for _, _, s in results)
        print(f"\n{args.domain} m={m:g}")
        print(f"{'table':<22}{'rows':>12}{'seconds':>10}{'rows/s':>12}")
        for name, rows, s in results:
            print(f"{name:<22}{rows:>12,}{s:>10.3f}{rows / s:>12,.0f}")
        print(f"{'total':<22}{total_rows:>12,}{total_s:>10.3f}{total_rows / total_s:>12,.0f}")


if __name__ == "__main__":
    main()
