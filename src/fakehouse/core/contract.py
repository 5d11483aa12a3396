"""A domain's contract as checks: the generic ones derived from its table declarations, then
the behaviour checks the domain declares.

Every table gets, from its declaration alone:
- `T.required_columns`: every declared column is there;
- `T.column_types`: each has its declared type;
- `T.not_null`: no nulls outside the nullable columns;
- `T.C_dense` for every column with an id prefix (unique if the column is): the primary key's
  ids, and ids such as session_id;
- `T.key_unique` for a primary key of several columns;
- `T.C_unique` for every other unique column;
- `T.C_fk` for every column that references a parent key.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from fakehouse.core import checks
from fakehouse.core.checks import Check
from fakehouse.core.table import Domain, Table


def table_checks(table: Table) -> list[Check]:
    """The generic checks of one table, from its declaration."""
    t = table.name
    out = [
        checks.required_columns(t, [c.name for c in table.columns]),
        checks.column_types(t, {c.name: sql_type(c.type) for c in table.columns}),
    ]
    required = [c.name for c in table.columns if not c.nullable]
    if required:
        out.append(checks.not_null(t, required))
    if len(table.primary_key) > 1:
        out.append(checks.unique_key(t, table.primary_key))
    for c in table.columns:
        if c.id_prefix:
            out.append(checks.dense_ids(t, c.name, c.id_prefix, unique=c.unique))
        elif c.unique:
            out.append(checks.unique(t, c.name))
    for c in table.columns:
        if c.parent is not None:
            out.append(checks.foreign_key(t, c.name, *c.parent))
    return out


def domain_checks(domain: Domain, params: Any = None) -> list[Check]:
    """Every check of `domain` for a warehouse made with `params` (default: the defaults):
    the generic checks of each table, then the domain's behaviour checks."""
    if params is None:
        params = domain.params_type()
    generic = [c for t in domain.tables for c in table_checks(t)]
    return [*generic, *domain.checks(params)]


def sql_type(t: pa.DataType) -> str:
    """The SQL type (DuckDB's name) a column of Arrow type `t` has in the catalog."""
    if pa.types.is_decimal(t):
        return f"DECIMAL({t.precision},{t.scale})"
    if pa.types.is_timestamp(t):
        return "TIMESTAMP" if t.tz is None else "TIMESTAMP WITH TIME ZONE"
    for test, name in _SQL_TYPES:
        if test(t):
            return name
    raise ValueError(f"no SQL type for Arrow type {t}")


_SQL_TYPES = (
    (pa.types.is_string, "VARCHAR"),
    (pa.types.is_large_string, "VARCHAR"),
    (pa.types.is_boolean, "BOOLEAN"),
    (pa.types.is_int8, "TINYINT"),
    (pa.types.is_int16, "SMALLINT"),
    (pa.types.is_int32, "INTEGER"),
    (pa.types.is_int64, "BIGINT"),
    (pa.types.is_float32, "FLOAT"),
    (pa.types.is_float64, "DOUBLE"),
    (pa.types.is_date32, "DATE"),
)
