"""The embedded catalog: `OUT/warehouse.duckdb` with one schema per domain.

Tables are loaded into the DuckDB file rather than defined as views over the Parquet files:
DuckDB resolves a view's relative Parquet paths against the *current directory* of whoever
opens the file, so views would break as soon as a user opens the warehouse from elsewhere or
moves it. Loaded tables work from any directory, after a move or a copy, with plain
`duckdb OUT/warehouse.duckdb`, and they answer queries faster; the price is disk space and a
load that DuckDB does in parallel.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from fakehouse.core.table import Domain

FILE = "warehouse.duckdb"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build(root: Path, domains: Iterable[Domain]) -> Path:
    """Load every table of `domains` from `root/<schema>/<table>/*.parquet` into the catalog."""
    path = root / FILE
    with duckdb.connect(str(path)) as con:
        for domain in domains:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {domain.schema}")
            for table in domain.tables:
                name = f"{domain.schema}.{table.name}"
                files = root / domain.schema / table.name / "*.parquet"
                con.execute(f"DROP TABLE IF EXISTS {name}")
                con.execute(
                    f"CREATE TABLE {name} AS SELECT * FROM read_parquet({_quote(str(files))})"
                )
                con.execute(f"COMMENT ON TABLE {name} IS {_quote(table.description)}")
                for column in table.columns:
                    con.execute(
                        f"COMMENT ON COLUMN {name}.{column.name} IS {_quote(column.description)}"
                    )
        con.execute("CHECKPOINT")
    return path


def connect(warehouse: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(Path(warehouse) / FILE), read_only=read_only)
