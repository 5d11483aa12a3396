"""Exploring a Spark warehouse: the Spark notebook runs on its catalog, the other notebooks'
queries are Spark SQL that Spark accepts, and the report's charts show what they show on the
local engine's twin."""

from __future__ import annotations

import ast
import math

import pytest

from fakehouse.explore import figures, notebooks, report
from fakehouse.explore.warehouse import ENV, Warehouse
from fakehouse.quality.checks import fill
from tests.explore.test_notebooks import cli, execute, images, source

PROBE = """
import json
print(json.dumps({
    "clv": {k: float(v) for k, v in clv.iloc[0].items()},
    "segments": list(by_segment.index),
    "hours": [int(h) for h in by_hour.hour],
}))
"""


def test_the_spark_notebook_runs_on_the_catalog(spark_root, monkeypatch):
    out = spark_root / "for_notebook"
    code, _, err = cli("notebook", "-w", str(out), "--copy-only")
    assert code == 0, err
    assert "spark.ipynb" in err
    monkeypatch.delenv(ENV, raising=False)
    executed, found = execute(out / "notebooks" / "spark.ipynb", PROBE)
    assert sum(images(c) for c in executed.cells) >= 5
    assert found["clv"]["avg_clv"] > 0 and found["clv"]["avg_purchases"] >= 1
    assert set(found["segments"]) == {"VIP", "Premium", "Regular", "Basic"}
    assert found["hours"] and all(0 <= h <= 23 for h in found["hours"])


def queries(notebook: dict) -> list[tuple[str, str]]:
    """(query, dialect) of every `wh.sql("...")` with a literal query in a notebook."""
    found = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse(source(cell))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "sql"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                dialect = next((k.value.value for k in node.keywords if k.arg == "dialect"), None)
                found.append((node.args[0].value, dialect or "duckdb"))
    return found


def test_the_other_notebooks_queries_are_spark_sql_spark_accepts(spark, session_warehouse):
    shipped = notebooks.shipped()
    with Warehouse(session_warehouse) as wh:
        assert wh.spark is spark  # the session this process has open on that catalog
        checked = 0
        for name in ("retail.ipynb", "bank.ipynb", "quality.ipynb"):
            for query, dialect in queries(shipped[name]):
                analysed = spark.sql(wh.native(query, dialect))  # tables, columns, types
                assert analysed.schema.fields
                checked += 1
    assert checked >= 20
    assert spark.sql("SHOW DATABASES").count() >= 2  # the session stays open: not ours to stop


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)
    return str(a) == str(b)


def test_the_report_draws_the_same_figures_from_spark(spark, session_warehouse, local_twin):
    with Warehouse(session_warehouse) as on_spark, Warehouse(local_twin) as on_duckdb:
        cards = report.cards(on_spark, [])
        assert sum(c.svg is not None for found in cards.values() for c in found) == len(
            figures.FIGURES
        ), [c.problem for found in cards.values() for c in found if c.problem]
        for figure in figures.FIGURES:
            schema = on_spark.schema(figure.domain)
            query = fill(figure.sql, schema, on_spark.window(figure.domain))
            spark_data, duckdb_data = on_spark.columns(query), on_duckdb.columns(query)
            assert list(spark_data) == list(duckdb_data), figure.title
            for column in duckdb_data:
                pairs = zip(spark_data[column], duckdb_data[column], strict=True)
                assert all(_same(a, b) for a, b in pairs), (figure.title, column)


@pytest.fixture(autouse=True)
def _no_warehouse_env(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
