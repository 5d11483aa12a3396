"""What both domains' check tests share: SQL that picks one row, the breaking cases of the
generic checks (columns, nulls, dense ids, foreign keys), and running a check before and
after breaking a copy of a warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from fakehouse.catalog.duckdb import FILE
from fakehouse.core.table import Domain
from fakehouse.quality import checks as q


def first(schema: str, table: str, column: str, where: str = "") -> str:
    """`column = <its smallest value in table>` (optionally among rows matching `where`)."""
    condition = f" WHERE {where}" if where else ""
    return f"{column} = (SELECT min({column}) FROM {schema}.{table}{condition})"


def generic_breaks(
    schema: str,
    domain: Domain,
    columns: dict[str, tuple[str, ...]],
    ids: list[tuple[str, str]],
    foreign_keys,
) -> dict[str, str]:
    """One breaking statement per generic check of a domain."""
    breaks = {}
    for table, names in columns.items():
        breaks[f"{table}.required_columns"] = (
            f"ALTER TABLE {schema}.{table} RENAME COLUMN {names[-1]} TO renamed_column"
        )
        nullable = {c.name for c in domain.table(table).columns if c.nullable}
        column = [c for c in names if c not in nullable][-1]
        breaks[f"{table}.not_null"] = (
            f"UPDATE {schema}.{table} SET {column} = NULL "
            f"WHERE rowid = (SELECT min(rowid) FROM {schema}.{table})"
        )
    for table, column in ids:
        breaks[f"{table}.{column}_dense"] = (
            f"UPDATE {schema}.{table} SET {column} = {column} || '0' "
            f"WHERE {column} = (SELECT max({column}) FROM {schema}.{table})"
        )
    for table, column, _, _ in foreign_keys:
        breaks[f"{table}.{column}_fk"] = (
            f"UPDATE {schema}.{table} SET {column} = 'NO-SUCH-KEY' "
            f"WHERE {column} = (SELECT max({column}) FROM {schema}.{table})"
        )
    return breaks


def before_and_after(
    warehouse: Path, copy: Path, check: q.Check, statement: str, schema: str, window: q.Window
) -> tuple[q.Result, q.Result]:
    """`check` on a copy of the warehouse's catalog, before and after `statement` breaks it."""
    shutil.copy(warehouse / FILE, copy / FILE)
    with duckdb.connect(str(copy / FILE)) as con:
        (before,) = q.run(con, [check], schema, window)
        con.execute(statement)
        (after,) = q.run(con, [check], schema, window)
    return before, after


def failures(results: list[q.Result]) -> list[str]:
    return [
        f"{r.check.name}: {r.shown_value} (expected {r.expected})" for r in results if not r.passed
    ]
