"""A warehouse folder opened for reading, by the engine that made it: what the notebooks and
the report share.

`open_warehouse()` finds the warehouse: the folder it is given, else `$FAKEHOUSE_WAREHOUSE`
(which `fakehouse notebook` sets), else the nearest folder at or above the current one that
holds a `fakehouse.json`, so a notebook in WAREHOUSE/notebooks/ opens its own warehouse
however Jupyter was started. It opens the catalog as the warehouse requires: DuckDB
read-only, or the Spark catalog through `fakehouse.spark.session` (embedded Derby admits one
process at a time: `close()` frees it).

Queries are written once, in DuckDB's SQL (or in Spark's, `dialect="spark"`, as the guide
wrote its queries), and transpiled for the other engine by the rules `validate` uses, so a
notebook or a chart runs unchanged on both kinds of warehouse. They may name the shipped
reference relations `ref_places` and `ref_states`, as checks do.
"""

from __future__ import annotations

import decimal
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fakehouse.errors import UserError
from fakehouse.manifest import FILE as MANIFEST
from fakehouse.manifest import Manifest

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import SparkSession

    from fakehouse.core.timeline import Window
    from fakehouse.quality.checks import Result

#: the warehouse a notebook opens when it is given none (set by `fakehouse notebook`)
ENV = "FAKEHOUSE_WAREHOUSE"
DIALECTS = ("duckdb", "spark")


def find(path: str | Path | None = None) -> Path:
    """The warehouse folder to open: `path`, else $FAKEHOUSE_WAREHOUSE, else the nearest
    folder holding a manifest at or above the current folder; a UserError if none."""
    if path is None and os.environ.get(ENV):
        path = os.environ[ENV]
    if path is not None:
        folder = Path(path).expanduser()
        if not (folder / MANIFEST).is_file():
            raise UserError(f"no warehouse at {folder} (expected {folder / MANIFEST})")
        return folder
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / MANIFEST).is_file():
            return folder
    raise UserError(
        f"no warehouse in {here} or above it: open_warehouse('path/to/warehouse'), or start "
        "Jupyter with fakehouse notebook -w WAREHOUSE"
    )


class Warehouse:
    """A warehouse's catalog, read-only: `sql(query)` gives a pandas DataFrame, `validate()`
    the check results, `spark` the SparkSession of a Spark warehouse."""

    def __init__(
        self, path: str | Path, master: str | None = None, executor_timeout: float | None = None
    ) -> None:
        self.path = Path(path)
        self.manifest = Manifest.read(self.path)
        self.engine = self.manifest.engine
        self.master = master
        self.executor_timeout = executor_timeout
        self._con = None
        self._spark: SparkSession | None = None
        self._own_spark = False
        self._references = False
        if self.engine == "spark":
            from fakehouse.catalog import hive

            hive.check_warehouse(self.path)
        else:
            from fakehouse.catalog.duckdb import FILE, connect

            if not (self.path / FILE).is_file():
                raise UserError(f"no catalog {self.path / FILE} (run fakehouse generate)")
            self._con = connect(self.path, read_only=True)

    # --- what it holds ---------------------------------------------------------------------

    @property
    def domains(self) -> list[str]:
        """The domains the warehouse holds, by command-line name ("retail", "financial")."""
        return list(self.manifest.domains)

    def has(self, domain: str) -> bool:
        return domain in self.manifest.domains

    def schema(self, domain: str) -> str:
        """The schema (Spark database) of `domain`: "retail_analytics" for "retail"."""
        if not self.has(domain):
            raise UserError(f"{self.path} holds no {domain} data (it holds {self._holds()})")
        return self.manifest.domains[domain].schema_

    def window(self, domain: str) -> Window | None:
        """The history window `domain` was generated over (None for a domain without one)."""
        from fakehouse.domains.plugins import restore
        from fakehouse.quality.checks import stored_plan

        record = self.manifest.domains[domain]  # its parameters may name plugins' tables
        where = str(self.path / MANIFEST)  # parameters of another version: validate's one line
        return stored_plan(restore(domain, record.plugins), record.params, where)[2]

    def _holds(self) -> str:
        return ", ".join(self.domains) or "no domain"

    def __repr__(self) -> str:
        parts = [
            f"{d.schema_} (multiplier {d.multiplier:g}, seed {d.seed}, "
            f"{sum(d.rows.values()):,} rows)"
            for d in self.manifest.domains.values()
        ]
        catalog = "DuckDB catalog" if self.engine == "local" else "Spark catalog"
        return f"<warehouse {self.path} ({catalog}): {'; '.join(parts)}>"

    # --- queries ---------------------------------------------------------------------------

    @property
    def spark(self) -> SparkSession:
        """The SparkSession on the warehouse's catalog (a Spark warehouse's only), started on
        first use; `close()` stops it and frees the catalog for other processes."""
        if self.engine != "spark":
            raise UserError(
                f"{self.path} was made by the local engine: its catalog is DuckDB (use "
                "sql(...)); fakehouse generate --engine spark makes a Spark warehouse"
            )
        if self._spark is None:
            from fakehouse.catalog import hive

            hive.require()  # pyspark, pandas and Java, or one line saying what is missing
            from pyspark import SparkContext

            self._own_spark = SparkContext._active_spark_context is None
            timeout = self.executor_timeout
            self._spark = hive.session(self.path, self.master, executor_timeout=timeout)
        return self._spark

    def native(self, query: str, dialect: str = "duckdb") -> str:
        """`query` (DuckDB SQL, or Spark SQL with dialect="spark") in the engine's dialect."""
        if dialect not in DIALECTS:
            raise UserError(f"dialect must be one of {', '.join(DIALECTS)}, got {dialect!r}")
        if self.engine == "spark":
            if dialect == "spark":
                return query
            from fakehouse.quality.spark import to_spark

            return to_spark(query)
        from fakehouse.catalog.statements import transpile

        return transpile(query, dialect, "duckdb")

    def _prepare(self, query: str) -> None:
        """Register the reference relations the first time a query names one."""
        if self._references or "ref_" not in query:
            return
        if self.engine == "spark":
            from fakehouse.quality.spark import register_reference

            register_reference(self.spark)
        else:
            from fakehouse.quality.checks import register_reference

            register_reference(self._con)
        self._references = True

    def sql(self, query: str, dialect: str = "duckdb") -> pd.DataFrame:
        """The result of one query as a pandas DataFrame (DECIMAL columns as floats)."""
        native = self.native(query, dialect)
        self._prepare(native)
        if self.engine == "local":
            return self._con.sql(native).df()
        from fakehouse.engines.spark_guard import guarded

        frame = self.spark.sql(native)
        decimals = [f.name for f in frame.schema.fields if f.dataType.typeName() == "decimal"]
        if decimals:
            frame = frame.withColumns({c: frame[c].cast("double") for c in decimals})
        with guarded(self.spark):
            return frame.toPandas()

    def columns(self, query: str, dialect: str = "duckdb") -> dict[str, list[Any]]:
        """The result of one query as lists by column name (DECIMAL values as floats): for
        code that needs no pandas."""
        native = self.native(query, dialect)
        self._prepare(native)
        if self.engine == "local":
            result = self._con.execute(native)
            names = [d[0] for d in result.description]
            rows: Sequence[Sequence[Any]] = result.fetchall()
        else:
            from fakehouse.engines.spark_guard import guarded

            with guarded(self.spark):
                frame = self.spark.sql(native)
                names = frame.columns
                rows = frame.collect()
        return {
            name: [float(r[i]) if isinstance(r[i], decimal.Decimal) else r[i] for r in rows]
            for i, name in enumerate(names)
        }

    def validate(self) -> list[Result]:
        """Every check of the warehouse, as `fakehouse validate` runs them."""
        if self.engine == "spark":
            from fakehouse.quality import spark as checks

            databases = [d.schema_ for d in self.manifest.domains.values()]
            return checks.validate(self.spark, databases)
        from fakehouse.quality.checks import validate

        return validate(self.path)

    # --- closing ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the catalog: a Spark warehouse's session stops (if this opened it) and its
        metastore is free for other processes."""
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._spark is not None and self._own_spark:
            from fakehouse.catalog import hive

            hive.release(self._spark, self.path)
        self._spark = None

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_warehouse(path: str | Path | None = None, master: str | None = None) -> Warehouse:
    """The warehouse at `path` (default: see `find`), opened for reading by its engine;
    `master` is the Spark master for a Spark warehouse (default local[*])."""
    return Warehouse(find(path), master)
