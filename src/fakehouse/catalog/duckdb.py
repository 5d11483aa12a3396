"""The embedded catalog: `OUT/warehouse.duckdb` with one schema per domain.

Tables are loaded into the DuckDB file rather than defined as views over the Parquet files:
DuckDB resolves a view's relative Parquet paths against the *current directory* of whoever
opens the file, so views would break as soon as a user opens the warehouse from elsewhere or
moves it. Loaded tables work from any directory, after a move or a copy, with plain
`duckdb OUT/warehouse.duckdb`, and they answer queries faster. The price is disk space and
load time; a `Loader` hides most of that by loading each table on a background thread as
soon as its last Parquet part is written, while the workers generate the rest.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable
from pathlib import Path

import duckdb

from fakehouse.core.table import Domain, Table

FILE = "warehouse.duckdb"
# bound the loader: DuckDB would otherwise cache up to 80% of RAM while loading big tables
LOAD_SETTINGS = {"memory_limit": "128MB", "threads": 1}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Loader:
    """Loads finished tables from `root/<schema>/<table>/*.parquet` into `root/FILE`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._queue: queue.Queue[tuple[Domain, Table] | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="catalog-loader", daemon=True)
        self._thread.start()

    def load(self, domain: Domain, table: Table) -> None:
        self._queue.put((domain, table))

    def close(self) -> Path:
        """Wait for every queued table; raise what went wrong in the loader, if anything."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.root / FILE

    def _work(self) -> None:
        try:
            with duckdb.connect(str(self.root / FILE), config=LOAD_SETTINGS) as con:
                while (item := self._queue.get()) is not None:
                    _load(con, self.root, *item)
                con.execute("CHECKPOINT")
        except BaseException as exc:  # handed to close() in the calling thread
            self._error = exc
            while self._queue.get() is not None:  # drain so close() cannot block
                pass


def _load(con: duckdb.DuckDBPyConnection, root: Path, domain: Domain, table: Table) -> None:
    name = f"{domain.schema}.{table.name}"
    files = root / domain.schema / table.name / "*.parquet"
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {domain.schema}")
    con.execute(
        f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_parquet({_quote(str(files))})"
    )
    con.execute(f"COMMENT ON TABLE {name} IS {_quote(table.description)}")
    for column in table.columns:
        con.execute(f"COMMENT ON COLUMN {name}.{column.name} IS {_quote(column.description)}")


def build(root: Path, domains: Iterable[Domain]) -> Path:
    """Load every table of `domains` (all Parquet files already written)."""
    loader = Loader(root)
    for domain in domains:
        for table in domain.tables:
            loader.load(domain, table)
    return loader.close()


def connect(warehouse: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(Path(warehouse) / FILE), read_only=read_only)
