"""The local engine: blocks on a process pool, Parquet part files, an atomic warehouse.

Every block is generated and written by a worker on its own (`part-NNNNN.parquet`, numbered
by block), so memory is bounded by the block size and nothing but counts crosses processes.
The whole warehouse is built in a hidden staging folder beside the target and moved into
place only when complete; on any failure the staging folder is removed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from fakehouse.core.plan import BLOCK_ROWS, Task, Work, count_blocks, part_name, plan
from fakehouse.core.table import Context, Domain
from fakehouse.errors import UserError

FORMATS = ("parquet", "csv", "json")
MANIFEST = "fakehouse.json"

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
    batch = table.batch(table.block(ctx, task.start, task.stop, task.first_row))
    if batch.num_rows != task.rows:
        raise RuntimeError(
            f"{task.table} block {task.part}: {batch.num_rows} rows, planned {task.rows}"
        )
    data = pa.Table.from_batches([batch])
    name = part_name(task.part)
    path = root / ctx.domain.schema / task.table / f"{name}.parquet"
    pq.write_table(
        data,
        path,
        compression="zstd",
        compression_level=1,
        use_dictionary=table.dictionary_columns,
        write_statistics=table.statistics_columns,
    )
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


def check_target(out: Path, overwrite: bool) -> None:
    """Refuse a non-empty target without `overwrite`, and targets we cannot write."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} exists and is not a folder")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise UserError(f"{out} is not empty; pass --overwrite to replace it")
    probe = out.parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise UserError(f"cannot write to {out.parent}")


def _pool(workers: int, contexts: dict[str, Context]) -> Executor:
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_init,
        initargs=(contexts,),
    )


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
) -> Summary:
    """Generate `domains` into the warehouse folder `out` (Parquet + DuckDB catalog)."""
    from fakehouse.catalog import duckdb as catalog

    started = time.perf_counter()
    out = Path(out)
    check_target(out, overwrite)
    workers = max(1, workers or os.cpu_count() or 1)
    contexts = {d.name: Context.create(d, seed, multiplier) for d in domains}
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
    except OSError as exc:
        raise UserError(f"cannot write to {out.parent}: {exc.strerror}") from None
    _init(contexts)
    executor = _Inline() if workers == 1 else _pool(workers, contexts)
    try:
        with executor:
            plans = {
                name: plan(ctx, ctx.domain.ordered(), block_rows, _counter(executor, name))
                for name, ctx in contexts.items()
            }
            summary = Summary(out)
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
            finally:
                loader.close()
        _manifest(staging, contexts, summary)
        _replace(staging, out)
    except OSError as exc:  # disk full, permissions changed under us, ...
        shutil.rmtree(staging, ignore_errors=True)
        raise UserError(f"writing {out} failed: {exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def _manifest(root: Path, contexts: dict[str, Context], summary: Summary) -> None:
    """`fakehouse.json`: how the warehouse was made (validate reads the window from it)."""
    from fakehouse import __version__

    rows = {(r.domain, r.table): r.rows for r in summary.tables}
    manifest = {
        "fakehouse_version": __version__,
        "domains": {
            name: {
                "schema": ctx.domain.schema,
                "seed": ctx.seed,
                "multiplier": ctx.multiplier,
                "params": ctx.params.model_dump(mode="json"),
                "rows": {t.name: rows[(ctx.domain.schema, t.name)] for t in ctx.domain.tables},
            }
            for name, ctx in contexts.items()
        },
    }
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def _counter(executor: Executor, domain: str):
    def count(work: list[Work]) -> list[list[int]]:
        futures = [executor.submit(_count, domain, [t.name for t in ts], a, b) for ts, a, b in work]
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
    ordered = [(key[0], tasks) for key, tasks in jobs.items()]
    ordered.sort(key=lambda job: -sum(t.rows for t in job[1]))  # largest first balances the pool
    return ordered


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
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
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


def _replace(staging: Path, out: Path) -> None:
    """Move the finished warehouse into place; an old one is removed only after the swap."""
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
