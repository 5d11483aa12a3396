"""The Spark engine: the local engine's block functions, run inside Spark, saved as tables.

Each table becomes `spark.range(n_blocks).mapInArrow(blocks, schema)`: row i of the range is
block i of the plan, and the Python worker that receives it calls the table's own
`block(ctx, start, stop, first_row)` and yields its Arrow record batch. The result is written
with `saveAsTable` into one database per domain (`retail_analytics`, ...). Two-pass tables
are planned first by a small Spark job that returns one count per block (core.plan).

Promises:
- no row is collected to the driver: only the plan (driver ranges, per-block counts) and
  catalog metadata pass through it, so the multiplier is bounded by the cluster, not the driver;
- a table holds the same values as the local engine's for the same seed, multiplier and
  parameters (same blocks, same planner; tested on every domain);
- the engine never creates a SparkSession: it is handed one (a cluster's, Databricks', or the
  standalone one of catalog.hive), so it works wherever the caller's catalog lives; it uses
  only DataFrame and SQL calls (no RDDs), which Spark Connect sessions also offer.

Tables of one group (transactions, transaction_items) are separate Spark jobs here, so the
second recomputes the shared work of its blocks that the local engine does once per task.

Types: every Arrow type of a table maps to the Spark type that holds the same values.
Timestamps are `pa.timestamp("us")` without a time zone (local store time), so they map to
TIMESTAMP_NTZ: a wall-clock value that reads back identically whatever the session or
cluster time zone. Spark 3.4+ reads such tables; the Hive metastore has no such type, so
Spark registers a table with one in its own format, whose columns Hive and Trino do not see.
`timestamp_type="timestamp"` is for those readers: the same microseconds as TIMESTAMP, i.e.
the wall-clock values taken as UTC instants. They read back unchanged in a session whose time
zone is UTC (the warehouse's spark-defaults.conf sets it; validate runs its checks in UTC)
and shifted in any other. Decimals keep precision and scale, dates stay DATE. Spark writes
every column of a data source table as nullable; the values are unchanged.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from fakehouse.core.plan import BLOCK_ROWS, Task, Work, count_blocks, plan
from fakehouse.core.table import Context, Domain, Table
from fakehouse.domains.plugins import blamed
from fakehouse.engines import spark_guard
from fakehouse.engines.local import Summary, TableResult
from fakehouse.errors import UserError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import DataType, StructType

    from fakehouse.manifest import DomainRecord

FORMATS = ("parquet", "delta")
#: Spark types for the tables' zone-less timestamps (see the module doc)
TIMESTAMP_TYPES = ("timestamp_ntz", "timestamp")
#: rows per Arrow batch handed back to Spark (a block is sliced, without copying)
BATCH_ROWS = 65_536
#: database properties that record how a database was generated (read back by validate)
PROPERTY = "fakehouse"
#: the Hive metastore keeps database property values in VARCHAR(4000): split longer ones
PROPERTY_CHUNK = 3_000

Progress = Callable[[str, int], None]


# --- types -----------------------------------------------------------------------------------


def check_timestamp_type(name: str) -> str:
    if name not in TIMESTAMP_TYPES:
        raise UserError(
            f"unknown timestamp type {name!r}; choose from {', '.join(TIMESTAMP_TYPES)}"
        )
    return name


def spark_type(arrow: pa.DataType, timestamp_type: str = "timestamp_ntz") -> DataType:
    """The Spark type holding exactly the values of an Arrow type (see the module doc);
    `timestamp_type` "timestamp" maps zone-less timestamps to TIMESTAMP, read in UTC."""
    from pyspark.sql import types as T

    simple = {
        pa.bool_(): T.BooleanType(),
        pa.int8(): T.ByteType(),
        pa.int16(): T.ShortType(),
        pa.int32(): T.IntegerType(),
        pa.int64(): T.LongType(),
        pa.float32(): T.FloatType(),
        pa.float64(): T.DoubleType(),
        pa.string(): T.StringType(),
        pa.large_string(): T.StringType(),
        pa.binary(): T.BinaryType(),
        pa.large_binary(): T.BinaryType(),
        pa.date32(): T.DateType(),
    }
    if arrow in simple:
        return simple[arrow]
    if pa.types.is_decimal(arrow) and arrow.precision <= 38:
        return T.DecimalType(arrow.precision, arrow.scale)
    if pa.types.is_timestamp(arrow):
        ntz = arrow.tz is None and timestamp_type == "timestamp_ntz"
        return T.TimestampNTZType() if ntz else T.TimestampType()
    if pa.types.is_dictionary(arrow):
        return spark_type(arrow.value_type, timestamp_type)
    raise TypeError(f"no Spark type for Arrow type {arrow}")


def spark_schema(table: Table, timestamp_type: str = "timestamp_ntz") -> StructType:
    """The table's schema in Spark types; column descriptions become column comments."""
    from pyspark.sql import types as T

    return T.StructType(
        [
            T.StructField(
                c.name,
                spark_type(c.type, timestamp_type),
                nullable=c.nullable,
                metadata={"comment": c.description},
            )
            for c in table.columns
        ]
    )


def arrow_type(arrow: pa.DataType) -> pa.DataType:
    """The Arrow type Spark expects back for `arrow` (timestamps in microseconds)."""
    if pa.types.is_timestamp(arrow) and arrow.unit != "us":
        return pa.timestamp("us", arrow.tz)
    if pa.types.is_dictionary(arrow):
        return arrow.value_type
    return arrow


# --- work done in the Python workers ---------------------------------------------------------

#: contexts by key, kept for the life of a (reused) Python worker so that lookups a context
#: derives once (time models, indexes by state) serve every block the worker generates
_CONTEXTS: OrderedDict[str, Context] = OrderedDict()


def context_key(ctx: Context) -> str:
    params = ctx.params.model_dump_json() if hasattr(ctx.params, "model_dump_json") else ""
    plugins = [p.module for p in ctx.domain.plugins]  # a file plugin's name holds its hash
    return json.dumps([ctx.domain.name, ctx.seed, ctx.multiplier, params, plugins])


def _worker_context(key: str, ctx: Context) -> Context:
    found = _CONTEXTS.get(key)
    if found is None:
        found = _CONTEXTS[key] = ctx
        while len(_CONTEXTS) > 4:
            _CONTEXTS.popitem(last=False)
    return found


def _count_blocks(
    key: str,
    ctx: Context,
    work: list[tuple[list[str], int, int]],
    batches: Iterator[pa.RecordBatch],
) -> Iterator[pa.RecordBatch]:
    """First pass: row counts of the work items whose numbers arrive in `batches` (one item
    per table group and range, one count per table, returned in the item's table order)."""
    ctx = _worker_context(key, ctx)
    for batch in batches:
        items, counts = [], []
        for i in batch.column(0).to_pylist():
            tables, start, stop = work[i]
            with blamed(ctx.domain, tables):
                found = count_blocks(ctx, [ctx.domain.table(t) for t in tables], start, stop)
            items += [i] * len(found)
            counts += found
        yield pa.RecordBatch.from_arrays(
            [pa.array(items, pa.int64()), pa.array(counts, pa.int64())], names=["block", "rows"]
        )


def _generate_blocks(
    key: str,
    ctx: Context,
    table_name: str,
    tasks: list[tuple[int, int, int, int]],
    batches: Iterator[pa.RecordBatch],
) -> Iterator[pa.RecordBatch]:
    """Second pass: the record batches of the blocks whose numbers arrive in `batches`."""
    ctx = _worker_context(key, ctx)
    table = ctx.domain.table(table_name)
    schema = pa.schema([pa.field(c.name, arrow_type(c.type), c.nullable) for c in table.columns])
    for batch in batches:
        for i in batch.column(0).to_pylist():
            start, stop, first_row, rows = tasks[i]
            try:
                with blamed(ctx.domain, [table_name]):
                    block = table.batch(table.block(ctx, start, stop, first_row))
            finally:
                ctx.scratch.clear()
            if block.num_rows != rows:
                raise RuntimeError(f"{table_name} block {i}: {block.num_rows} rows, planned {rows}")
            if block.schema != schema:
                block = pa.RecordBatch.from_arrays(
                    [col.cast(f.type) for col, f in zip(block.columns, schema, strict=True)],
                    schema=schema,
                )
            for offset in range(0, block.num_rows, BATCH_ROWS):
                yield block.slice(offset, BATCH_ROWS)


# --- the driver ------------------------------------------------------------------------------


def database_names(
    domains: Iterable[Domain],
    database_prefix: str = "",
    databases: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Database per domain name: `databases[name]`, else prefix + the domain's schema."""
    databases = dict(databases or {})
    names = {}
    for d in domains:
        names[d.name] = databases.pop(d.name, None) or f"{database_prefix}{d.schema}"
    if databases:
        raise UserError(f"databases given for unknown domains: {', '.join(sorted(databases))}")
    for name in names.values():
        if not name.replace("_", "").isalnum():
            raise UserError(f"bad database name {name!r}: use letters, digits and _")
    return names


def sql_string(text: str) -> str:
    """`text` as a Spark SQL string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _describe(spark: SparkSession, text: str | None) -> None:
    """Name the next jobs in Spark's UI (not available through Spark Connect: skipped)."""
    with contextlib.suppress(Exception):
        spark.sparkContext.setJobDescription(text)


def _parallelism(spark: SparkSession) -> int:
    """Task slots for the count job (Spark Connect has no SparkContext: read the conf)."""
    try:
        return max(1, spark.sparkContext.defaultParallelism)
    except Exception:
        return max(1, int(spark.conf.get("spark.default.parallelism", "8")))


def _counter(spark: SparkSession, key: str, ctx: Context, parallelism: int):
    """core.plan's first pass as one small Spark job; only one count per block comes back."""

    def count(work: list[Work]) -> list[list[int]]:
        if not work:
            return []
        items = [([t.name for t in ts], a, b) for ts, a, b in work]
        fn = functools.partial(_count_blocks, key, ctx, items)
        _describe(spark, f"fakehouse: count {ctx.domain.schema}")
        with _plugin_errors():
            found = (
                spark.range(len(items), numPartitions=min(len(items), parallelism))
                .mapInArrow(fn, "block long, rows long")
                .collect()
            )
        rows: dict[int, list[int]] = {}
        for r in found:  # an item's counts arrive together, in its table order
            rows.setdefault(r["block"], []).append(r["rows"])
        return [rows[i] for i in range(len(items))]

    return count


@contextlib.contextmanager
def _plugin_errors() -> Iterator[None]:
    """A plugin's error in a Python worker (`plugins.blamed`) comes back wrapped in Spark's
    exception: raise its one line again, as the local engine does."""
    try:
        yield
    except Exception as exc:
        found = re.search(r"fakehouse\.errors\.UserError: (.+)", str(exc))
        if found is None:
            raise
        raise UserError(found.group(1).strip()) from None


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise UserError(f"unknown table format {fmt!r}; choose from {', '.join(FORMATS)}")
    if fmt == "delta":
        import importlib.util

        if importlib.util.find_spec("delta") is None:
            raise UserError("format delta needs delta-spark: pip install delta-spark")
    return fmt


def properties(ctx: Context, database: str) -> dict[str, str]:
    """Database properties recording how a domain's database was generated: its manifest
    record (parameters as base64 JSON, chunked: no commas or parentheses, values within
    the metastore's VARCHAR(4000))."""
    from fakehouse.manifest import DomainRecord
    from fakehouse.version import __version__

    record = DomainRecord.of(ctx, database)
    found = {
        f"{PROPERTY}.domain": ctx.domain.name,
        f"{PROPERTY}.version": __version__,
        f"{PROPERTY}.seed": str(record.seed),
        f"{PROPERTY}.multiplier": repr(record.multiplier),
    }
    found.update(_chunked("params", json.dumps(record.params)))
    if record.plugins:
        found.update(_chunked("plugins", json.dumps([p.model_dump() for p in record.plugins])))
    return found


def read_properties(props: Mapping[str, str], database: str) -> tuple[str, DomainRecord] | None:
    """(domain name, manifest record) of a database from its properties; None if fakehouse
    did not make it."""
    from fakehouse.manifest import DomainRecord

    if f"{PROPERTY}.domain" not in props:
        return None
    params = _unchunked(props, "params")
    plugins = _unchunked(props, "plugins")
    record = DomainRecord(
        schema=database,
        seed=int(props.get(f"{PROPERTY}.seed", "0")),
        multiplier=float(props.get(f"{PROPERTY}.multiplier", "1")),
        params=json.loads(params) if params else {},
        plugins=json.loads(plugins) if plugins else [],
    )
    return props[f"{PROPERTY}.domain"], record


def _chunked(name: str, text: str) -> dict[str, str]:
    encoded = base64.b64encode(text.encode()).decode()
    chunks = [encoded[i : i + PROPERTY_CHUNK] for i in range(0, len(encoded), PROPERTY_CHUNK)]
    found = {f"{PROPERTY}.{name}.chunks": str(len(chunks))}
    found.update({f"{PROPERTY}.{name}.{i}": chunk for i, chunk in enumerate(chunks)})
    return found


def _unchunked(props: Mapping[str, str], name: str) -> str:
    chunks = int(props.get(f"{PROPERTY}.{name}.chunks", "0"))
    encoded = "".join(props.get(f"{PROPERTY}.{name}.{i}", "") for i in range(chunks))
    return base64.b64decode(encoded).decode() if encoded else ""


def _table_bytes(spark: SparkSession, name: str) -> int:
    """Bytes on disk the catalog records for a table (0 if it records none)."""
    try:
        for row in spark.sql(f"DESCRIBE TABLE EXTENDED {name}").collect():
            if row[0] == "Statistics" and "bytes" in row[1]:
                return int(row[1].split(" bytes")[0].strip())
    except Exception:  # statistics are informative only
        return 0
    return 0


def generate(
    spark: SparkSession,
    domains: Iterable[Domain],
    seed: int = 42,
    multiplier: float = 1.0,
    database_prefix: str = "",
    databases: Mapping[str, str] | None = None,
    fmt: str = "parquet",
    block_rows: int = BLOCK_ROWS,
    params: Mapping[str, Any] | None = None,
    on_plan: Callable[[dict[str, int]], None] | None = None,
    on_progress: Progress | None = None,
    timestamp_type: str = "timestamp_ntz",
) -> Summary:
    """Generate `domains` as tables of `spark`'s catalog, one database per domain.

    Existing tables of the same names are replaced. `params` may give a domain's parameter
    object by domain name; `timestamp_type` is explained in the module doc. Returns the run
    summary (rows per table as planned and written). The jobs run under engines.spark_guard:
    stopped when no executor is alive for `spark.fakehouse.executorTimeout` seconds,
    cancelled by Ctrl-C.
    """
    from pathlib import Path

    started = time.perf_counter()
    domains = list(domains)
    fmt = check_format(fmt)
    check_timestamp_type(timestamp_type)
    names = database_names(domains, database_prefix, databases)
    contexts = {
        d.name: Context.create(d, seed, multiplier, (params or {}).get(d.name)) for d in domains
    }
    keys = {name: context_key(ctx) for name, ctx in contexts.items()}
    with spark_guard.guarded(spark):
        parallelism = _parallelism(spark)
        plans: dict[str, dict[str, list[Task]]] = {}
        for name, ctx in contexts.items():
            counter = _counter(spark, keys[name], ctx, parallelism)
            plans[name] = plan(ctx, ctx.domain.ordered(), block_rows, counter)
        if on_plan:
            on_plan(
                {
                    f"{names[name]}.{table}": sum(t.rows for t in tasks)
                    for name, by_table in plans.items()
                    for table, tasks in by_table.items()
                }
            )
        summary = Summary(Path(spark.conf.get("spark.sql.warehouse.dir", "spark-warehouse")))
        for name, ctx in contexts.items():
            database = names[name]
            _create_database(spark, database, ctx)
            for table_name, tasks in plans[name].items():
                table = ctx.domain.table(table_name)
                full = f"{database}.{table_name}"
                data = frame(spark, ctx, table, tasks, keys[name], timestamp_type)
                rows = _write_table(spark, data, table, tasks, full, fmt)
                size = _table_bytes(spark, full)
                summary.tables.append(TableResult(database, table_name, rows, size))
                if on_progress:
                    on_progress(full, rows)
        _describe(spark, None)
    summary.seconds = time.perf_counter() - started
    return summary


def _create_database(spark: SparkSession, database: str, ctx: Context) -> None:
    """The domain's database, with the properties that say how it was generated."""
    props = ", ".join(
        f"{sql_string(k)} = {sql_string(v)}" for k, v in properties(ctx, database).items()
    )
    if spark.catalog.databaseExists(database):
        spark.sql(f"ALTER DATABASE {database} SET DBPROPERTIES ({props})")
    else:  # at creation: Spark's ALTER DATABASE fails when the location holds a space
        spark.sql(
            f"CREATE DATABASE {database} COMMENT {sql_string(ctx.domain.description)} "
            f"WITH DBPROPERTIES ({props})"
        )


def frame(
    spark: SparkSession,
    ctx: Context,
    table: Table,
    tasks: list[Task],
    key: str | None = None,
    timestamp_type: str = "timestamp_ntz",
) -> DataFrame:
    """The rows of `table` for the planned `tasks` as a DataFrame, one partition per block.

    Lazy like any DataFrame: the blocks are generated by the executors when an action runs.
    """
    spec = [(t.start, t.stop, t.first_row, t.rows) for t in tasks]
    fn = functools.partial(_generate_blocks, key or context_key(ctx), ctx, table.name, spec)
    numbers = spark.range(len(spec), numPartitions=max(1, len(spec)))
    return numbers.mapInArrow(fn, spark_schema(table, timestamp_type))


def _write_table(
    spark: SparkSession, data: DataFrame, table: Table, tasks: list[Task], name: str, fmt: str
) -> int:
    """Save the DataFrame of one table's blocks as `name`."""
    _describe(spark, f"fakehouse: {name}")
    writer = data.write.format(fmt).mode("overwrite")
    if fmt == "parquet":
        writer = writer.option("compression", "zstd")
    with _plugin_errors():
        writer.saveAsTable(name)
    rows = sum(t.rows for t in tasks)
    spark.sql(
        f"ALTER TABLE {name} SET TBLPROPERTIES ("
        f"'comment' = {sql_string(table.description)}, "
        f"'{PROPERTY}.rows' = '{rows}')"
    )
    return rows
