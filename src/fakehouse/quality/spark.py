"""The contract's checks run through Spark SQL, on tables in a Spark catalog.

The checks (`core.checks`, derived and declared per domain) are written once, in DuckDB SQL.
Here each one is transpiled to Spark SQL by sqlglot and run by `spark.sql`, so
`fakehouse validate --engine spark` judges the tables where they live, with Spark's own
semantics, and nothing is copied out of Spark. Two things DuckDB has and Spark lacks are
provided as temporary views: the reference relations (`ref_places`, `ref_states`, as in
DuckDB) and `information_schema.columns` (Spark's catalog has no information schema; the view
lists the columns of the checked tables with their types under DuckDB's names).

Which databases to check and their history window come from the databases' own properties
(engines.spark writes them), so this works on any catalog, not only a standalone warehouse.

The checks run under engines.spark_guard (the executor watchdog, a quiet Ctrl-C), and leave
the session's log as they found it: Spark warns about two things they do on purpose, which
the user cannot act on (see QUIET_LOGGERS).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fakehouse.core.checks import Check, Report
from fakehouse.core.timeline import Window
from fakehouse.domains import plugins as domain_plugins
from fakehouse.domains import registry
from fakehouse.engines import spark_guard
from fakehouse.errors import UserError
from fakehouse.quality.checks import (
    Figures,
    Result,
    applicable,
    judge,
    reference_tables,
    sql_for,
    stored_plan,
)

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from fakehouse.manifest import DomainRecord

COLUMNS_VIEW = "fakehouse_information_schema_columns"
#: loggers kept at ERROR while the checks run: windows over a handful of aggregated rows need
#: no partitioning (WindowExec warns of "serious performance degradation"), and the reference
#: relations (about 1.3 MB) travel inside the tasks (TaskSetManager warns of large tasks)
QUIET_LOGGERS = (
    "org.apache.spark.sql.execution.window.WindowExec",
    "org.apache.spark.scheduler.TaskSetManager",
)


def to_spark(sql: str) -> str:
    """A check's DuckDB SQL as Spark SQL.

    sqlglot does the dialect work; these rewrites fill what it misses for these checks:
    - `information_schema.columns` reads a temporary view (Spark has no information schema);
    - a series in FROM (`generate_series(...) AS g(day)`, `range(1, 6) AS r(n)`) becomes
      `EXPLODE(SEQUENCE(...)) AS g(day)`, Spark's table-valued form;
    - day-of-week numbers keep DuckDB's meaning (`isodow`: Monday 1 .. Sunday 7; `dayofweek`:
      Sunday 0 .. Saturday 6), which sqlglot maps to Spark expressions that number days
      differently;
    - `regexp_full_match(x, p)` (no Spark function of that name) becomes `x RLIKE '^(?:p)$'`;
    - DuckDB's `quantile_cont(x, p)` becomes Spark's `percentile(x, p)` (both interpolate
      linearly) and `quantile_disc(x, p)` `percentile_disc(p) WITHIN GROUP (ORDER BY x)`;
    - `skewness` and `kurtosis` keep DuckDB's sample (bias-corrected) definitions, where
      Spark's functions of those names give the population ones;
    - `log10(x)` stays Spark's LOG10 (sqlglot writes `LOG(10, x)`, which divides natural
      logs: 2.9999999999999996 for 1000, one bin too low on a log-scale histogram);
    - a recursive CTE's UNION becomes UNION ALL (Spark accepts only that). The checks recurse
      down trees (each row has one parent), where no row is reached twice, so both give the
      same rows; Spark's recursion limit stops a cycle with an error, never a wrong count.
    """
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    for table in list(tree.find_all(exp.Table)):
        if isinstance(table.this, exp.GenerateSeries):
            table.set("this", exp.Anonymous(this="EXPLODE", expressions=[table.this]))
        elif table.name.lower() == "columns" and table.db.lower() == "information_schema":
            view = exp.to_table(COLUMNS_VIEW)
            table.replace(view.as_(table.alias) if table.alias else view)
    for node in list(tree.find_all(exp.DayOfWeekIso, exp.DayOfWeek, exp.Extract)):
        part = node.name.upper() if isinstance(node, exp.Extract) else ""
        if isinstance(node, exp.DayOfWeekIso) or part in ("ISODOW", "DAYOFWEEK_ISO"):
            day = node.expression if isinstance(node, exp.Extract) else node.this
            node.replace(exp.paren(exp.Anonymous(this="WEEKDAY", expressions=[day]) + 1))
        elif isinstance(node, exp.DayOfWeek) or part in ("DOW", "DAYOFWEEK"):
            day = node.expression if isinstance(node, exp.Extract) else node.this
            node.replace(exp.paren(exp.Anonymous(this="DAYOFWEEK", expressions=[day]) - 1))
    for node in list(tree.find_all(exp.RegexpFullMatch)):
        pattern = node.expression
        if isinstance(pattern, exp.Literal) and pattern.is_string:
            anchored = exp.Literal.string(f"^(?:{pattern.this})$")
        else:
            anchored = exp.func(
                "concat", exp.Literal.string("^(?:"), pattern, exp.Literal.string(")$")
            )
        node.replace(exp.RegexpLike(this=node.this, expression=anchored))
    for node in list(tree.find_all(exp.PercentileCont, exp.PercentileDisc)):
        if isinstance(node.parent, exp.WithinGroup):
            continue  # already in the ordered-set form Spark reads
        if isinstance(node, exp.PercentileCont):
            node.replace(exp.Anonymous(this="PERCENTILE", expressions=[node.this, node.expression]))
        else:
            order = exp.Order(expressions=[exp.Ordered(this=node.this)])
            # an anonymous function: sqlglot would print PercentileDisc as PERCENTILE_APPROX
            disc = exp.Anonymous(this="PERCENTILE_DISC", expressions=[node.expression])
            node.replace(exp.WithinGroup(this=disc, expression=order))
    for node in list(tree.find_all(exp.Skewness, exp.Kurtosis)):
        node.replace(_sample_moment(node))
    for node in list(tree.find_all(exp.Log)):
        if node.this == exp.Literal.number(10) and node.expression is not None:
            node.replace(exp.Anonymous(this="LOG10", expressions=[node.expression]))
    for with_ in tree.find_all(exp.With):
        if with_.args.get("recursive"):
            for union in with_.find_all(exp.Union):
                union.set("distinct", False)
    return tree.sql(dialect="spark")


def _sample_moment(node):
    """DuckDB's bias-corrected skewness (G1) or excess kurtosis (G2) from Spark's population
    g1 / g2: G1 = g1 sqrt(n (n - 1)) / (n - 2); G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2)(n - 3)).
    NULL below 3 (4) values, as in DuckDB."""
    import sqlglot

    x = node.this.sql(dialect="spark")
    n = f"COUNT({x})"
    if type(node).__name__ == "Skewness":
        text = f"(SKEWNESS({x}) * SQRT({n} * ({n} - 1)) / NULLIF({n} - 2, 0))"
    else:
        text = f"((({n} + 1) * KURTOSIS({x}) + 6) * ({n} - 1) / NULLIF(({n} - 2) * ({n} - 3), 0))"
    return sqlglot.parse_one(text, read="spark")


def register_reference(spark: SparkSession) -> None:
    """`ref_places` and `ref_states` as temporary views (the shipped reference data)."""
    for name, data in reference_tables().items():
        spark.createDataFrame(data).createOrReplaceTempView(name)


#: Spark's names of the types fakehouse writes, as DuckDB names them (what checks compare)
DUCKDB_TYPES = {
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "date": "DATE",
    "timestamp_ntz": "TIMESTAMP",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
}


def duckdb_type(spark_type: str) -> str:
    """DuckDB's name of a Spark type's `simpleString()`: `decimal(12,2)` -> `DECIMAL(12,2)`."""
    if spark_type.startswith("decimal"):
        return spark_type.upper()
    return DUCKDB_TYPES.get(spark_type, spark_type.upper())


def register_columns(spark: SparkSession, databases: Iterable[str]) -> None:
    """`information_schema.columns` (table_schema, table_name, column_name, data_type) for
    `databases`, with DuckDB's type names."""
    rows = []
    for database in databases:
        for table in spark.catalog.listTables(database):
            if table.isTemporary:
                continue
            for field in spark.table(f"{database}.{table.name}").schema.fields:
                rows.append(
                    (database, table.name, field.name, duckdb_type(field.dataType.simpleString()))
                )
    schema = "table_schema string, table_name string, column_name string, data_type string"
    spark.createDataFrame(rows, schema).createOrReplaceTempView(COLUMNS_VIEW)


def run(
    spark: SparkSession,
    checks: Iterable[Check],
    schema: str,
    window: Window | None,
    threads: int = 4,
    watch: spark_guard.Watchdog | None = None,
) -> list[Result]:
    """Run `checks` on database `schema`; a check Spark cannot run fails with its error.

    Checks are small queries: a few run at once (Spark schedules concurrent jobs), so the
    driver's planning of one overlaps the executors' work on another. Once `watch` (the
    executor watchdog) has fired, or on Ctrl-C, no further check starts.
    """
    from concurrent.futures import ThreadPoolExecutor

    def one(check: Check) -> Result:
        try:
            query = to_spark(sql_for(check, schema, window))
            found = [tuple(r) for r in spark.sql(query).collect()]
        except Exception as exc:
            if watch is not None and watch.fired:
                raise
            text = str(exc).strip().splitlines()
            message = text[0] if text else type(exc).__name__
            return Result(
                check, None, math.nan, math.nan, False, f"error: {message}", "a value", schema
            )
        return judge(check, found, schema)

    pool = ThreadPoolExecutor(max_workers=max(1, threads))
    try:
        return list(pool.map(one, checks))
    finally:
        pool.shutdown(cancel_futures=True)


def manifests(
    spark: SparkSession, databases: Iterable[str] | None = None
) -> dict[str, tuple[str, DomainRecord]]:
    """(domain, manifest record) of each database fakehouse generated (from database
    properties)."""
    from fakehouse.engines.spark import read_properties

    if databases is None:
        databases = [row[0] for row in spark.sql("SHOW DATABASES").collect()]
    found = {}
    for database in databases:
        try:
            rows = spark.sql(f"DESCRIBE DATABASE EXTENDED {database}").collect()
        except Exception as exc:
            raise UserError(f"no database {database}: {str(exc).splitlines()[0]}") from None
        props = {}
        for row in rows:
            if row[0] == "Properties" and row[1]:
                props = _parse_properties(row[1])
        entry = read_properties(props, database)
        if entry is not None:
            found[database] = entry
    return found


def _parse_properties(text: str) -> dict[str, str]:
    """The fakehouse.* entries of Spark's `((k1,v1), (k2,v2))` display of database properties
    (their values never hold parentheses: params are base64)."""
    import re

    return dict(re.findall(r"\((fakehouse\.[\w.]+),([^()]*)\)", text))


def run_reports(
    spark: SparkSession,
    reports: Iterable[Report],
    schema: str,
    window: Window | None,
    watch: spark_guard.Watchdog | None = None,
) -> list[Figures]:
    """Run `reports` on database `schema`; a report Spark cannot run carries its error (once
    `watch` has fired, the error is raised, as in `run`)."""
    out = []
    for report in reports:
        try:
            frame = spark.sql(to_spark(sql_for(report, schema, window)))
            rows = tuple(tuple(r) for r in frame.collect())
            out.append(Figures(report, tuple(frame.columns), rows, schema))
        except Exception as exc:
            if watch is not None and watch.fired:
                raise
            text = str(exc).strip().splitlines()
            out.append(Figures(report, (), (), schema, text[0] if text else type(exc).__name__))
    return out


def validate(
    spark: SparkSession,
    databases: Iterable[str] | None = None,
    plugins: Sequence[str | Path] = (),
) -> list[Result]:
    """Run the checks of every fakehouse database (or of `databases`) through Spark SQL, its
    plugins' tables included (loaded from where they were recorded, or from `plugins`)."""
    return examine(spark, databases, plugins, reports=False)[0]


def examine(
    spark: SparkSession,
    databases: Iterable[str] | None = None,
    plugins: Sequence[str | Path] = (),
    reports: bool = True,
) -> tuple[list[Result], list[Figures]]:
    """The checks' results (as `validate`) and the figures of the domains' reports (unless
    `reports` is false) of every fakehouse database, or of `databases`."""
    entries = manifests(spark, databases)
    if not entries:
        raise UserError("no database made by fakehouse in this catalog")
    plans = []
    for database, (name, record) in entries.items():
        if name not in registry.known():
            known = ", ".join(registry.known())
            raise UserError(f"database {database}: unknown domain {name!r} (known: {known})")
        domain = domain_plugins.restore(name, record.plugins, plugins)
        checks, found, window = stored_plan(domain, record.params, f"database {database}")
        plans.append((checks, found if reports else [], database, window))
    register_reference(spark)
    register_columns(spark, entries)
    results: list[Result] = []
    figures: list[Figures] = []
    with (
        spark_guard.guarded(spark) as watch,
        quiet_logs(spark, QUIET_LOGGERS),
        _session_time_zone(spark, "UTC"),
    ):
        for checks, found, database, window in plans:
            results.extend(run(spark, applicable(checks, entries), database, window, watch=watch))
            figures.extend(run_reports(spark, found, database, window, watch=watch))
    return results, figures


@contextlib.contextmanager
def _session_time_zone(spark: SparkSession, zone: str) -> Iterator[None]:
    """The checks read hours and days of timestamps: TIMESTAMP_NTZ columns give the same in any
    zone, TIMESTAMP columns (engines.spark, timestamp_type "timestamp") hold the wall clock
    as UTC, so the checks run in UTC whatever the caller's session says."""
    key = "spark.sql.session.timeZone"
    before = spark.conf.get(key)
    spark.conf.set(key, zone)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):  # the session may be gone (Ctrl-C)
            spark.conf.set(key, before)


@contextlib.contextmanager
def quiet_logs(spark: SparkSession, loggers: Iterable[str]) -> Iterator[None]:
    """Spark's `loggers` at ERROR inside the block, then configured exactly as before (a
    logger that had no level of its own gets none back). Does nothing without py4j access
    to log4j 2 (Spark Connect)."""
    try:
        jvm = spark.sparkContext._jvm
        log4j = jvm.org.apache.logging.log4j
        context = log4j.LogManager.getContext(False)
        config = context.getConfiguration()
        own = {name: config.getLoggers().get(name) for name in loggers}
        levels = {name: c.getLevel() for name, c in own.items() if c is not None}
        for name in own:
            log4j.core.config.Configurator.setLevel(name, log4j.Level.ERROR)
    except Exception:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(Exception):  # the session may be gone (Ctrl-C)
            for name in own:
                if name in levels:
                    log4j.core.config.Configurator.setLevel(name, levels[name])
                else:
                    config.removeLogger(name)
            context.updateLoggers()
