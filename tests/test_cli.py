"""The command line as a user meets it: exit codes, one-line errors, nothing half-written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from fakehouse.cli import main
from tests.conftest import obeying_file_modes

SPARK_QUERIES = {
    "nulls": """
        SELECT SUM(CASE WHEN customer_id IS NULL THEN 1 ELSE 0 END) as null_customers,
               SUM(CASE WHEN email IS NULL THEN 1 ELSE 0 END) as null_emails
        FROM retail_analytics.customers;""",
    "segments": """
        SELECT c.customer_segment, COUNT(DISTINCT t.transaction_id) as transactions,
               SUM(t.total_amount) as revenue
        FROM retail_analytics.customers c
        JOIN retail_analytics.transactions t ON c.customer_id = t.customer_id
        GROUP BY c.customer_segment;""",
    "clv": """
        WITH customer_metrics AS (
            SELECT customer_id, COUNT(DISTINCT transaction_id) as purchase_count,
                   SUM(total_amount) as total_spent,
                   DATEDIFF(MAX(transaction_date), MIN(transaction_date)) as customer_lifetime_days
            FROM retail_analytics.transactions
            WHERE transaction_status = 'Completed'
            GROUP BY customer_id)
        SELECT AVG(total_spent) as avg_clv, AVG(purchase_count) as avg_purchases,
               AVG(customer_lifetime_days) as avg_lifetime_days
        FROM customer_metrics;""",
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fakehouse", *args], capture_output=True, text=True, timeout=300
    )


def sql_json(warehouse: Path, query: str, dialect: str = "spark") -> list[dict]:
    result = run("sql", "-w", str(warehouse), "--dialect", dialect, "--output", "json", query)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", "retail", "-m", "abc"], "--multiplier must be a number"),
        (["generate", "retail", "-m", "0"], "--multiplier must be greater than 0"),
        (["generate", "retail", "-m", "-2"], "--multiplier must be greater than 0"),
        (["generate", "retail", "-m", "nan"], "--multiplier must be greater than 0"),
        # ids are sized for multipliers up to 100,000: a larger one would repeat them
        (["generate", "retail", "-m", "200000"], "at most 100,000"),
        (["generate", "shop"], "unknown domain 'shop'"),
        (["generate", "retail", "--format", "xml"], "Invalid value for '-f' / '--format'"),
        (["sql", "-w", "/nonexistent/wh", "SELECT 1"], "no warehouse at /nonexistent/wh"),
        (["validate", "-w", "/nonexistent/wh"], "no warehouse at /nonexistent/wh"),
        (["tables", "shop"], "unknown domain 'shop'"),
    ],
)
def test_user_mistakes_give_one_line_and_exit_code_2(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("error: ") and message in err


def test_unwritable_output_gives_exit_2_and_leaves_nothing(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SystemExit) as exit_info:
        main(["generate", "retail", "-m", "0.01", "-o", str(blocker / "wh"), "-q"])
    assert exit_info.value.code == 2
    assert "cannot write" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_generate_prints_a_summary_with_rows_and_rate(tmp_path):
    result = run("generate", "retail", "-m", "0.01", "-o", str(tmp_path / "wh"), "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # talk goes to stderr
    assert "retail_analytics.transactions" in result.stderr
    assert "rows/s" in result.stderr


def test_csv_and_json_exports_have_the_same_layout_and_rows(tmp_path):
    out = tmp_path / "wh"
    result = run(
        "generate", "retail", "-m", "0.01", "-o", str(out), "-q", "-f", "csv", "-f", "json"
    )
    assert result.returncode == 0, result.stderr
    con = duckdb.connect()
    for table in ("customers", "transaction_items"):
        parquet = con.execute(
            f"SELECT COUNT(*) FROM read_parquet('{out}/retail_analytics/{table}/*.parquet')"
        ).fetchone()[0]
        csv = con.execute(
            f"SELECT COUNT(*) FROM read_csv('{out}/csv/retail_analytics/{table}/part-*.csv')"
        ).fetchone()[0]
        js = con.execute(
            f"SELECT COUNT(*) FROM read_json('{out}/json/retail_analytics/{table}/part-*.json')"
        ).fetchone()[0]
        assert parquet == csv == js > 0


def test_the_seed_spark_queries_run_unchanged(retail_warehouse):
    (nulls,) = sql_json(retail_warehouse, SPARK_QUERIES["nulls"])
    assert nulls == {"null_customers": 0, "null_emails": 0}

    segments = {
        r["customer_segment"]: r for r in sql_json(retail_warehouse, SPARK_QUERIES["segments"])
    }
    assert set(segments) == {"VIP", "Premium", "Regular", "Basic"}
    assert sum(r["transactions"] for r in segments.values()) == 2_500
    # VIPs are 5% of customers but spend far more than Basic's 30%
    assert float(segments["VIP"]["revenue"]) > float(segments["Basic"]["revenue"])

    (clv,) = sql_json(retail_warehouse, SPARK_QUERIES["clv"])
    assert 50 < float(clv["avg_clv"]) < 20_000
    assert 1 <= clv["avg_purchases"] < 50
    assert 0 < clv["avg_lifetime_days"] < 1_096


def test_plain_duckdb_works_after_the_warehouse_is_moved(retail_warehouse, tmp_path, monkeypatch):
    moved = tmp_path / "elsewhere" / "wh"
    shutil.copytree(retail_warehouse, moved)
    monkeypatch.chdir(tmp_path)
    con = duckdb.connect(str(moved / "warehouse.duckdb"), read_only=True)
    con.execute("USE retail_analytics")
    tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    assert len(tables) == 11
    assert con.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == 500


def test_sql_statements_run_in_order_with_use(retail_warehouse):
    result = run(
        "sql",
        "-w",
        str(retail_warehouse),
        "--dialect",
        "spark",
        "--output",
        "csv",
        "USE retail_analytics; SHOW TABLES; SELECT COUNT(*) AS n FROM customers;",
    )
    assert result.returncode == 0, result.stderr
    assert "transaction_items" in result.stdout
    assert result.stdout.strip().endswith("n\n500") or result.stdout.strip().endswith("500")


def test_sql_errors_are_one_line(retail_warehouse):
    result = run("sql", "-w", str(retail_warehouse), "SELECT nope FROM retail_analytics.customers")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_tables_prints_the_data_dictionary():
    result = run("tables", "retail", "--markdown")
    assert result.returncode == 0
    for name in ("customers", "transaction_items", "customer_behavior", "marketing_campaigns"):
        assert f"### retail_analytics.{name}" in result.stdout
    assert "| total_amount | DECIMAL(12,2) |" in result.stdout
    assert "| store_id | VARCHAR |  | stores.store_id |" in result.stdout
    result = run("tables", "retail", "-t", "transaction_items")  # the terminal table
    assert result.returncode == 0
    assert "references" in result.stdout and "transactions." in result.stdout
    assert "…" not in result.stdout  # nothing cut off at 80 columns
    assert "Key: transaction_id, line_number." in " ".join(result.stdout.split())


def test_help_does_not_import_heavy_engines():
    heavy = ("pyspark", "duckdb", "pyarrow", "numpy", "matplotlib", "pandas", "jupyterlab")
    code = (
        "import sys\n"
        "from fakehouse.cli import main\n"
        "for args in (['--help'], ['report', '--help'], ['notebook', '--help']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def sql_piped(warehouse: Path, script: str, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fakehouse", "sql", "-w", str(warehouse), *options],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_piped_statements_all_run_and_a_failure_means_exit_2(retail_warehouse):
    result = sql_piped(
        retail_warehouse,
        "SELECT COUNT(*) AS n\nFROM retail_analytics.stores;\nSELECT nope;\n"
        "SELECT ';' AS semi; -- a comment;\n\nSELECT 2 AS two",  # the last has no ';'
        "--output",
        "csv",
    )
    assert result.returncode == 2
    assert result.stdout.splitlines() == ["n", "25", "semi", ";", "two", "2"]
    (error,) = result.stderr.splitlines()  # one line, naming where the statement starts
    assert error.startswith("error: line 3: ") and "nope" in error


def test_piped_statements_that_all_work_exit_0(retail_warehouse):
    result = sql_piped(
        retail_warehouse, "USE retail_analytics;\nSELECT 1 AS one", "--output", "csv"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["one", "1"]


def test_a_query_of_several_statements_runs_them_all(retail_warehouse, tmp_path):
    leak = tmp_path / "leak.csv"
    result = run(
        "sql", "-w", str(retail_warehouse), "--output", "csv",
        f"SELECT 1 AS a; COPY (SELECT 1) TO '{leak}'; SELECT nope; SELECT 4 AS d",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stdout.splitlines() == ["a", "1", "d", "4"]
    errors = result.stderr.splitlines()
    assert [e.split(":")[:2] for e in errors] == [
        ["error", " statement 2"],
        ["error", " statement 3"],
    ]
    assert "fakehouse sql only reads the warehouse's tables" in errors[0]
    assert "generate --format" in errors[0]
    assert not leak.exists()


def test_an_unclosed_string_is_one_line(retail_warehouse):
    result = run("sql", "-w", str(retail_warehouse), "SELECT 1; SELECT 'oops")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "is not closed" in result.stderr


def test_json_keeps_repeated_column_names_apart(retail_warehouse):
    rows = sql_json(retail_warehouse, "SELECT 1 AS a, 2 AS a, 3 AS a_1, 4 AS a", "duckdb")
    assert rows == [{"a": 1, "a_2": 2, "a_1": 3, "a_3": 4}]


def test_the_prompt_on_a_terminal_goes_on_after_an_error(retail_warehouse):
    """A person at the prompt: each error is shown, the next statement still runs."""
    import pty

    main_fd, child_fd = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "fakehouse", "sql", "-w", str(retail_warehouse), "--output", "csv"],
        stdin=child_fd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        os.close(child_fd)
        os.write(main_fd, b"SELECT nope;\nSELECT 5 AS five\n;\n\x04")
        out, err = child.communicate(timeout=60)
    os.close(main_fd)
    assert child.returncode == 0
    assert out.splitlines() == ["five", "5"]  # results only: the prompts went to stderr
    assert "fakehouse sql (duckdb)" in err and "sql> " in err and "nope" in err


@pytest.mark.parametrize(
    "manifest",
    [b"", b"{not json", b"[1, 2]", b'{"domains": {}}', b"\x00\xff\xfe binary"],
    ids=["empty", "not-json", "not-an-object", "no-domains", "binary"],
)
def test_a_broken_manifest_is_one_line(retail_warehouse, tmp_path, capsys, manifest):
    out = tmp_path / "wh"
    out.mkdir()
    shutil.copy(retail_warehouse / "warehouse.duckdb", out)
    (out / "fakehouse.json").write_bytes(manifest)
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "-w", str(out)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"error: unreadable manifest {out / 'fakehouse.json'}: ")


def test_an_unreadable_manifest_is_one_line(retail_warehouse, tmp_path):
    out = tmp_path / "wh"
    out.mkdir()
    for name in ("warehouse.duckdb", "fakehouse.json"):
        shutil.copy(retail_warehouse / name, out)
    (out / "fakehouse.json").chmod(0)
    command = obeying_file_modes([sys.executable, "-m", "fakehouse", "validate", "-w", str(out)])
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == (
        f"error: unreadable manifest {out / 'fakehouse.json'}: Permission denied\n"
    )


def test_when_several_things_are_broken_the_first_is_reported(tmp_path, capsys):
    out = tmp_path / "wh"
    out.mkdir()
    (out / "warehouse.duckdb").write_bytes(b"")  # also broken, but read after the manifest
    (out / "fakehouse.json").write_text("{not json")
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "-w", str(out)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: unreadable manifest")
