"""The standalone catalog as users meet it: other processes, moved folders, clear errors."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from fakehouse.catalog import hive
from fakehouse.cli import main
from fakehouse.cli.spark import hint
from fakehouse.errors import UserError
from tests.spark.conftest import AWKWARD, MASTER, fakehouse


def test_the_catalog_lives_inside_the_warehouse(spark_root, spark_warehouse):
    names = {p.name for p in spark_warehouse.iterdir()}
    assert {"metastore_db", "spark-warehouse", "conf", "fakehouse.json", "derby.log"} <= names
    assert (spark_warehouse / "spark-warehouse" / "retail_analytics.db" / "customers").is_dir()
    conf = (spark_warehouse / "conf" / "spark-defaults.conf").read_text()
    assert f"databaseName={spark_warehouse / 'metastore_db'};create=false" in conf
    assert f"spark.sql.warehouse.dir file:{spark_warehouse / 'spark-warehouse'}" in conf
    assert f"spark.pyspark.python {sys.executable}" in conf
    # the JVM's console output went to spark.log: generate printed only its own lines
    assert (spark_warehouse / "spark.log").is_file()
    printed = (spark_root / "generate.err").read_text()
    assert "WARN" not in printed and "Exception" not in printed
    assert printed.rstrip().endswith(hint(spark_warehouse))


def test_plain_spark_sql_with_the_printed_conf_folder(spark_root, spark_warehouse, tmp_path):
    """The line `generate` printed, pasted into bash as it is, opens the catalog."""
    printed = (spark_root / "generate.err").read_text()
    (line,) = [x.strip() for x in printed.splitlines() if x.strip().startswith("SPARK_CONF_DIR=")]
    assert f"  {line}\n" in hint(spark_warehouse) + "\n"
    query = "USE retail_analytics; SHOW TABLES; SELECT COUNT(*) FROM customers;"
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # pyspark's spark-sql
    result = subprocess.run(
        ["bash", "-c", f"{line} -e {shlex.quote(query)}"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "PATH": path},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.split()
    assert "transaction_items" in lines and "marketing_campaigns" in lines
    assert lines[-1] == "500"
    assert list(tmp_path.iterdir()) == []  # no metastore_db, spark-warehouse or derby.log here


def test_printed_commands_paste_into_a_shell(tmp_path, capsys):
    """--print-conf and the hint after generate survive the shell: `;` in the Derby URL, a
    space and a quote in the path."""
    out = tmp_path / AWKWARD
    (out / "metastore_db").mkdir(parents=True)
    with pytest.raises(SystemExit) as exit_info:
        main(["spark-sql", "-w", str(out), "--print-conf"])
    assert exit_info.value.code == 0
    printed = capsys.readouterr().out.splitlines()
    wanted = [["--conf", f"{k}={v}"] for k, v in hive.settings(out.absolute()).items()]
    assert [shlex.split(line) for line in printed] == wanted
    echoed = subprocess.run(
        ["bash", "-c", f"printf '%s\\n' {' '.join(printed)}"], capture_output=True, text=True
    )
    assert echoed.stdout.splitlines() == [word for pair in wanted for word in pair]
    assert any("jdbc:derby:;databaseName=" in word for word in echoed.stdout.splitlines())

    commands = [shlex.split(x) for x in hint(out).splitlines() if x.startswith("  ")]
    assert commands == [
        ["fakehouse", "spark-sql", "-w", str(out)],
        ["fakehouse", "pyspark", "-w", str(out)],
        ["fakehouse", "sql", "-w", str(out)],
        [f"SPARK_CONF_DIR={out / 'conf'}", "spark-sql"],
        ["fakehouse", "spark-sql", "-w", str(out), "--print-conf"],
    ]


def test_a_moved_warehouse_is_re_registered(spark_root):
    moved = spark_root / "moved" / "here"
    moved.parent.mkdir()
    (spark_root / "for_move").rename(moved)
    result = fakehouse(
        "sql", "-w", str(moved), "--master", MASTER, "--output", "json",
        "SELECT COUNT(*) AS n FROM retail_analytics.transactions; "
        # the session `sql` opens is locked (tests/spark/test_sql.py): a failure is one line,
        # the statements after it run, and the exit code is 2
        f"SELECT * FROM text.`{moved / 'fakehouse.json'}`; "
        "DESCRIBE TABLE EXTENDED retail_analytics.transactions",
    )  # fmt: skip
    assert result.returncode == 2, result.stderr[-3000:]
    assert "error: statement 2: [TABLE_OR_VIEW_NOT_FOUND]" in result.stderr
    assert "re-registered" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0] == {"n": 2500}
    (location,) = [r["data_type"] for r in rows if r.get("col_name") == "Location"]
    assert location.startswith(moved.as_uri().replace("file:///", "file:/"))
    assert json.loads((moved / "fakehouse.json").read_text())["spark"]["root"] == str(moved)
    assert str(moved) in (moved / "conf" / "spark-defaults.conf").read_text()


def test_a_catalog_open_elsewhere_gives_one_clear_line(spark, session_warehouse):
    # `spark` (this process) holds the embedded metastore
    result = fakehouse("spark-sql", "-w", str(session_warehouse), "-e", "SELECT 1")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "open in process" in result.stderr and "one process at a time" in result.stderr


def test_the_lock_probe_names_the_holder(tmp_path):
    lock = tmp_path / "metastore_db" / "dbex.lck"
    lock.parent.mkdir()
    lock.write_text("")
    assert hive.holder(tmp_path) is None
    code = (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(lock)!r}, os.O_RDWR)\n"
        "fcntl.lockf(fd, fcntl.LOCK_EX)\n"
        "print('locked', flush=True)\n"
        "time.sleep(30)\n"
    )
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout.readline().strip() == "locked"
            assert hive.holder(tmp_path) == child.pid
            with pytest.raises(UserError, match=f"open in process {child.pid}"):
                hive.ensure_free(tmp_path)
        finally:
            child.kill()
    assert hive.holder(tmp_path) is None


def test_missing_pyspark_or_java_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(UserError, match=r"pip install 'fakehouse\[spark\]'"):
        hive.require()
    monkeypatch.delitem(sys.modules, "pyspark")
    monkeypatch.setenv("JAVA_HOME", "/nonexistent/jdk")
    with pytest.raises(UserError, match="needs Java 17"):
        hive.java_version()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", "retail", "--engine", "spark", "-f", "csv"], "--format csv/json is for"),
        (["generate", "retail", "--timestamp-type", "timestamp"], "--timestamp-type is for"),
        (["spark-sql", "-w", "/nonexistent/wh"], "no Spark warehouse at /nonexistent/wh"),
        (["pyspark", "-w", "/nonexistent/wh"], "no Spark warehouse at /nonexistent/wh"),
        (["validate", "--engine", "spark", "-w", "/nonexistent/wh"], "no Spark warehouse at"),
    ],
)
def test_cli_mistakes_are_one_line(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err


def test_the_local_engine_never_imports_pyspark(tmp_path):
    code = (
        "import sys, fakehouse\n"
        f"fakehouse.generate('retail', multiplier=0.01, out={str(tmp_path / 'wh')!r}, workers=1)\n"
        "print('pyspark' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_spark_submit_with_the_zipped_package(tmp_path):
    """The cluster recipe on local[2]: the entry file, the package as a --py-files zip."""
    pytest.importorskip("pyspark")
    import fakehouse.spark as fs

    package = fs.make_zip(tmp_path / "fakehouse.zip")
    assert "fakehouse/core/data/names.parquet" in zipfile.ZipFile(package).namelist()
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "SPARK_HOME": str(hive.spark_home())}
    env.pop("SPARK_CONF_DIR", None)
    derby = f"jdbc:derby:;databaseName={tmp_path / 'metastore_db'};create=true"
    command = [
        str(hive.spark_home() / "bin" / "spark-submit"),
        "--master", MASTER,
        "--py-files", str(package),
        "--conf", f"spark.sql.warehouse.dir={tmp_path / 'tables'}",
        "--conf", f"spark.hadoop.javax.jdo.option.ConnectionURL={derby}",
        "--conf", f"spark.driver.extraJavaOptions=-Dderby.system.home={tmp_path}",
        str(shutil.copy(fs.__file__, tmp_path / "job.py")),  # shipped alone, as on a cluster
        "--domain", "retail", "--multiplier", "0.01", "--database-prefix", "job_",
        "--timestamp-type", "timestamp",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    # the application prints through spark-submit's stdout; Spark logs where its jobs came from
    assert "wrote job_retail_analytics.transaction_items" in result.stdout + result.stderr
    assert "fakehouse.zip/fakehouse/engines/spark.py" in result.stderr
    assert (tmp_path / "tables" / "job_retail_analytics.db" / "customers").is_dir()
    # --timestamp-type timestamp: the Spark schema Spark keeps in each Parquet footer says so
    folder = tmp_path / "tables" / "job_retail_analytics.db" / "transactions"
    footer = pq.read_schema(next(folder.glob("*.parquet"))).metadata
    spark_schema = json.loads(footer[b"org.apache.spark.sql.parquet.row.metadata"])
    types = {f["name"]: f["type"] for f in spark_schema["fields"]}
    assert types["transaction_date"] == "timestamp"
    shutil.rmtree(tmp_path / "tables")


def test_pyspark_shell_sees_the_databases_and_imports_fakehouse(spark_root):
    code = "print('DBS', sorted(r[0] for r in spark.sql('SHOW DATABASES').collect()))\n"
    code += "import fakehouse; print('FAKEHOUSE', fakehouse.__version__)\n"
    result = subprocess.run(
        [sys.executable, "-m", "fakehouse", "pyspark", "-w", str(spark_root / "for_sql")],
        input=code,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYSPARK_DRIVER_PYTHON_OPTS": "-i"},  # run the shell's startup
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'retail_analytics'" in result.stdout and "FAKEHOUSE" in result.stdout


def test_a_killed_run_leaves_the_previous_warehouse_as_it_was(spark_root):
    """kill -9 of a Spark run (driver and JVM) part-way: OUT is untouched, because the run
    builds beside it; the next run into that parent removes what the killed one left."""
    import signal
    import time

    out = spark_root / "killed"
    before = {
        str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "fakehouse", "generate", "retail", "--engine", "spark",
         "--master", MASTER, "-m", "0.05", "-o", str(out), "--overwrite", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    staging = spark_root / f".killed.fakehouse-staging-{process.pid}"
    deadline = time.monotonic() + 120
    while not (staging / "metastore_db").exists():  # the session booted in the staging folder
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    after = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before
    assert staging.exists()  # what the killed run left, until the next run
    result = fakehouse("generate", "retail", "-m", "0.01", "-o", str(spark_root / "next"), "-q")
    assert result.returncode == 0, result.stderr
    assert not staging.exists()
    assert not (spark_root / ".killed.fakehouse-lock").exists()
