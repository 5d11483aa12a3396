"""Side-by-side throughput and memory benchmark: fakehouse vs tpchgen-cli vs a Faker baseline.

One run of this script measures, on one machine and one after the other (never two at once):

- fakehouse ``generate retail`` at each multiplier of ``--multipliers``;
- ``tpchgen-cli`` writing Parquet at ``--tpch-scale`` (a Rust reference for raw speed);
- ``benchmarks/baseline_faker.py`` at ``--baseline-multiplier`` (per-row Faker + pandas).

Every tool runs as a subprocess into a fresh temporary folder, removed after the run. For
each run it records wall seconds (from spawn to exit), rows counted from the Parquet
metadata of every ``*.parquet`` written (never the tool's own claim), Parquet bytes, and
peak memory two ways: the largest sum of RSS over the process and all its descendants,
sampled every ``--poll-ms`` by a background thread, and ``ru_maxrss`` from ``wait4`` (the
largest single process) with ``getrusage(RUSAGE_CHILDREN)`` as a cross-check. A tool that
fails or writes no Parquet is reported as failed and the benchmark goes on.

Results go to stdout as a table with ratios; progress goes to stderr; ``--json PATH`` saves
every raw run together with the machine description and the exact commands.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
MB = 1_000_000

# Templates are split with shlex, then each word is formatted. A word that is exactly
# "{fakehouse}" expands to the fakehouse launcher, which may be several words.
DEFAULT_FAKEHOUSE_CMD = (
    "{fakehouse} generate retail --multiplier {multiplier} --seed {seed} --out {out}"
    " --overwrite --quiet"
)
# tpchgen-cli 4.x takes the format as a subcommand; it has no --format flag.
DEFAULT_TPCHGEN_CMD = "tpchgen-cli parquet -s {scale} --output-dir {out} --overwrite --quiet"
DEFAULT_BASELINE_CMD = (
    "{python} {baseline} --multiplier {multiplier} --out {out} --seed {seed} --table-times"
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fakehouse_launcher() -> list[str]:
    """The fakehouse console script if installed, else ``python -m fakehouse``."""
    found = shutil.which("fakehouse") or shutil.which(
        "fakehouse", path=str(Path(sys.executable).parent)
    )
    return [found] if found else [sys.executable, "-m", "fakehouse"]


def build_command(template: str, **values: object) -> list[str]:
    words: list[str] = []
    for word in shlex.split(template):
        key = word[1:-1] if word.startswith("{") and word.endswith("}") else None
        if key in values and isinstance(values[key], list):
            words.extend(str(v) for v in values[key])
        else:
            words.append(word.format(**values))
    return words


GONE = (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess)


def tree_rss(proc: psutil.Process) -> int:
    """RSS of a process plus all its descendants, in bytes (0 for any that is gone)."""
    try:
        procs = [proc, *proc.children(recursive=True)]
    except GONE:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(*GONE):
            total += p.memory_info().rss
    return total


def parquet_stats(root: Path) -> dict:
    """Rows and bytes of every Parquet file under root, per table, from file metadata."""
    tables: dict[str, dict[str, int]] = {}
    other_bytes = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix != ".parquet":
            other_bytes += path.stat().st_size
            continue
        # <dir>/<table>.parquet, or <dir>/<table>/part-NNNNN.parquet | <table>.N.parquet
        stem = path.name.split(".")[0]
        parted = stem.startswith("part-") or stem == path.parent.name
        table = path.parent.name if parted else stem
        entry = tables.setdefault(table, {"rows": 0, "bytes": 0, "files": 0})
        entry["rows"] += pq.ParquetFile(path).metadata.num_rows
        entry["bytes"] += path.stat().st_size
        entry["files"] += 1
    return {
        "rows": sum(t["rows"] for t in tables.values()),
        "parquet_bytes": sum(t["bytes"] for t in tables.values()),
        "other_bytes": other_bytes,
        "tables": tables,
    }


def run_once(cmd: list[str], out: Path, poll_s: float) -> dict:
    """Run cmd to completion, sampling the RSS of its process tree; then count its Parquet."""
    record: dict = {"command": cmd}
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
        except OSError as exc:
            record.update(ok=False, error=f"cannot start {cmd[0]!r}: {exc}")
            return record
        # Made before wait4 so the pid cannot be reaped (and reused) under it.
        ps = psutil.Process(proc.pid)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss(ps))
                done.wait(poll_s)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # wait4 blocks without polling (exact wall time) and gives this child's rusage.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        out_text = stdout.read().decode(errors="replace")
        err_text = stderr.read().decode(errors="replace")

    record.update(
        returncode=proc.returncode,
        seconds=wall,
        peak_rss_bytes=peak[0],
        ru_maxrss_bytes=usage.ru_maxrss * 1024,  # Linux reports KiB
        rusage_children_maxrss_bytes=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        user_seconds=usage.ru_utime,
        system_seconds=usage.ru_stime,
        stdout_tail=out_text.strip().splitlines()[-1:],
        stderr_tail=err_text.strip().splitlines()[-5:],
    )
    try:
        tool_report = json.loads(record["stdout_tail"][0]) if record["stdout_tail"] else None
    except json.JSONDecodeError:
        tool_report = None
    if isinstance(tool_report, dict):
        record["tool_report"] = tool_report
    if proc.returncode != 0:
        tail = " | ".join(record["stderr_tail"]) or "(no stderr)"
        record.update(ok=False, error=f"exit code {proc.returncode}: {tail}")
        return record
    record.update(parquet_stats(out))
    if record["rows"] == 0:
        record.update(ok=False, error=f"exit code 0 but no Parquet rows under {out}")
        return record
    record["ok"] = True
    return record


def run_case(name: str, size: str, cmd_for, args) -> dict:
    """Run one configuration --repeat times (stopping at the first failure); summarise."""
    runs = []
    for i in range(1, args.repeat + 1):
        out = Path(tempfile.mkdtemp(prefix=f"bench-{name}-", dir=args.tmp_dir))
        try:
            cmd = cmd_for(out)
            log(f"[{name} {size}] run {i}/{args.repeat}: {shlex.join(cmd)}")
            record = run_once(cmd, out, args.poll_ms / 1000)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        runs.append(record)
        if not record["ok"]:
            log(f"[{name} {size}] FAILED (no more repeats of it): {record['error']}")
            break
        log(
            f"[{name} {size}] {record['rows']:,} rows in {record['seconds']:.2f} s, "
            f"peak RSS {record['peak_rss_bytes'] / MB:.0f} MB"
        )
    case = {"tool": name, "size": size, "runs": runs}
    if not runs[-1]["ok"]:  # the loop stops at the first failure
        case.update(ok=False, error=runs[-1]["error"])
        return case
    seconds = statistics.median(r["seconds"] for r in runs)
    rows = statistics.median(r["rows"] for r in runs)
    parquet_bytes = statistics.median(r["parquet_bytes"] for r in runs)
    case.update(
        ok=True,
        rows=rows,
        rows_identical=len({r["rows"] for r in runs}) == 1,
        seconds=seconds,
        rows_per_s=rows / seconds,
        parquet_mb=parquet_bytes / MB,
        mb_per_s=parquet_bytes / MB / seconds,
        peak_rss_mb=statistics.median(r["peak_rss_bytes"] for r in runs) / MB,
        ru_maxrss_mb=statistics.median(r["ru_maxrss_bytes"] for r in runs) / MB,
        tables={t: v["rows"] for t, v in runs[0]["tables"].items()},
    )
    own = [r.get("tool_report", {}).get("seconds") for r in runs]
    if None not in own:
        case["tool_seconds"] = statistics.median(own)
    return case


def machine_info(tmp_dir: str | None) -> dict:
    cpu_model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("fakehouse", "faker", "pandas", "pyarrow", "psutil"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    try:
        versions["tpchgen-cli"] = (
            subprocess.run(["tpchgen-cli", "--version"], capture_output=True, text=True)
            .stdout.strip()
            .removeprefix("tpchgen-cli ")
        )
    except OSError:
        versions["tpchgen-cli"] = "not installed"
    try:
        commit = subprocess.run(
            ["git", "-C", str(HERE), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    tmp = Path(tmp_dir or tempfile.gettempdir()).resolve()
    mounts = [p for p in psutil.disk_partitions(all=True) if tmp.is_relative_to(p.mountpoint)]
    fs = max(mounts, key=lambda p: len(p.mountpoint)).fstype if mounts else "unknown"
    return {
        "cpu_model": cpu_model,
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "usable_cores": len(os.sched_getaffinity(0)),
        "ram_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": platform.platform(),
        "tmp_dir": f"{tmp} ({fs})",
        "git": commit or None,
        "versions": versions,
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def ratio(numerator: dict | None, denominator: dict | None, key: str) -> float | None:
    if numerator and denominator and numerator.get("ok") and denominator.get("ok"):
        return numerator[key] / denominator[key]
    return None


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}x"


def report(machine: dict, cases: list[dict], args) -> dict:
    """Print the machine, the results table and the ratios; return the ratios."""
    print(
        f"Machine: {machine['cpu_model']}, {machine['logical_cores']} logical cores "
        f"({machine['usable_cores']} usable), {machine['ram_gb']} GB RAM, "
        f"{machine['python']}, {machine['os']}"
    )
    print(f"Temp dir: {machine['tmp_dir']}; git {machine['git']}; {machine['date_utc']}")
    print(f"Versions: {', '.join(f'{k} {v}' for k, v in machine['versions'].items())}")
    print(f"Median of {args.repeat} run(s); MB = 10^6 bytes; seconds are wall, spawn to exit.")
    print()
    header = (
        f"{'tool':<10} {'size':>8} {'rows':>13} {'seconds':>9} {'rows/s':>12} "
        f"{'Parquet MB':>11} {'MB/s':>8} {'peak RSS MB':>12} {'ru_maxrss MB':>13}"
    )
    print(header)
    print("-" * len(header))
    for c in cases:
        if not c["ok"]:
            print(f"{c['tool']:<10} {c['size']:>8}  FAILED: {c['error']}")
            continue
        print(
            f"{c['tool']:<10} {c['size']:>8} {c['rows']:>13,.0f} {c['seconds']:>9.2f} "
            f"{c['rows_per_s']:>12,.0f} {c['parquet_mb']:>11.1f} {c['mb_per_s']:>8.1f} "
            f"{c['peak_rss_mb']:>12.0f} {c['ru_maxrss_mb']:>13.0f}"
        )
    for c in cases:
        if c["ok"] and not c["rows_identical"]:
            print(f"note: {c['tool']} {c['size']} wrote different row counts across runs")
        if c["ok"] and "tool_seconds" in c:
            own = c["tool_seconds"]
            print(
                f"note: {c['tool']} {c['size']} reports {own:.2f} s of its own "
                f"(without interpreter start-up): {c['rows'] / own:,.0f} rows/s"
            )
            startup = 1 - own / c["seconds"]
            if startup > 0.25:
                print(
                    f"note: start-up is {startup:.0%} of its wall time, so its rows/s at this "
                    "size understates its steady speed; a larger multiplier amortises it"
                )

    fakehouse = [c for c in cases if c["tool"] == "fakehouse"]
    tpch = next((c for c in cases if c["tool"] == "tpchgen"), None)
    baseline = next((c for c in cases if c["tool"] == "baseline"), None)
    ratios: dict = {}
    print()
    print("Ratios")
    for c in fakehouse:
        vs_tpch = ratio(c, tpch, "rows_per_s")
        vs_base = ratio(c, baseline, "rows_per_s")
        ratios[f"fakehouse {c['size']}"] = {"vs_tpchgen": vs_tpch, "vs_baseline": vs_base}
        print(
            f"  fakehouse {c['size']} rows/s / tpchgen rows/s = {fmt_ratio(vs_tpch)};"
            f"  / baseline rows/s = {fmt_ratio(vs_base)}"
        )
    if len(fakehouse) >= 2:
        small, large = fakehouse[0], fakehouse[-1]
        rss = ratio(large, small, "peak_rss_mb")
        rows = ratio(large, small, "rows")
        ratios["peak_rss_largest_over_smallest"] = rss
        print(
            f"  fakehouse peak RSS {large['size']} / {small['size']} = {fmt_ratio(rss)}"
            f" (rows {fmt_ratio(rows)})"
        )
    if not fakehouse:
        print("  (fakehouse not run)")
    return ratios


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--multipliers", default="1,10,50", help="fakehouse multipliers")
    parser.add_argument("--baseline-multiplier", type=float, default=0.02)
    parser.add_argument("--tpch-scale", type=float, default=1.0, help="tpchgen-cli -s")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; median kept")
    parser.add_argument("--workers", type=int, help="pass --workers N to fakehouse")
    parser.add_argument("--json", type=Path, help="save raw results to this file")
    parser.add_argument("--tmp-dir", help="where temporary output folders are made")
    parser.add_argument("--poll-ms", type=float, default=20.0, help="RSS sampling interval")
    parser.add_argument(
        "--skip",
        action="append",
        choices=["fakehouse", "tpchgen", "baseline"],
        default=[],
        help="leave a tool out (repeatable)",
    )
    parser.add_argument(
        "--fakehouse-cmd",
        default=DEFAULT_FAKEHOUSE_CMD,
        help="placeholders: {fakehouse} {multiplier} {seed} {out} {python}",
    )
    parser.add_argument(
        "--tpchgen-cmd", default=DEFAULT_TPCHGEN_CMD, help="placeholders: {scale} {out}"
    )
    parser.add_argument(
        "--baseline-cmd",
        default=DEFAULT_BASELINE_CMD,
        help="placeholders: {python} {baseline} {multiplier} {seed} {out}",
    )
    args = parser.parse_args(argv)
    args.multipliers = [float(m) for m in args.multipliers.split(",") if m.strip()]
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    machine = machine_info(args.tmp_dir)
    common = {
        "python": sys.executable,
        "fakehouse": fakehouse_launcher(),
        "baseline": str(HERE / "baseline_faker.py"),
        "seed": args.seed,
    }
    fakehouse_template = args.fakehouse_cmd
    if (
        "fakehouse" not in args.skip
        and common["fakehouse"][0] == sys.executable
        and importlib.util.find_spec("fakehouse") is None
    ):
        log(
            "warning: fakehouse is not installed here (no console script, no module); its runs"
            " will fail and be reported as such. Install it with: pip install -e '.[bench]'"
        )
    if args.workers:
        fakehouse_template += f" --workers {args.workers}"

    def label(m: float) -> str:
        return f"m={m:g}"

    plan = []
    if "fakehouse" not in args.skip:
        for m in sorted(args.multipliers):
            plan.append(
                (
                    "fakehouse",
                    label(m),
                    lambda out, m=m: build_command(
                        fakehouse_template, **common, multiplier=f"{m:g}", out=out
                    ),
                )
            )
    if "tpchgen" not in args.skip:
        plan.append(
            (
                "tpchgen",
                f"sf={args.tpch_scale:g}",
                lambda out: build_command(
                    args.tpchgen_cmd, **common, scale=f"{args.tpch_scale:g}", out=out
                ),
            )
        )
    if "baseline" not in args.skip:
        plan.append(
            (
                "baseline",
                label(args.baseline_multiplier),
                lambda out: build_command(
                    args.baseline_cmd, **common, multiplier=f"{args.baseline_multiplier:g}", out=out
                ),
            )
        )

    cases = [run_case(name, size, cmd_for, args) for name, size, cmd_for in plan]
    ratios = report(machine, cases, args)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        raw = {
            "machine": machine,
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "cases": cases,
            "ratios": ratios,
        }
        args.json.write_text(json.dumps(raw, indent=2, default=str) + "\n")
        log(f"raw results written to {args.json}")
    return 0 if all(c["ok"] for c in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
