"""The vocabulary of checks: a promise about a warehouse as plain data, one SQL query each.

A check is a DuckDB query returning exactly one row `(value, low, high)`; it passes iff
`low <= value <= high`. Invariants count the rows that break them and expect `(n, 0, 0)` with
n = 0; distributions return a metric and the bounds it must fall in. Queries name the
warehouse schema `{s}` and the history window's first and last day `{start}` / `{end}`
(the runner substitutes DATE literals such as `DATE '2023-01-01'`), and may read two
reference relations the runner registers: `ref_places` (zip_code, city, state, latitude,
longitude: the real US places addresses come from) and `ref_states` (code, share:
population share).

Domains declare their checks with these builders; `core.contract` derives the generic ones
from table declarations. Nothing here runs a query: `quality` does, on DuckDB or Spark.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PLACES = "ref_places"
STATES = "ref_states"


@dataclass(frozen=True)
class Check:
    name: str  # e.g. "transactions.total_equals_items"
    table: str
    description: str  # one line: the promise being checked
    sql: str  # one row (value, low, high); placeholders {s}, {start}, {end}
    #: other schemas the query reads by name: the check runs only in a warehouse that has
    #: them all (a check across domains), and is left out elsewhere
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """Figures `validate` prints after the checks (no verdict: the checks judge): a query
    with the checks' placeholders, whose named columns and rows are shown as a table."""

    name: str  # e.g. "transactions.fraud_rules"
    title: str  # one line: what the table shows
    sql: str


def rows(name: str, table: str, description: str, condition: str) -> Check:
    """Invariant: every row of `table` (aliased t) satisfies `condition`; NULL counts as false."""
    sql = (
        f"SELECT count(*) AS value, 0 AS low, 0 AS high FROM {{s}}.{table} AS t "
        f"WHERE NOT coalesce(({condition}), false)"
    )
    return Check(name, table, description, sql)


def violations(name: str, table: str, description: str, query: str) -> Check:
    """Invariant: `query` returns one row with one column, the number of violations."""
    return Check(name, table, description, f"SELECT ({query}) AS value, 0 AS low, 0 AS high")


def metric(name: str, table: str, description: str, query: str, low: float, high: float) -> Check:
    """Distribution: `query` returns one row with one column, the metric."""
    return Check(
        name,
        table,
        description,
        f"SELECT ({query}) AS value, {_literal(low)} AS low, {_literal(high)} AS high",
    )


def _literal(x: float) -> str:
    return "'inf'::DOUBLE" if x == math.inf else "'-inf'::DOUBLE" if x == -math.inf else repr(x)


def quoted(values: Iterable[str]) -> str:
    """`'a', 'b'`: string literals for an SQL list (values hold no quote)."""
    return ", ".join(f"'{v}'" for v in values)


# --- the generic checks, one builder each (core.contract applies them to declarations) ------


def required_columns(table: str, columns: Iterable[str]) -> Check:
    """`table` has every one of `columns` (more are allowed)."""
    return violations(
        f"{table}.required_columns",
        table,
        f"{table} has every declared column",
        f"SELECT count(*) FROM (SELECT unnest([{quoted(columns)}]) AS name) AS r "
        f"WHERE r.name NOT IN (SELECT column_name FROM information_schema.columns "
        f"WHERE table_schema = '{{s}}' AND table_name = '{table}')",
    )


def column_types(table: str, types: Mapping[str, str]) -> Check:
    """Each column of `types` that `table` has is of its SQL type (DuckDB's names, as in
    `information_schema.columns.data_type`); missing columns are `required_columns`' job."""
    declared = ", ".join(f"('{name}', '{sql}')" for name, sql in types.items())
    return violations(
        f"{table}.column_types",
        table,
        f"the columns of {table} have their declared types",
        f"SELECT count(*) FROM (VALUES {declared}) AS d(name, data_type) "
        "JOIN information_schema.columns AS c ON c.column_name = d.name "
        f"AND c.table_schema = '{{s}}' AND c.table_name = '{table}' "
        "WHERE c.data_type <> d.data_type",
    )


def not_null(table: str, columns: Iterable[str]) -> Check:
    """No row of `table` has a null in any of `columns`."""
    nulls = " OR ".join(f"{c} IS NULL" for c in columns)
    return violations(
        f"{table}.not_null",
        table,
        f"no nulls in {table} except in its nullable columns",
        f"SELECT count(*) FROM {{s}}.{table} WHERE {nulls}",
    )


def dense_ids(table: str, column: str, prefix: str, unique: bool = True) -> Check:
    """Ids are `prefix` + zero-padded numbers of one width, dense from 1 (and unique).

    Counts malformed ids, duplicates (if `unique`), numbers missing below the largest one,
    and extra id widths.
    """
    duplicates = "count(*) - count(DISTINCT id)" if unique else "0"
    kind = "unique, " if unique else ""
    return violations(
        f"{table}.{column}_dense",
        table,
        f"{column} is {kind}{prefix} + zero-padded numbers dense and sequential from 1",
        f"WITH k AS (SELECT {column} AS id, TRY_CAST(regexp_extract({column}, "
        f"'^{prefix}([0-9]+)$', 1) AS BIGINT) AS n FROM {{s}}.{table}) "
        f"SELECT count(*) FILTER (WHERE n IS NULL OR n < 1) + {duplicates} "
        f"+ abs(coalesce(max(n), 0) - count(DISTINCT n)) "
        f"+ greatest(count(DISTINCT length(id)) - 1, 0) FROM k",
    )


def unique_key(table: str, columns: Iterable[str]) -> Check:
    """No two rows of `table` agree on all of `columns`."""
    columns = ", ".join(columns)
    return violations(
        f"{table}.key_unique",
        table,
        f"({columns}) is unique",
        f"SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT {columns} "
        f"FROM {{s}}.{table})) FROM {{s}}.{table}",
    )


def unique(table: str, column: str) -> Check:
    """No two rows of `table` share a non-null `column`."""
    return violations(
        f"{table}.{column}_unique",
        table,
        f"{column} is unique",
        f"SELECT count({column}) - count(DISTINCT {column}) FROM {{s}}.{table}",
    )


def foreign_key(table: str, column: str, parent: str, key: str) -> Check:
    """Every non-null `table.column` is a `parent.key`."""
    return violations(
        f"{table}.{column}_fk",
        table,
        f"every non-null {table}.{column} is a {parent}.{key}",
        f"SELECT count(*) FROM {{s}}.{table} AS c WHERE c.{column} IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {{s}}.{parent} AS p WHERE p.{key} = c.{column})",
    )
