"""fakehouse on Spark beside fakehouse local and dbldatagen, for a customers-like table.

One run, one machine, one case at a time, each case in a fresh process:

- fakehouse-spark: the retail `customers` table through the Spark engine (engines.spark.frame:
  spark.range(blocks).mapInArrow over the block function), on local[1] and local[2];
- fakehouse-local: the same blocks on a process pool of 1 and 2 workers (the local engine's
  work without its Parquet writer, so both sides end at the same point: Arrow batches made);
- dbldatagen: a spec of the same 19 columns and types on the same Spark (local[2], and local[1]),
  written the way dbldatagen's documentation writes such data: value lists with weights for
  names, states, segments; templates for phone and street address; ranges for ZIP, dates,
  scores, money; an expression for the e-mail.

Spark cases time the write of the DataFrame to the `noop` sink (generation without I/O) or, with
`--sink parquet`, to Parquet files; the session's start-up and one small warm-up job are timed
apart. Run:

    python benchmarks/bench_spark.py --rows 2000000 --json benchmarks/results/spark.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = [
    ("fakehouse-spark", 1),
    ("fakehouse-spark", 2),
    ("fakehouse-local", 1),
    ("fakehouse-local", 2),
    ("dbldatagen", 1),
    ("dbldatagen", 2),
]
BASE_CUSTOMERS = 10_000  # customers at multiplier 1


# --- the cases, each run in its own process -------------------------------------------------


def _session(cores: int):
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    started = time.perf_counter()
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("bench_spark")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(cores))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark, time.perf_counter() - started


def _write(frame, sink: str, out: Path) -> None:
    writer = frame.write.mode("overwrite")
    if sink == "noop":
        writer.format("noop").save()
    else:
        writer.option("compression", "zstd").parquet(str(out))


def _fakehouse_frame(spark, rows: int, seed: int, block_rows: int):
    from fakehouse.core.plan import plan
    from fakehouse.core.table import Context
    from fakehouse.domains.registry import domain
    from fakehouse.engines.spark import frame

    d = domain("retail")
    ctx = Context.create(d, seed, rows / BASE_CUSTOMERS)
    table = d.table("customers")
    tasks = plan(ctx, [table], block_rows)["customers"]
    return frame(spark, ctx, table, tasks), sum(t.rows for t in tasks)


def _dbldatagen_frame(spark, rows: int, seed: int, partitions: int):
    import dbldatagen as dg

    from fakehouse.core import reference

    def vocabulary(vocab, top: int = 1000) -> tuple[list[str], list[float]]:
        weights = vocab.cumulative.copy()
        weights[1:] -= vocab.cumulative[:-1]
        order = weights.argsort()[::-1][:top]
        return [vocab.values[int(i)].as_py() for i in order], [float(weights[i]) for i in order]

    first, first_w = vocabulary(reference.first_names("F"))
    last, last_w = vocabulary(reference.last_names())
    states = reference.states()
    codes = [c.as_py() for c in states.code]
    population = [float(p) for p in states.population]
    places = reference.places()
    cities = sorted({c.as_py() for c in places.city[:2000]})
    spec = (
        dg.DataGenerator(spark, name="customers", rows=rows, partitions=partitions, randomSeed=seed)
        .withColumn(
            "customer_id",
            "string",
            expr="concat('CUST', lpad(cast(id + 1 as string), 10, '0'))",
            baseColumn="id",
        )
        .withColumn("first_name", "string", values=first, weights=first_w, random=True)
        .withColumn("last_name", "string", values=last, weights=last_w, random=True)
        .withColumn(
            "email",
            "string",
            expr="lower(concat(first_name, '.', last_name, cast(id as string), '@example.com'))",
            baseColumn=["first_name", "last_name", "id"],
        )
        .withColumn("phone", "string", template=r"(ddd) ddd-dddd")
        .withColumn(
            "date_of_birth",
            "date",
            data_range=dg.DateRange("1940-01-01 00:00:00", "2005-12-31 00:00:00", "days=1"),
            random=True,
        )
        .withColumn("gender", "string", values=["F", "M"], weights=[51, 49], random=True)
        .withColumn("address_line1", "string", template=r"dddd \w Street")
        .withColumn("city", "string", values=cities, random=True)
        .withColumn("state", "string", values=codes, weights=population, random=True)
        .withColumn("zip_code", "string", minValue=10000, maxValue=99999, random=True)
        .withColumn("country", "string", values=["US"])
        .withColumn("latitude", "double", minValue=25.0, maxValue=49.0, random=True)
        .withColumn("longitude", "double", minValue=-124.0, maxValue=-67.0, random=True)
        .withColumn(
            "registration_date",
            "date",
            data_range=dg.DateRange("2015-01-01 00:00:00", "2025-12-31 00:00:00", "days=1"),
            random=True,
        )
        .withColumn(
            "customer_segment",
            "string",
            values=["Premium", "Regular", "Basic", "VIP"],
            weights=[20, 45, 30, 5],
            random=True,
        )
        .withColumn("credit_score", "int", minValue=300, maxValue=850, random=True)
        .withColumn("annual_income", "decimal(12,2)", minValue=15000, maxValue=250000, random=True)
        .withColumn("marketing_opt_in", "boolean", expr="rand() < 0.6")
    )
    return spec.build(), rows


def run_case(
    tool: str, cores: int, rows: int, seed: int, sink: str, block_rows: int, repeat: int
) -> dict:
    """One case: rows and the fastest of `repeat` timed runs, start-up and warm-up apart."""
    result: dict = {"tool": tool, "cores": cores, "sink": sink, "target_rows": rows}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "table"
        if tool == "fakehouse-local":
            result.update(_local_case(cores, rows, seed, block_rows, repeat))
            return result
        spark, result["startup_seconds"] = _session(cores)
        partitions = max(cores, 1)
        warm = min(rows, 20_000)
        started = time.perf_counter()
        if tool == "fakehouse-spark":
            frame, _ = _fakehouse_frame(spark, warm, seed, block_rows)
        else:
            frame, _ = _dbldatagen_frame(spark, warm, seed, partitions)
        _write(frame, sink, out)
        result["warmup_seconds"] = time.perf_counter() - started
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            if tool == "fakehouse-spark":
                frame, made = _fakehouse_frame(spark, rows, seed, block_rows)
            else:
                frame, made = _dbldatagen_frame(spark, rows, seed, max(cores * 4, 1))
            _write(frame, sink, out)
            runs.append(time.perf_counter() - started)
        result["runs"] = runs
        result["seconds"] = min(runs)
        result["rows"] = made
        result["columns"] = len(frame.columns)
        spark.stop()
    return result


def _local_blocks(args) -> int:
    from fakehouse.core.table import Context
    from fakehouse.domains.registry import domain

    seed, multiplier, start, stop, first = args
    ctx = _local_blocks.ctx if hasattr(_local_blocks, "ctx") else None
    if ctx is None:
        ctx = _local_blocks.ctx = Context.create(domain("retail"), seed, multiplier)
    table = ctx.domain.table("customers")
    return table.batch(table.block(ctx, start, stop, first)).num_rows


def _local_case(cores: int, rows: int, seed: int, block_rows: int, repeat: int) -> dict:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from fakehouse.core.plan import plan
    from fakehouse.core.table import Context
    from fakehouse.domains.registry import domain

    multiplier = rows / BASE_CUSTOMERS
    d = domain("retail")
    tasks = plan(Context.create(d, seed, multiplier), [d.table("customers")], block_rows)
    work = [(seed, multiplier, t.start, t.stop, t.first_row) for t in tasks["customers"]]
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=cores, mp_context=context) as pool:
        startup = time.perf_counter() - started
        list(pool.map(_local_blocks, work[: cores * 2]))  # warm-up: imports, reference data
        warm = time.perf_counter() - started - startup
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            made = sum(pool.map(_local_blocks, work))
            runs.append(time.perf_counter() - started)
    return {
        "startup_seconds": startup,
        "warmup_seconds": warm,
        "runs": runs,
        "seconds": min(runs),
        "rows": made,
        "columns": len(d.table("customers").columns),
    }


# --- the harness ----------------------------------------------------------------------------


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("fakehouse", "pyspark", "dbldatagen", "pyarrow", "numpy", "pandas"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    found["java"] = java.splitlines()[0] if java else None
    return found


def _machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=2_000_000, help="rows per timed run")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--sink", choices=["noop", "parquet"], default="noop")
    p.add_argument("--block-rows", type=int, default=100_000, help="fakehouse rows per block")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per case (fastest kept)")
    p.add_argument("--only", action="append", default=[], help="tool[:cores], repeatable")
    p.add_argument("--json", type=Path, help="save the raw results here")
    p.add_argument("--case", help=argparse.SUPPRESS)  # internal: tool:cores in this process
    args = p.parse_args(argv)
    if args.case:
        tool, cores = args.case.split(":")
        result = run_case(
            tool, int(cores), args.rows, args.seed, args.sink, args.block_rows, args.repeat
        )
        print(json.dumps(result))
        return 0
    cases = [
        (t, c) for t, c in CASES if not args.only or any(o in (t, f"{t}:{c}") for o in args.only)
    ]
    results = []
    for tool, cores in cases:
        print(f"running {tool} on {cores} core(s) ...", file=sys.stderr, flush=True)
        command = [sys.executable, __file__, "--case", f"{tool}:{cores}", "--rows", str(args.rows)]
        command += ["--seed", str(args.seed), "--sink", args.sink]
        command += ["--block-rows", str(args.block_rows), "--repeat", str(args.repeat)]
        time.sleep(5)  # let the previous case's JVM finish exiting
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            results.append({"tool": tool, "cores": cores, "error": done.stderr[-2000:]})
            print(done.stderr[-2000:], file=sys.stderr)
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["process_seconds"] = wall
        results.append(result)
    print(f"\ncustomers-like table, {args.rows:,} rows, sink {args.sink}\n")
    print(f"fastest of {args.repeat} timed runs per case\n")
    header = "| tool | cores | rows/s | seconds | start-up s | warm-up s | process s |"
    print(header + "\n|---|---|---|---|---|---|---|")
    for r in results:
        if "error" in r:
            print(f"| {r['tool']} | {r['cores']} | failed | | | | |")
            continue
        print(
            f"| {r['tool']} | {r['cores']} | {r['rows'] / r['seconds']:,.0f} | "
            f"{r['seconds']:.1f} | {r['startup_seconds']:.1f} | {r['warmup_seconds']:.1f} | "
            f"{r['process_seconds']:.1f} |"
        )
    rate = {(r["tool"], r["cores"]): r["rows"] / r["seconds"] for r in results if "rows" in r}
    print()
    for tool in ("fakehouse-spark", "fakehouse-local", "dbldatagen"):
        if (tool, 1) in rate and (tool, 2) in rate:
            print(f"{tool}: 2 cores / 1 core = {rate[(tool, 2)] / rate[(tool, 1)]:.2f}x")
    for cores in (1, 2):
        if ("fakehouse-spark", cores) in rate and ("dbldatagen", cores) in rate:
            ratio = rate[("fakehouse-spark", cores)] / rate[("dbldatagen", cores)]
            print(f"fakehouse-spark / dbldatagen on {cores} core(s) = {ratio:.1f}x")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "machine": _machine(),
            "versions": _versions(),
            "rows": args.rows,
            "sink": args.sink,
            "block_rows": args.block_rows,
            "repeat": args.repeat,
            "results": results,
        }
        args.json.write_text(json.dumps(record, indent=2) + "\n")
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
