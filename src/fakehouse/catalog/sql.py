"""Running user SQL on the DuckDB catalog, with Spark SQL transpiled by sqlglot."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb

from fakehouse.errors import UserError


def statements(query: str, dialect: str) -> list:
    """The statements of `query`, ready for DuckDB."""
    if dialect == "duckdb":
        try:
            return duckdb.extract_statements(query)
        except duckdb.Error as exc:
            raise UserError(str(exc).splitlines()[0]) from None
    import logging

    import sqlglot
    from sqlglot.errors import ParseError

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # "falling back to Command" chatter

    try:
        parsed = sqlglot.parse(query, read=dialect)
    except ParseError as exc:
        raise UserError(f"cannot parse {dialect} SQL: {str(exc).splitlines()[0]}") from None
    return [s.sql(dialect="duckdb") for s in parsed if s is not None]


def run(con: duckdb.DuckDBPyConnection, query: str, dialect: str = "duckdb") -> Iterator:
    """(columns, rows) for each statement that returns rows."""
    for statement in statements(query, dialect):
        try:
            result = con.execute(statement)
        except duckdb.Error as exc:
            raise UserError(str(exc).splitlines()[0]) from None
        columns = [d[0] for d in result.description or []]
        if columns and columns != ["Success"]:  # DuckDB's status row for USE, SET, ...
            yield columns, result.fetchall()
