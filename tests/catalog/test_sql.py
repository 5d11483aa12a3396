"""`fakehouse sql` on DuckDB is a sandbox: the warehouse's tables, and nothing else."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from fakehouse.catalog import sql
from fakehouse.catalog.statements import READ_ONLY
from fakehouse.errors import UserError


@pytest.fixture(scope="module")
def warehouse(retail_warehouse, tmp_path_factory) -> Path:
    """A copy of the shared warehouse, in case a statement got through and wrote to it."""
    out = tmp_path_factory.mktemp("sandbox") / "wh"
    shutil.copytree(retail_warehouse, out)
    return out


@pytest.fixture(scope="module")
def con(warehouse):
    with sql.sandbox(warehouse) as connection:
        yield connection


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.csv"
    path.write_text("name,value\npassword,hunter2\n")
    return path


def refused(con, statement: str) -> str:
    with pytest.raises(UserError) as info:
        sql.run(con, statement)
    message = str(info.value)
    assert message.startswith(READ_ONLY) and "\n" not in message
    return message


def test_queries_and_read_only_commands_work(con):
    assert sql.run(con, "SELECT COUNT(*) AS n FROM retail_analytics.customers") == (
        ["n"],
        [(500,)],
    )
    assert sql.run(con, "USE retail_analytics") is None
    assert ("customers",) in sql.run(con, "SHOW TABLES")[1]
    assert sql.run(con, "DESCRIBE stores")[1][0][0] == "store_id"
    assert sql.run(con, "SUMMARIZE stores")[1]
    assert sql.run(con, "EXPLAIN SELECT * FROM stores")[1]
    # temporary tables live in memory: a reader's scratch space, not a write to the catalog
    sql.run(con, "CREATE TEMP TABLE vip AS SELECT * FROM customers WHERE customer_segment='VIP'")
    assert sql.run(con, "SELECT COUNT(*) FROM vip")[1][0][0] > 0
    assert sql.run(con, "SELECT 'Success' AS Success") == (["Success"], [("Success",)])


@pytest.mark.parametrize(
    "reader",
    ["read_csv('{path}')", "read_text('{path}')", "read_blob('{path}')", "sniff_csv('{path}')",
     "read_json('{path}')", "glob('{dir}/*')", "'{path}'"],
)  # fmt: skip
def test_no_file_can_be_read(con, secret, reader):
    statement = "SELECT * FROM " + reader.format(path=secret, dir=secret.parent)
    with pytest.raises(UserError) as info:
        sql.run(con, statement)
    assert "hunter2" not in str(info.value)


def test_not_even_the_warehouses_own_files(con, warehouse):
    part = next((warehouse / "retail_analytics" / "customers").glob("*.parquet"))
    refused(con, f"SELECT * FROM read_parquet('{part}')")
    refused(con, f"SELECT * FROM read_text('{warehouse / 'fakehouse.json'}')")


@pytest.mark.parametrize(
    "target",
    ["fakehouse.json", "retail_analytics/customers/part-00000.parquet", "elsewhere.csv"],
)
def test_copy_to_writes_nothing(con, warehouse, target):
    before = digest(warehouse)
    refused(con, f"COPY retail_analytics.customers TO '{warehouse / target}'")
    refused(con, f"COPY (SELECT 1) TO '{warehouse / target}' (FORMAT parquet)")
    assert digest(warehouse) == before


def test_export_database_writes_nothing(con, tmp_path):
    refused(con, f"EXPORT DATABASE '{tmp_path / 'dump'}'")
    assert not (tmp_path / "dump").exists()


def test_no_other_database_can_be_attached(con, tmp_path):
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as writer:
        writer.execute("CREATE TABLE t AS SELECT 1 AS x")
    before = other.read_bytes()
    refused(con, f"ATTACH '{other}' AS other (READ_WRITE)")
    refused(con, f"ATTACH '{tmp_path / 'new.duckdb'}' AS fresh")
    assert other.read_bytes() == before
    assert not (tmp_path / "new.duckdb").exists()


@pytest.mark.parametrize(
    "statement",
    ["INSTALL httpfs", "LOAD httpfs", "FORCE INSTALL spatial",
     "SELECT * FROM read_csv('https://example.com/x.csv')",
     "CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 's')"],
)  # fmt: skip
def test_no_extension_download_or_secret(con, statement):
    refused(con, statement)


@pytest.mark.parametrize(
    "statement",
    ["SET enable_external_access = true", "RESET enable_external_access",
     "SET lock_configuration = false", "SET threads = 1", "PRAGMA enable_profiling",
     "SET allowed_paths = ['/etc/passwd']", "SET temp_directory = '/tmp/anywhere'"],
)  # fmt: skip
def test_the_configuration_is_locked(con, statement):
    refused(con, statement)
    assert con.execute("SELECT current_setting('enable_external_access')").fetchall() == [(False,)]


def test_the_catalog_itself_is_read_only(con):
    refused(con, "CREATE TABLE retail_analytics.evil AS SELECT 1 AS x")
    refused(con, "DELETE FROM retail_analytics.stores")
    assert sql.run(con, "SELECT COUNT(*) FROM retail_analytics.stores")[1] == [(25,)]
