"""Statements cut by a tokenizer of the SQL's dialect, the same for both engines."""

from __future__ import annotations

import duckdb
import pytest

from fakehouse.catalog.statements import complete, split, transpile
from fakehouse.errors import UserError


def texts(sql: str, dialect: str) -> list[str]:
    return [s.text for s in split(sql, dialect)]


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
def test_semicolons_in_strings_names_and_comments_do_not_split(dialect):
    quote = '"' if dialect == "duckdb" else "`"
    sql = f"USE a; SELECT ';' AS x, 1 AS {quote}b;c{quote}; -- c;\nSHOW TABLES; /* ; */ SELECT 2"
    assert texts(sql, dialect) == [
        "USE a",
        f"SELECT ';' AS x, 1 AS {quote}b;c{quote}",
        "-- c;\nSHOW TABLES",
        "/* ; */ SELECT 2",  # the last statement needs no ';'
    ]


def test_duckdb_dollar_quoted_strings_keep_their_semicolons():
    assert texts("SELECT $$a;b$$ AS s; SELECT 1", "duckdb") == ["SELECT $$a;b$$ AS s", "SELECT 1"]


def test_empty_statements_and_lone_comments_are_dropped():
    assert texts(";; SELECT 1;; -- bye\n", "duckdb") == ["SELECT 1"]
    assert split("  -- nothing\n", "spark") == []


def test_each_statement_knows_its_first_line():
    lines = [s.line for s in split("SELECT 1;\n\n-- note\nSELECT\n2;\nSELECT 3", "duckdb")]
    assert lines == [1, 4, 6]


def test_an_unclosed_string_is_one_clear_error():
    with pytest.raises(UserError, match="a string, quoted name or comment is not closed"):
        split("SELECT 'abc; SELECT 2", "duckdb")


@pytest.mark.parametrize(
    ("text", "done"),
    [
        ("SELECT 1;\n", True),
        ("SELECT 1; -- trailing comment\n", True),
        ("SELECT 1\n", False),
        ("SELECT ';\n", False),  # inside an unfinished string: read on
        ("SELECT 1; SELECT 2\n", False),
        ("", False),
    ],
)
def test_the_prompt_runs_when_the_text_ends_a_statement(text, done):
    assert complete(text, "duckdb") is done


def test_transpiling_keeps_the_meaning():
    assert transpile("SELECT 1", "duckdb", "duckdb") == "SELECT 1"
    # Spark's DATEDIFF(end, start) is DuckDB's date_diff('day', start, end)
    duck = transpile("SELECT DATEDIFF(DATE '2024-03-01', DATE '2024-02-01')", "spark", "duckdb")
    assert duckdb.sql(duck).fetchall() == [(29,)]
    with pytest.raises(UserError, match="cannot parse spark SQL"):
        transpile("SELECT (1", "spark", "duckdb")
