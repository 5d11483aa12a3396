"""`fakehouse sql --engine spark` reads the warehouse's tables and nothing else.

On a new session of the shared one (its own configuration and function registry), so the
lock changes nothing for the other tests.
"""

from __future__ import annotations

import pytest

from fakehouse.catalog import spark_sql
from fakehouse.catalog.statements import READ_ONLY
from fakehouse.errors import UserError


@pytest.fixture(scope="module")
def locked(spark):
    session = spark.newSession()
    spark_sql.lock(session)
    return session


def refused(session, statement: str) -> str:
    with pytest.raises(UserError) as info:
        spark_sql.run(session, statement)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_queries_and_read_only_commands_run(locked):
    assert spark_sql.run(locked, "SELECT COUNT(*) AS n FROM retail_analytics.stores") == (
        ["n"],
        [(25,)],
    )
    assert spark_sql.run(locked, "USE retail_analytics") is None
    for statement in ("SHOW TABLES", "DESCRIBE TABLE stores", "EXPLAIN SELECT * FROM stores",
                      "WITH s AS (SELECT * FROM stores) SELECT COUNT(*) FROM s",
                      "VALUES (1, 2)", "TABLE stores", "SHOW DATABASES"):  # fmt: skip
        assert spark_sql.run(locked, statement)[1], statement


def test_files_are_not_tables(locked, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("password,hunter2\n")
    for reader in ("csv", "text", "parquet", "json"):
        assert "hunter2" not in refused(locked, f"SELECT * FROM {reader}.`{secret}`")


@pytest.mark.parametrize(
    ("statement", "named"),
    [("INSERT OVERWRITE DIRECTORY '{tmp}/out' SELECT 1", "INSERT"),
     ("CREATE TABLE retail_analytics.evil LOCATION '{tmp}/evil' AS SELECT 1 AS x", "CREATE"),
     ("CREATE TEMPORARY VIEW v USING csv OPTIONS (path '{tmp}')", "CREATE"),
     ("ADD JAR '{tmp}/x.jar'", "ADD"),
     ("SET spark.sql.runSQLOnFiles = true", "SET"),
     ("RESET", "RESET"),
     ("EXECUTE IMMEDIATE 'SELECT 1'", "EXECUTE"),
     ("CREATE TEMPORARY FUNCTION f AS 'java.lang.String'", "CREATE"),
     ("DROP TABLE retail_analytics.stores", "DROP"),
     ("FROM retail_analytics.stores INSERT OVERWRITE DIRECTORY '{tmp}/m' SELECT *", "FROM"),
     ("WITH s AS (SELECT 1 AS x) INSERT OVERWRITE DIRECTORY '{tmp}/w' SELECT * FROM s", "WITH"),
     ("-- a comment first\nCACHE TABLE retail_analytics.stores", "CACHE")],
)  # fmt: skip
def test_anything_but_reading_is_refused(locked, tmp_path, statement, named):
    message = refused(locked, statement.format(tmp=tmp_path))
    assert message == f"{READ_ONLY}: refused {named} ..."
    assert list(tmp_path.iterdir()) == []
    assert spark_sql.run(locked, "SELECT COUNT(*) FROM retail_analytics.stores")[1] == [(25,)]


@pytest.mark.parametrize(
    "query",
    ["SELECT TRANSFORM(store_id) USING 'touch {mark}' AS (x) FROM retail_analytics.stores",
     "WITH t AS (SELECT TRANSFORM(1) USING 'touch {mark}' AS (x)) SELECT * FROM t",
     "SELECT 1 WHERE EXISTS (SELECT TRANSFORM(1) USING 'touch {mark}' AS (x))"],
)  # fmt: skip
def test_transform_runs_no_program(locked, tmp_path, query):
    mark = tmp_path / "ran"
    assert "TRANSFORM" in refused(locked, query.format(mark=mark))
    assert not mark.exists()


@pytest.mark.parametrize("function", spark_sql.JAVA_FUNCTIONS)
def test_no_java_method_can_be_called(locked, spark, function):
    call = f"SELECT {function}('java.lang.System', 'getProperty', 'user.home')"
    assert "UNRESOLVED_ROUTINE" in refused(locked, call)
    assert spark.sql(call).collect()  # only the locked session lost them
