"""`fakehouse sql` on the DuckDB catalog: a sandbox that reads the warehouse's tables only.

The catalog is opened read-only, and DuckDB's own settings close every other way out:
without external access no statement reads or writes a file (COPY, read_csv, EXPORT
DATABASE), attaches another database, installs or loads an extension, or stores a secret;
the configuration is locked last, so no SET turns any of it back on. What stays is what a
reader of the warehouse needs: queries, USE, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN, and
temporary tables (kept in memory).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from fakehouse.catalog.duckdb import connect
from fakehouse.catalog.statements import READ_ONLY
from fakehouse.errors import UserError

SANDBOX = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
#: DuckDB's words for a statement the locked configuration or the read-only catalog refused
#: (what external access would need is a PermissionException)
_REFUSED = ("configuration has been locked", "read-only mode")


def sandbox(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse's catalog, for user SQL."""
    return connect(warehouse, read_only=True, config=SANDBOX)


def run(con: duckdb.DuckDBPyConnection, statement: str) -> tuple[list, list] | None:
    """(columns, rows) of one DuckDB statement; None for one that returns no rows."""
    try:
        result = con.execute(statement)
        columns = [d[0] for d in result.description or []]
        rows = result.fetchall() if columns else []
    except duckdb.Error as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, duckdb.PermissionException) or any(w in text for w in _REFUSED):
            raise UserError(f"{READ_ONLY}: {text}") from None
        raise UserError(text) from None
    if not columns or (columns == ["Success"] and not rows):  # DuckDB's status for USE, SET
        return None
    return columns, rows
