"""What both domains' check tests share: SQL that picks one row, the breaking cases of the
generic checks (columns, types, nulls, keys, unique columns, foreign keys), and running a
check before and after breaking a copy of a warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa

from fakehouse.catalog.duckdb import FILE
from fakehouse.core.table import Domain
from fakehouse.core.timeline import Window
from fakehouse.quality import checks as q


def first(schema: str, table: str, column: str, where: str = "") -> str:
    """`column = <its smallest value in table>` (optionally among rows matching `where`)."""
    condition = f" WHERE {where}" if where else ""
    return f"{column} = (SELECT min({column}) FROM {schema}.{table}{condition})"


def generic_breaks(schema: str, domain: Domain) -> dict[str, str]:
    """One breaking statement per generic check of a domain (`core.contract`), read from the
    same declarations the checks are derived from."""
    breaks = {}
    for t in domain.tables:
        table = f"{schema}.{t.name}"
        last_row = f"rowid = (SELECT max(rowid) FROM {table})"
        breaks[f"{t.name}.required_columns"] = (
            f"ALTER TABLE {table} RENAME COLUMN {t.columns[-1].name} TO renamed_column"
        )
        typed = [c for c in t.columns if not pa.types.is_string(c.type)][-1]
        breaks[f"{t.name}.column_types"] = (
            f"ALTER TABLE {table} ALTER COLUMN {typed.name} SET DATA TYPE VARCHAR"
        )
        required = [c for c in t.columns if not c.nullable][-1]
        breaks[f"{t.name}.not_null"] = f"UPDATE {table} SET {required.name} = NULL WHERE {last_row}"
        if len(t.primary_key) > 1:  # a copy of a row repeats its key
            breaks[f"{t.name}.key_unique"] = f"INSERT INTO {table} SELECT * FROM {table} LIMIT 1"
        for c in t.columns:
            if c.id_prefix:
                breaks[f"{t.name}.{c.name}_dense"] = (
                    f"UPDATE {table} SET {c.name} = {c.name} || '0' "
                    f"WHERE {c.name} = (SELECT max({c.name}) FROM {table})"
                )
            elif c.unique:
                breaks[f"{t.name}.{c.name}_unique"] = (
                    f"UPDATE {table} SET {c.name} = (SELECT min({c.name}) FROM {table}) "
                    f"WHERE {c.name} = (SELECT max({c.name}) FROM {table})"
                )
            if c.references is not None:
                breaks[f"{t.name}.{c.name}_fk"] = (
                    f"UPDATE {table} SET {c.name} = 'NO-SUCH-KEY' "
                    f"WHERE {c.name} = (SELECT max({c.name}) FROM {table})"
                )
    return breaks


def before_and_after(
    warehouse: Path, copy: Path, check: q.Check, statement: str, schema: str, window: Window
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
