"""Spark runs that end and say why in one line: an unreachable or wrong master, a cluster
without executors, Ctrl-C (engines.spark_guard and the session it guards)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from fakehouse.engines import spark_guard
from fakehouse.errors import UserError
from tests.spark.conftest import MASTER, REASON

needs_spark = pytest.mark.skipif(bool(REASON), reason=REASON or "")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(*args: str, **kwargs) -> subprocess.Popen:
    """`fakehouse ARGS` in its own process group, as a terminal runs a command."""
    return subprocess.Popen(
        [sys.executable, "-m", "fakehouse", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kwargs,
    )


@contextmanager
def _reaped(processes: dict[str, subprocess.Popen]):
    """Whatever the test asserts, no process it started (nor their JVMs) outlives it."""
    try:
        yield processes
    finally:
        for process in processes.values():
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
            process.communicate()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text()


# --- without a JVM ---------------------------------------------------------------------------


def test_an_unreachable_or_malformed_master_is_one_line_at_once():
    port = _free_port()  # nobody listens there
    started = time.monotonic()
    with pytest.raises(UserError, match=rf"spark://127.0.0.1:{port} is unreachable .*refused"):
        spark_guard.check_master(f"spark://127.0.0.1:{port}")
    assert time.monotonic() - started < 5
    with pytest.raises(UserError, match="expected spark://HOST:PORT"):
        spark_guard.check_master("spark://host-without-port")
    with socket.socket() as listener:  # one answering master of several is enough
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        live = listener.getsockname()[1]
        spark_guard.check_master(f"spark://127.0.0.1:{port},127.0.0.1:{live}")
    spark_guard.check_master("local[2]")  # other masters are Spark's to judge
    spark_guard.check_master("yarn")


def test_the_executor_timeout_comes_from_the_session_conf():
    class Session:  # what executor_timeout reads of a SparkSession: conf.get(key, default)
        def __init__(self, value: str | None = None):
            conf = {} if value is None else {spark_guard.EXECUTOR_TIMEOUT: value}
            self.conf = conf

    assert spark_guard.executor_timeout(Session()) == spark_guard.DEFAULT_EXECUTOR_TIMEOUT == 120
    assert spark_guard.executor_timeout(Session("7.5")) == 7.5
    assert spark_guard.executor_timeout(Session("30s")) == 30
    with pytest.raises(UserError, match="must be a number of seconds"):
        spark_guard.executor_timeout(Session("soon"))


def test_one_line_prefers_javas_message():
    class Java:
        def getMessage(self):
            return "Could not parse Master URL: 'x'\n\tat org.apache.spark..."

    class Py4JLike(Exception):
        java_exception = Java()

    assert spark_guard.one_line(Py4JLike("An error occurred while calling o1.x")) == (
        "Could not parse Master URL: 'x'"
    )
    assert spark_guard.one_line(ValueError("\n  first\nsecond")) == "first"
    assert spark_guard.one_line(KeyboardInterrupt()) == "KeyboardInterrupt"


def test_an_error_raised_after_ctrl_c_is_the_ctrl_c():
    """Ctrl-C cancels the jobs (from another thread) and whatever a guarded block raises next
    (here what py4j raises when the interrupt broke its connection) ends as KeyboardInterrupt;
    an error without a Ctrl-C stays what it is."""

    class Context:  # what the handler uses of a SparkContext
        cancelled = threading.Event()

        def cancelAllJobs(self):
            self.cancelled.set()

    sc = Context()
    previous = spark_guard.install_interrupt(sc)
    try:
        with pytest.raises(KeyboardInterrupt), spark_guard.interruptible():
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(10)  # the handler interrupts the wait
            except KeyboardInterrupt:
                raise RuntimeError("Answer from Java side is empty") from None
        with pytest.raises(RuntimeError, match="a real error"), spark_guard.interruptible():
            raise RuntimeError("a real error")
    finally:
        signal.signal(signal.SIGINT, previous)
    assert sc.cancelled.wait(10)


# --- with Spark ------------------------------------------------------------------------------


def test_the_api_keeps_the_executor_timeout_in_the_session(spark):
    from fakehouse.catalog import hive

    try:
        hive.set_executor_timeout(spark, 7.5)
        assert spark.conf.get(spark_guard.EXECUTOR_TIMEOUT) == "7.5"
        assert spark_guard.executor_timeout(spark) == 7.5
        hive.set_executor_timeout(spark, None)  # None leaves the session's value
        assert spark_guard.executor_timeout(spark) == 7.5
    finally:
        spark.conf.unset(spark_guard.EXECUTOR_TIMEOUT)
    assert spark_guard.executor_timeout(spark) == 120


def test_the_shells_probe_the_master_too(tmp_path, capsys):
    from fakehouse.cli import main

    (tmp_path / "metastore_db").mkdir()
    port = _free_port()
    with pytest.raises(SystemExit) as exit_info:
        main(["spark-sql", "-w", str(tmp_path), "--master", f"spark://127.0.0.1:{port}"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"spark://127.0.0.1:{port} is unreachable" in err


@contextmanager
def _standalone_master(log: Path):
    """A standalone master with no worker, on free ports; stopped afterwards."""
    from fakehouse.catalog import hive

    port, ui = _free_port(), _free_port()
    home = hive.spark_home()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_CONF_DIR": str(log.parent)}
    command = [
        str(home / "bin" / "spark-class"), "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui),
    ]  # fmt: skip
    with open(log, "wb") as out:
        master = subprocess.Popen(command, stdout=out, stderr=out, env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert master.poll() is None, log.read_text()[-2000:]
                assert time.monotonic() < deadline, "the master did not start"
                time.sleep(0.5)
        yield f"spark://127.0.0.1:{port}"
    finally:
        master.terminate()
        try:
            master.wait(timeout=30)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait()


@needs_spark
def test_masters_that_cannot_run_jobs_end_in_one_line(tmp_path):
    """No worker: the watchdog stops the jobs after --executor-timeout. Nobody listening, or a
    URL Spark cannot read: one line, exit 2, nothing left behind."""
    (tmp_path / "logs").mkdir()
    nobody = _free_port()
    processes = {
        "unreachable": _start(
            "generate", "retail", "--engine", "spark", "--master", f"spark://127.0.0.1:{nobody}",
            "-o", str(tmp_path / "unreachable"),
        ),
        "malformed": _start(
            "generate", "retail", "--engine", "spark", "--master", "local[two]",
            "-o", str(tmp_path / "malformed"),
        ),
    }  # fmt: skip
    with _reaped(processes), _standalone_master(tmp_path / "logs" / "master.log") as master:
        started = time.monotonic()
        processes["starved"] = _start(
            "generate", "retail", "--engine", "spark", "--master", master, "-m", "0.01",
            "--executor-timeout", "2", "-o", str(tmp_path / "starved"),
        )  # fmt: skip
        out, err = processes["starved"].communicate(timeout=300)
        seconds = time.monotonic() - started
        assert processes["starved"].returncode == 2, err[-3000:]
        assert err.count("\n") == 1 and out == ""
        assert f"error: no live Spark executor for 2 s on {master}, jobs stopped:" in err
        assert "--executor-timeout" in err
        assert seconds < 240  # start-up (a minute on a busy machine) + 2 s, never "forever"

        out, err = processes["unreachable"].communicate(timeout=120)
        assert processes["unreachable"].returncode == 2, err
        assert err == (
            f"error: Spark master spark://127.0.0.1:{nobody} is unreachable (127.0.0.1:{nobody}: "
            "Connection refused): check the host and port, and that the master runs "
            "(sbin/start-master.sh)\n"
        )
        out, err = processes["malformed"].communicate(timeout=300)
        assert processes["malformed"].returncode == 2, err[-3000:]
        assert err == (
            "error: Spark did not start (master local[two]): "
            "Could not parse Master URL: 'local[two]'\n"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["logs"]


@needs_spark
def test_ctrl_c_prints_aborted_and_nothing_else(spark_root, tmp_path):
    """Ctrl-C part-way through generate, sql and validate on Spark (all three at once): exit
    130, "aborted" alone on stderr, no JVM left, no half-written warehouse."""
    generate_out = tmp_path / "out" / "ware house"
    generate_out.parent.mkdir()
    derby = spark_root / "abort_validate" / "derby.log"
    booted = derby.stat().st_mtime_ns
    runs = {
        "generate": _start(
            "generate", "retail", "--engine", "spark", "--master", MASTER, "-m", "0.3",
            "-o", str(generate_out),
        ),
        # the first statement's row says that the session runs; the second takes minutes
        "sql": _start(
            "sql", "-w", str(spark_root / "abort_sql"), "--master", MASTER, "--output", "json",
            "SELECT 1 AS ready; SELECT count(*) FROM range(1000000000000) WHERE hash(id) % 7 = 3",
        ),
        "validate": _start(
            "validate", "-w", str(spark_root / "abort_validate"), "--master", MASTER,
        ),
    }  # fmt: skip
    ready = {
        # its first database exists: the plan is made, the tables are being written
        "generate": lambda: any(generate_out.parent.rglob("retail_analytics.db")),
        "sql": lambda: runs["sql"].stdout.readline() == '{"ready": 1}\n',
        # the metastore booted (derby.log is rewritten), then a minute of checks
        "validate": lambda: derby.stat().st_mtime_ns != booted,
    }
    settle = {"generate": 1, "sql": 1, "validate": 3}  # into the write jobs, the query, checks
    jvms: dict[str, list[int]] = {}
    failures: dict[str, str] = {}

    def interrupt(name: str) -> None:
        process = runs[name]
        deadline = time.monotonic() + 300
        while not ready[name]():
            if process.poll() is not None or time.monotonic() > deadline:
                failures[name] = f"did not start: {process.stderr.read()[-3000:]}"
                return
            time.sleep(0.2)
        time.sleep(settle[name])
        jvms[name] = _children(process.pid)
        os.killpg(process.pid, signal.SIGINT)

    with _reaped(runs):
        threads = [threading.Thread(target=interrupt, args=(name,)) for name in runs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not failures, failures
        ended = {name: process.communicate(timeout=120) for name, process in runs.items()}
    for name, process in runs.items():
        out, err = ended[name]
        assert process.returncode == 130, f"{name}: {err[-3000:]}"
        # a copied warehouse is re-registered at its first opening, and says so
        lines = [x for x in err.splitlines() if x.strip() and "warehouse moved from" not in x]
        assert lines == ["aborted"], f"{name}: {err[-3000:]}"
        assert out == "", name
        assert jvms[name], f"{name}: no JVM found"
        deadline = time.monotonic() + 20
        while any(_alive(pid) for pid in jvms[name]):
            assert time.monotonic() < deadline, f"{name}: the JVM outlived fakehouse"
            time.sleep(0.2)
    assert list(generate_out.parent.iterdir()) == []
