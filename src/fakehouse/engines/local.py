"""The local engine: blocks on a process pool, Parquet part files, an atomic warehouse.

Every block is generated and written by a worker on its own (`part-NNNNN.parquet`, numbered
by block), so memory is bounded by the block size and nothing but counts crosses processes.
The whole warehouse is built in a hidden staging folder beside the target and moved into
place only when complete (engines.target: what may be replaced, one run per folder, the
leftovers of killed runs); on any failure the staging folder is removed. Workers ignore
Ctrl-C (the parent stops them) and die with the parent, however it ends.
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fakehouse.core.plan import BLOCK_ROWS, Task, Work, count_blocks, part_name, plan
from fakehouse.core.table import Context, Domain
from fakehouse.domains.plugins import blamed
from fakehouse.engines import estimate, target
from fakehouse.engines.estimate import parquet_options
from fakehouse.engines.malloc import keep_freed_memory
from fakehouse.errors import UserError
from fakehouse.manifest import DomainRecord, Manifest

FORMATS = ("parquet", "csv", "json")
#: workers yield to the parent's catalog loader, whose last inserts end every run
NICE = 5
#: the main thread never blocks longer than this, so Ctrl-C and SIGTERM (which any thread may
#: receive, while Python handles them only on the main thread) take effect at once
WAKE_SECONDS = 0.2

# set in each worker (and in the parent for inline runs) by `_init`
_CONTEXTS: dict[str, Context] = {}


@dataclass
class TableResult:
    domain: str
    table: str
    rows: int = 0
    bytes: int = 0


@dataclass
class Summary:
    out: Path
    seconds: float = 0.0
    tables: list[TableResult] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


Progress = Callable[[str, int], None]  # (schema.table, rows done) -> None


def _init(contexts: dict[str, Context]) -> None:
    _CONTEXTS.clear()
    _CONTEXTS.update(contexts)


def _count(domain: str, tables: list[str], start: int, stop: int) -> list[int]:
    ctx = _CONTEXTS[domain]
    with blamed(ctx.domain, tables):
        return count_blocks(ctx, [ctx.domain.table(t) for t in tables], start, stop)


def _write_job(
    domain: str, tasks: list[Task], root: str, formats: tuple[str, ...]
) -> list[tuple[int, int]]:
    """Generate and write the blocks of one job (one table, or a group sharing a driver
    range); returns (rows, Parquet bytes) per task."""
    ctx = _CONTEXTS[domain]
    try:
        return [_write(ctx, task, Path(root), formats) for task in tasks]
    finally:
        ctx.scratch.clear()


def _write(ctx: Context, task: Task, root: Path, formats: tuple[str, ...]) -> tuple[int, int]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = ctx.domain.table(task.table)
    with blamed(ctx.domain, [task.table]):
        batch = table.batch(table.block(ctx, task.start, task.stop, task.first_row))
    if batch.num_rows != task.rows:
        raise RuntimeError(
            f"{task.table} block {task.part}: {batch.num_rows} rows, planned {task.rows}"
        )
    data = pa.Table.from_batches([batch])
    name = part_name(task.part)
    path = root / ctx.domain.schema / task.table / f"{name}.parquet"
    pq.write_table(data, path, **parquet_options(table))
    if "csv" in formats:
        import pyarrow.csv as pacsv

        pacsv.write_csv(data, root / "csv" / ctx.domain.schema / task.table / f"{name}.csv")
    if "json" in formats:
        import duckdb

        target = root / "json" / ctx.domain.schema / task.table / f"{name}.json"
        with duckdb.connect() as con:
            con.register("part", data)
            quoted = str(target).replace("'", "''")
            con.execute(f"COPY part TO '{quoted}' (FORMAT json)")
    return batch.num_rows, path.stat().st_size


def _die_with_parent(parent: int) -> None:
    """Make this worker end when the process that started it ends, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    else:  # elsewhere, a thread watches for the parent to go

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent went before the watch was set up
        os._exit(1)


def _init_worker(contexts: dict[str, Context], parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's cleanup handler
    _die_with_parent(parent)
    keep_freed_memory()
    if hasattr(os, "nice"):  # the catalog loader, in the parent, goes first: it ends the run
        os.nice(NICE)
    _init(contexts)


def _pool(workers: int, contexts: dict[str, Context]) -> Executor:
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(contexts, os.getpid()),
    )


def _stop(executor: Executor) -> None:
    """End a pool at once after a failure or Ctrl-C: running blocks are not waited for.
    (ProcessPoolExecutor has no public way to kill its workers before Python 3.14.)"""
    processes = dict(getattr(executor, "_processes", None) or {})
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        with contextlib.suppress(Exception):
            process.kill()
    for process in processes.values():  # reaped, so their files are closed when we return
        with contextlib.suppress(Exception):
            process.join(timeout=5)


class _Inline(Executor):
    """Runs tasks in this process (one worker): no pool start-up, same code path."""

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[override]
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def generate(
    domains: Iterable[Domain],
    out: Path,
    seed: int = 42,
    multiplier: float = 1.0,
    workers: int | None = None,
    formats: tuple[str, ...] = ("parquet",),
    overwrite: bool = False,
    block_rows: int = BLOCK_ROWS,
    on_plan: Callable[[dict[str, int]], None] | None = None,
    on_progress: Progress | None = None,
    on_planning: Callable[[str, int, int], None] | None = None,
    params: Mapping[str, Any] | None = None,
) -> Summary:
    """Generate `domains` into the warehouse folder `out` (Parquet + DuckDB catalog).

    `params` may give a domain's parameters by domain name (else its defaults).

    `on_planning(schema, done, total)` follows the first pass (long only at large multipliers),
    `on_plan` receives the exact rows per table, `on_progress` the rows of each part written.
    """
    started = time.perf_counter()
    workers = max(1, workers or os.cpu_count() or 1)
    contexts = {
        d.name: Context.create(d, seed, multiplier, (params or {}).get(d.name)) for d in domains
    }
    with target.Output(Path(out), overwrite) as output:
        try:
            estimate.check_space(list(contexts.values()), output.out, formats)
            summary = Summary(output.out)
            _build(
                output.staging,
                contexts,
                workers,
                formats,
                block_rows,
                summary,
                on_plan,
                on_progress,
                on_planning,
            )
            _manifest(output.staging, contexts, summary)
            output.commit()
        except OSError as exc:  # disk full, permissions changed under us, ...
            raise UserError(f"writing {output.out} failed: {_os_cause(exc)}") from None
    summary.seconds = time.perf_counter() - started
    return summary


def _build(
    staging, contexts, workers, formats, block_rows, summary, on_plan, on_progress, on_planning
) -> None:
    """Plan and write every table into `staging`, and load the catalog there."""
    from fakehouse.catalog import duckdb as catalog

    _init(contexts)
    executor = _Inline() if workers == 1 else _pool(workers, contexts)
    try:
        plans = _plan(executor, contexts, block_rows, on_planning)
        for name, tasks in plans.items():
            schema = contexts[name].domain.schema
            for table in tasks:
                summary.tables.append(TableResult(schema, table))
                for fmt in formats:
                    prefix = staging if fmt == "parquet" else staging / fmt
                    (prefix / schema / table).mkdir(parents=True, exist_ok=True)
        if on_plan:
            on_plan(
                {
                    f"{contexts[name].domain.schema}.{table}": sum(t.rows for t in ts)
                    for name, tasks in plans.items()
                    for table, ts in tasks.items()
                }
            )
        loader = catalog.Loader(staging)
        try:
            _run(executor, plans, contexts, staging, formats, summary, on_progress, loader)
        except BaseException:
            loader.abort()  # the first cause is the one to report, not the loader's
            raise
        loader.close()
    except BaseException:
        _stop(executor)
        raise
    executor.shutdown()


def _os_cause(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    text = exc.strerror or str(exc)
    return f"{text}: {exc.filename}" if exc.filename else text


def _plan(executor, contexts, block_rows, on_planning) -> dict[str, dict[str, list[Task]]]:
    """Every domain's tasks, its first pass run on the pool."""
    return {
        name: plan(ctx, ctx.domain.ordered(), block_rows, _counter(executor, ctx, on_planning))
        for name, ctx in contexts.items()
    }


def _manifest(root: Path, contexts: dict[str, Context], summary: Summary) -> None:
    """`fakehouse.json`: how the warehouse was made (validate reads domains and parameters)."""
    rows = {(r.domain, r.table): r.rows for r in summary.tables}
    Manifest(
        engine="local",
        domains={
            name: DomainRecord.of(
                ctx,
                ctx.domain.schema,
                {t.name: rows[(ctx.domain.schema, t.name)] for t in ctx.domain.tables},
            )
            for name, ctx in contexts.items()
        },
    ).write(root)


def _counter(executor: Executor, ctx: Context, on_planning=None):
    def count(work: list[Work]) -> list[list[int]]:
        name = ctx.domain.name
        futures = [executor.submit(_count, name, [t.name for t in ts], a, b) for ts, a, b in work]
        pending = set(futures)
        while pending:
            _, pending = wait(pending, timeout=WAKE_SECONDS, return_when=FIRST_COMPLETED)
            if on_planning:
                on_planning(ctx.domain.schema, len(futures) - len(pending), len(futures))
        return [f.result() for f in futures]

    return count


def _jobs(plans: dict[str, dict[str, list[Task]]], contexts) -> list[tuple[str, list[Task]]]:
    """One job per block of a table, or per shared block of a table group."""
    jobs: dict[tuple, list[Task]] = {}
    for name, tasks in plans.items():
        domain = contexts[name].domain
        for table, table_tasks in tasks.items():
            group = domain.table(table).group_name
            for task in table_tasks:
                jobs.setdefault((name, group, task.start, task.stop), []).append(task)
    size: dict[tuple, int] = {}  # rows of each table group
    for (name, group, _, _), tasks in jobs.items():
        size[name, group] = size.get((name, group), 0) + sum(t.rows for t in tasks)
    # the largest groups first balances the pool; each group's blocks in part order keep the
    # catalog loader (which inserts a table's parts in order) busy from the first block on
    ordered = sorted(jobs.items(), key=lambda job: (-size[job[0][:2]], job[1][0].part))
    return [(key[0], tasks) for key, tasks in ordered]


def _run(executor, plans, contexts, staging, formats, summary, on_progress, loader) -> None:
    """Run every job; hand each written part to the catalog loader."""
    results = {(r.domain, r.table): r for r in summary.tables}
    parts = {
        (contexts[name].domain.schema, table): len(table_tasks)
        for name, tasks in plans.items()
        for table, table_tasks in tasks.items()
    }
    pending = {
        executor.submit(_write_job, name, tasks, str(staging), formats): (name, tasks)
        for name, tasks in _jobs(plans, contexts)
    }
    try:
        while pending:
            done, _ = wait(pending, timeout=WAKE_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                name, tasks = pending.pop(future)
                for task, (rows, size) in zip(tasks, future.result(), strict=True):
                    result = results[(contexts[name].domain.schema, task.table)]
                    result.rows += rows
                    result.bytes += size
                    if on_progress:
                        on_progress(f"{result.domain}.{task.table}", rows)
                    domain = contexts[name].domain
                    loader.part(
                        domain,
                        domain.table(task.table),
                        task.part,
                        parts[(domain.schema, task.table)],
                    )
    except BaseException:
        for future in pending:
            future.cancel()
        raise
