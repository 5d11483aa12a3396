"""The bank against its yardstick, retail: whole `fakehouse generate` runs, side by side.

    python benchmarks/bench_financial.py --multipliers 1,10,50 --repeat 3

For each multiplier, `generate financial` and `generate retail` run in turn (financial,
retail, financial, ...; never two at once), each as a subprocess into a fresh temporary
folder, with the default worker count. Per run: wall seconds, rows and values (rows x
columns) read back from the Parquet footers, and peak memory (the largest sum of RSS over
the process tree, and the largest single process) as `bench_retail.py` measures them. The
table shows medians and the bank's rows/s and values/s as a share of retail's; `generate
all` at multiplier 1 runs too (the issue's under-5-seconds target).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_retail import fakehouse_launcher, log, run_once

MB = 1_000_000


def values(root: Path) -> int:
    """Rows x columns over every Parquet part under root, from the footers."""
    total = 0
    for path in root.rglob("*.parquet"):
        meta = pq.ParquetFile(path).metadata
        total += meta.num_rows * meta.num_columns
    return total


def run(domain: str, multiplier: str, seed: int, tmp_dir: str | None) -> dict:
    out = Path(tempfile.mkdtemp(prefix=f"bench-{domain}-", dir=tmp_dir))
    try:
        cmd = [
            *fakehouse_launcher(),
            *("generate", domain, "--multiplier", multiplier, "--seed", str(seed)),
            *("--out", str(out / "warehouse"), "--quiet"),
        ]
        record = run_once(cmd, out, 0.02)
        if record.get("ok"):
            record["values"] = values(out)
        return record
    finally:
        shutil.rmtree(out, ignore_errors=True)


def summary(runs: list[dict]) -> dict | None:
    if not runs or not all(r.get("ok") for r in runs):
        return None
    seconds = statistics.median(r["seconds"] for r in runs)
    return {
        "seconds": seconds,
        "rows": runs[0]["rows"],
        "rows_per_s": runs[0]["rows"] / seconds,
        "values_per_s": runs[0]["values"] / seconds,
        "tree_mb": statistics.median(r["peak_rss_bytes"] for r in runs) / MB,
        "process_mb": statistics.median(r["ru_maxrss_bytes"] for r in runs) / MB,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--multipliers", default="1,10,50")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--tmp-dir", default=None)
    args = parser.parse_args()

    header = (
        f"{'case':<18}{'rows':>12}{'wall s':>9}{'rows/s':>11}{'values/s':>12}"
        f"{'tree MB':>9}{'proc MB':>9}"
    )
    print(header)
    failed = False
    cases: list[tuple[str, str]] = [
        *((d, m) for m in args.multipliers.split(",") for d in ("financial", "retail")),
        ("all", "1"),
    ]
    results: dict[tuple[str, str], dict | None] = {}
    for multiplier in dict.fromkeys(m for _, m in cases):
        domains = [d for d, m in cases if m == multiplier]
        runs: dict[str, list[dict]] = {d: [] for d in domains}
        for i in range(args.repeat):
            for domain in domains:  # interleaved, so drift hits every domain alike
                log(f"[{domain} m={multiplier}] run {i + 1}/{args.repeat}")
                runs[domain].append(run(domain, multiplier, args.seed, args.tmp_dir))
        for domain in domains:
            s = results[(domain, multiplier)] = summary(runs[domain])
            name = f"{domain} m={multiplier}"
            if s is None:
                failed = True
                print(f"{name:<18}  FAILED: {runs[domain][-1].get('error')}")
                continue
            print(
                f"{name:<18}{s['rows']:>12,}{s['seconds']:>9.2f}{s['rows_per_s']:>11,.0f}"
                f"{s['values_per_s']:>12,.0f}{s['tree_mb']:>9.0f}{s['process_mb']:>9.0f}"
            )
    print()
    for multiplier in args.multipliers.split(","):
        bank, retail = results.get(("financial", multiplier)), results.get(("retail", multiplier))
        if bank and retail:
            by_rows = retail["rows_per_s"] / bank["rows_per_s"]
            by_values = retail["values_per_s"] / bank["values_per_s"]
            print(f"m={multiplier}: retail/bank rows/s {by_rows:.2f}x, values/s {by_values:.2f}x")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
