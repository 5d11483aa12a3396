"""The embedded catalog: `OUT/warehouse.duckdb` with one schema per domain.

Tables are loaded into the DuckDB file rather than defined as views over the Parquet files:
DuckDB resolves a view's relative Parquet paths against the *current directory* of whoever
opens the file, so views would break as soon as a user opens the warehouse from elsewhere or
moves it. Loaded tables work from any directory, after a move or a copy, with plain
`duckdb OUT/warehouse.duckdb`, and they answer queries faster. The price is disk space and
load time; a `Loader` hides most of that by loading each Parquet part on background threads
as soon as it is written, while the workers generate the rest.

The file is written in the storage format of DuckDB 1.1 (`STORAGE`), which every DuckDB since
reads: the DuckDB command line, DBeaver or an older Python need not be as new as ours.
`connect` turns every way the file can fail to open into one line naming the file and why.
"""

from __future__ import annotations

import errno
import os
import re
import threading
from pathlib import Path

import duckdb
import pyarrow as pa

from fakehouse.core.contract import sql_type
from fakehouse.core.plan import part_name
from fakehouse.core.table import Domain, Table
from fakehouse.errors import UserError

FILE = "warehouse.duckdb"
#: the oldest DuckDB whose tools must open the catalog; its files carry storage version 64
STORAGE = "v1.1.0"
# bound the loader: DuckDB would otherwise cache up to 80% of RAM while loading big tables
LOAD_SETTINGS = {"memory_limit": "128MB", "threads": 1, "storage_compatibility_version": STORAGE}
#: tables loaded at once, each on its own thread (DuckDB's own stays 1: a query of several
#: threads on one part file wrote a quarter more bytes and ran no faster)
THREADS = 2
#: three 4 KiB headers come before the file's first block
HEADER = 3 * 4096


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Loader:
    """Loads Parquet parts into `root/FILE` on background threads, as they are written.

    Each table is loaded by one thread, in part order (parts that arrive early wait), so its
    rows keep the order of its ids; it is commented and committed once its last part is in.
    THREADS threads load that many tables at once: the parts written last no longer wait
    behind each other, which shortened the end of a run by a second at 2 cores.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._changed = threading.Condition()
        self._arrived: dict[Key, dict[int, tuple[Domain, Table, int]]] = {}
        self._next: dict[Key, int] = {}  # the next part of each table to insert
        self._owner: dict[Key, int] = {}  # the thread loading each table
        self._busy: set[int] = set()  # threads inserting a part now
        self._schemas: set[str] = set()
        self._error: BaseException | None = None
        self._aborted = False
        self._closed = False  # no more parts will come
        try:
            self._con = duckdb.connect(str(root / FILE), config=LOAD_SETTINGS)
        except duckdb.Error as exc:
            raise _failed(exc) from None
        self._threads = [
            threading.Thread(target=self._work, args=(i,), name=f"catalog-loader-{i}", daemon=True)
            for i in range(THREADS)
        ]
        for thread in self._threads:
            thread.start()

    def part(self, domain: Domain, table: Table, part: int, parts: int) -> None:
        """Part `part` (of `parts`) of `table` is written; raises at once if loading failed
        (the run stops with the loader's cause, not a later one)."""
        if self._error is not None:
            raise self._error
        with self._changed:
            key = (domain.schema, table.name)
            self._arrived.setdefault(key, {})[part] = (domain, table, parts)
            self._changed.notify_all()

    def close(self) -> Path:
        """Wait for every written part; raise what went wrong in the loader, if anything."""
        self._end(aborted=False)
        try:
            if self._error is not None:
                raise self._error
            self._con.execute("CHECKPOINT")
        except duckdb.Error as exc:
            raise _failed(exc) from None
        finally:
            self._con.close()
        return self.root / FILE

    def abort(self) -> None:
        """Stop after the parts being inserted and keep quiet: the run failed for another
        reason."""
        self._end(aborted=True)
        self._con.close()

    def _end(self, aborted: bool) -> None:
        with self._changed:
            self._closed = True
            self._aborted = self._aborted or aborted
            self._changed.notify_all()
        for thread in self._threads:
            while thread.is_alive():  # in steps: the main thread stays free for Ctrl-C
                thread.join(0.2)

    def _work(self, me: int) -> None:
        try:
            with self._con.cursor() as con:
                # a transaction per table: its parts are appended straight to the file
                # instead of going through the write-ahead log and being checkpointed
                # again (a third faster)
                con.execute("BEGIN")
                seen: set[str] = set()  # schemas this thread's transaction can see
                while (item := self._take(me)) is not None:
                    domain, table, part, parts = item
                    if domain.schema not in seen:  # a new schema: a fresh transaction sees it
                        con.execute("COMMIT")
                        self._schema(domain.schema)
                        seen.add(domain.schema)
                        con.execute("BEGIN")
                    _insert(con, self.root, domain, table, part)
                    if part + 1 == parts:
                        _describe(con, domain, table)
                        con.execute("COMMIT")  # its last rows are compressed now
                        con.execute("BEGIN")
                    with self._changed:
                        self._next[(domain.schema, table.name)] = part + 1
                        self._busy.discard(me)
                        self._changed.notify_all()
                if not self._aborted:
                    con.execute("COMMIT")
        except BaseException as exc:  # handed to part() and close() in the calling thread
            with self._changed:
                if self._error is None:
                    self._error = _failed(exc) if isinstance(exc, duckdb.Error) else exc
                self._aborted = True
                self._changed.notify_all()

    def _take(self, me: int) -> tuple[Domain, Table, int, int] | None:
        """The next part this thread may insert: of a table it loads, or of one nobody
        loads yet; None once the run is over for it."""
        with self._changed:
            while not self._aborted:
                for key, arrived in self._arrived.items():
                    part = self._next.get(key, 0)
                    if part in arrived and self._owner.setdefault(key, me) == me:
                        self._busy.add(me)
                        domain, table, parts = arrived.pop(part)
                        return domain, table, part, parts
                if self._closed and not self._busy:  # nothing left that could come to it
                    return None
                self._changed.wait()
            return None

    def _schema(self, schema: str) -> None:
        """Create a schema once, outside the tables' transactions (two transactions
        creating the same schema would conflict)."""
        with self._changed:
            if schema in self._schemas:
                return
            self._schemas.add(schema)
            with self._con.cursor() as own:
                own.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")


Key = tuple[str, str]  # (schema, table)


def _failed(exc: duckdb.Error) -> Exception:
    """A full disk, a file that vanished: one line."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "No space left on device" in text:  # reported like the workers' own
        return OSError(errno.ENOSPC, "No space left on device")
    return UserError(f"loading the catalog failed: {text}")


def part_file(root: Path, domain: Domain, table: Table, part: int) -> Path:
    return root / domain.schema / table.name / f"{part_name(part)}.parquet"


def _insert(con, root: Path, domain: Domain, table: Table, part: int) -> None:
    name = f"{domain.schema}.{table.name}"
    source = f"read_parquet({_quote(str(part_file(root, domain, table, part)))})"
    if part == 0:
        con.execute(f"CREATE OR REPLACE TABLE {name} ({_columns(table)})")
    con.execute(f"INSERT INTO {name} SELECT * FROM {source}")


def _columns(table: Table) -> str:
    """The declared columns, with their SQL types. Keys, references and other varied strings
    (nearly as many values as rows) are stored FSST-compressed without trying a dictionary
    first: DuckDB 1.1's format has no combined dictionary+FSST method and would otherwise
    analyse every string both ways, which made loading a third slower at the same file size."""
    found = []
    for c in table.columns:
        hint = ""
        varied = c.unique or c.id_prefix or c.references or c.varied
        if pa.types.is_string(c.type) and varied:
            hint = " USING COMPRESSION fsst"
        found.append(f"{c.name} {sql_type(c.type)}{hint}")
    return ", ".join(found)


def _describe(con, domain: Domain, table: Table) -> None:
    name = f"{domain.schema}.{table.name}"
    con.execute(f"COMMENT ON TABLE {name} IS {_quote(table.description)}")
    for column in table.columns:
        con.execute(f"COMMENT ON COLUMN {name}.{column.name} IS {_quote(column.description)}")


def connect(
    warehouse: Path, read_only: bool = True, config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """The warehouse's catalog; a file that cannot be opened is a UserError saying why."""
    path = Path(warehouse) / FILE
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config or {})
    except duckdb.Error as exc:
        raise UserError(f"cannot open the catalog {path}: {_cause(exc)}") from None
    try:
        ((block, blocks),) = con.execute(
            "SELECT block_size, total_blocks FROM pragma_database_size()"
        ).fetchall()
    except duckdb.Error as exc:
        con.close()
        raise UserError(f"cannot open the catalog {path}: {_cause(exc)}") from None
    # DuckDB opens a file cut short and fails only on the first query that reads past its end
    if os.path.getsize(path) < HEADER + block * blocks:
        con.close()
        raise UserError(f"cannot open the catalog {path}: it is truncated (a copy cut short?)")
    return con


def damage(exc: duckdb.Error) -> str | None:
    """Why the catalog file itself cannot be read, when that is what `exc` says (a block
    found damaged by a query, not a mistake in the query); else None."""
    if isinstance(exc, duckdb.IOException) or "Corrupt database file" in str(exc):
        return _cause(exc)
    return None


def _cause(exc: duckdb.Error) -> str:
    """DuckDB's reason for refusing a file, as a user can act on it."""
    text = str(exc).strip()
    if held := re.search(r"Conflicting lock is held in (.*?) \(PID (\d+)\)", text):
        return (
            f"it is open read-write in process {held[2]} ({held[1]}), which locks everyone else "
            "out: close that session, and open the catalog with `duckdb -readonly`"
        )
    if newer := re.search(r"version number (\d+), but we can only read .*? and (\d+)", text):
        return (
            f"it was written by a newer DuckDB (storage version {newer[1]}; duckdb "
            f"{duckdb.__version__} here reads up to {newer[2]}): pip install -U duckdb, or "
            "generate the warehouse again"
        )
    if "not a valid DuckDB database file" in text:
        return "it is not a DuckDB database file (empty or overwritten?)"
    if "Could not read enough bytes" in text:
        return "it is truncated (a copy cut short?)"
    if "Corrupt database file" in text:
        return "it is corrupt (a block's checksum does not match)"
    if "Permission denied" in text:
        return "permission denied (cannot read it)"
    if "Is a directory" in text:
        return "it is a directory, not a file"
    return text.splitlines()[0].removeprefix("IO Error: ")
