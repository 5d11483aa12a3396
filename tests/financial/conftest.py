"""A banking warehouse generated once per test session, and a helper to query it."""

from __future__ import annotations

import duckdb
import pytest

import fakehouse
from fakehouse.catalog import duckdb as catalog

M = 1.0


@pytest.fixture(scope="session")
def bank(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    out = tmp_path_factory.mktemp("bank") / "warehouse"
    fakehouse.generate("financial", multiplier=M, seed=42, out=out, workers=2)
    con = catalog.connect(out)
    con.execute("SET schema = 'financial_analytics'")
    yield con
    con.close()


def one(con: duckdb.DuckDBPyConnection, sql: str):
    """The single value of a query."""
    return con.execute(sql).fetchone()[0]
