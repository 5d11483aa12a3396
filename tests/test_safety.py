"""A user's files are never lost: what --overwrite may replace, one run per folder, crash-clean
runs, one line for every failure (issue 8). Each case is tried the way a user or a careless
script would, through the command line where it can be."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fakehouse
from fakehouse.cli import main
from fakehouse.engines import target
from fakehouse.errors import UserError


def cli(*args: str) -> tuple[int, str]:
    """Run the CLI in this process; (exit code, stderr) of a run that ends by SystemExit."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        main(list(args))
    return exit_info.value.code, err.getvalue()


def one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: "), err
    for fragment in fragments:
        assert fragment in err, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


def user_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "chapter1.docx").write_bytes(b"two years of work")
    (path / "figures").mkdir()
    (path / "figures" / "plot.png").write_bytes(b"\x89PNG")
    return path


# --- 1. overwrite only what is ours ----------------------------------------------------------


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_a_folder_of_user_files_is_never_replaced(tmp_path, overwrite):
    thesis = user_folder(tmp_path / "thesis")
    before = snapshot(thesis)
    code, err = cli("generate", "retail", "-m", "0.01", "-o", str(thesis), "-q", *overwrite)
    one_line_error(code, err, str(thesis), "not a fakehouse warehouse", "chapter1.docx")
    assert snapshot(thesis) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]  # no lock, no staging


def test_a_warehouse_with_a_users_file_inside_is_not_replaced(tmp_path):
    out = tmp_path / "wh"
    fakehouse.generate("retail", multiplier=0.01, out=out, workers=1)
    (out / "my_notes.md").write_text("queries I like")
    code, err = cli("generate", "retail", "-m", "0.01", "-o", str(out), "-q", "--overwrite")
    one_line_error(code, err, "my_notes.md")
    assert (out / "my_notes.md").read_text() == "queries I like"


def test_a_manifest_that_is_not_ours_does_not_make_a_warehouse(tmp_path):
    out = tmp_path / "project"
    out.mkdir()
    (out / "fakehouse.json").write_text('{"name": "my own config"}')
    code, err = cli("generate", "retail", "-m", "0.01", "-o", str(out), "-q", "--overwrite")
    one_line_error(code, err, "not a fakehouse warehouse", "fakehouse.json")
    assert (out / "fakehouse.json").read_text() == '{"name": "my own config"}'


@pytest.mark.parametrize("which", ["root", "home", "cwd", "parent", "grandparent"])
def test_root_home_current_folder_and_its_ancestors_are_refused(tmp_path, monkeypatch, which):
    home = tmp_path / "home"
    work = home / "projects" / "demo"
    work.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    out = {
        "root": "/",
        "home": str(home),
        "cwd": ".",
        "parent": "..",
        "grandparent": str(work.parent.parent),
    }[which]
    code, err = cli("generate", "retail", "-m", "0.01", "-o", out, "-q", "--overwrite")
    one_line_error(code, err, "refusing to write a warehouse to")
    assert sorted(p.name for p in work.parent.iterdir()) == ["demo"]


def test_overwrite_replaces_a_warehouse_and_leaves_nothing_beside_it(tmp_path):
    out = tmp_path / "wh"
    fakehouse.generate("retail", multiplier=0.01, out=out, workers=1)
    old = json.loads((out / "fakehouse.json").read_text())["domains"]["retail"]["multiplier"]
    code, err = cli("generate", "retail", "-m", "0.02", "-o", str(out), "-q", "--overwrite")
    assert code in (0, None), err
    new = json.loads((out / "fakehouse.json").read_text())["domains"]["retail"]["multiplier"]
    assert (old, new) == (0.01, 0.02)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh"]


def test_the_check_holds_at_the_moment_of_replacement(tmp_path):
    """Files written into OUT while the run works are there at the swap: nothing is replaced."""
    out = tmp_path / "wh"
    fakehouse.generate("retail", multiplier=0.01, out=out, workers=1)

    def meanwhile(totals):
        (out / "draft.txt").write_text("written during the run")

    with pytest.raises(UserError, match=r"draft\.txt.*appeared during this run"):
        fakehouse.generate(
            "retail", multiplier=0.02, out=out, workers=1, overwrite=True, on_plan=meanwhile
        )
    assert (out / "draft.txt").read_text() == "written during the run"
    manifest = json.loads((out / "fakehouse.json").read_text())
    assert manifest["domains"]["retail"]["multiplier"] == 0.01  # the old warehouse, intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh"]


def test_a_warehouse_made_meanwhile_is_not_replaced_without_overwrite(tmp_path):
    out = tmp_path / "wh"

    def meanwhile(totals):
        fakehouse.generate("retail", multiplier=0.01, out=out, workers=1, seed=7)

    # the second run cannot take the lock beside OUT while the first one holds it
    with pytest.raises(UserError, match="another fakehouse run"):
        fakehouse.generate("retail", multiplier=0.01, out=out, workers=1, on_plan=meanwhile)

    def by_hand(totals):  # a warehouse copied in by hand meanwhile
        out.mkdir()
        (out / "fakehouse.json").write_text('{"fakehouse_version": "0.1.0", "domains": {}}')

    with pytest.raises(UserError, match=r"holds a warehouse \(made during this run\)"):
        fakehouse.generate("retail", multiplier=0.01, out=out, workers=1, on_plan=by_hand)
    assert sorted(p.name for p in out.iterdir()) == ["fakehouse.json"]


def test_a_spark_warehouse_is_a_warehouse(tmp_path):
    """What the Spark engine leaves (its metastore, tables, settings and JVM logs) is a
    warehouse's own, so --overwrite replaces it."""
    out = tmp_path / "wh"
    fakehouse.generate("retail", multiplier=0.01, out=out, workers=1)
    for name in ("metastore_db", "spark-warehouse", "conf"):
        (out / name).mkdir()
    for name in ("spark.log", "derby.log"):
        (out / name).write_text("a JVM's console")
    assert target.foreign_entries(out) == []


def notebooks(out: Path) -> Path:
    """A warehouse's notebooks folder as `fakehouse notebook` leaves it, with a user's edit."""
    folder = out / "notebooks"
    folder.mkdir()
    (folder / "retail.ipynb").write_text('{"cells": ["my edit"]}')
    (folder / "mine.csv").write_text("a,b\n")
    return folder


def test_overwrite_keeps_the_users_notebooks_in_the_new_warehouse(tmp_path):
    out = tmp_path / "wh"
    fakehouse.generate("retail", multiplier=0.01, out=out, workers=1)
    before = snapshot(notebooks(out))
    code, err = cli("generate", "retail", "-m", "0.02", "-o", str(out), "-q", "--overwrite")
    assert code in (0, None), err
    manifest = json.loads((out / "fakehouse.json").read_text())
    assert manifest["domains"]["retail"]["multiplier"] == 0.02
    assert snapshot(out / "notebooks") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh"]


def test_a_swap_cut_short_still_keeps_the_notebooks(tmp_path):
    """A run killed after the new warehouse was in place but before the notebooks moved: the
    next run into the parent moves them, then removes the old warehouse."""
    pid = dead_pid()
    fakehouse.generate("retail", multiplier=0.01, out=tmp_path / "c", workers=1)
    fakehouse.generate("retail", multiplier=0.01, out=tmp_path / "c-old", workers=1)
    before = snapshot(notebooks(tmp_path / "c-old"))
    (tmp_path / "c-old").rename(tmp_path / f".c.fakehouse-old-{pid}")
    code, err = cli("generate", "retail", "-m", "0.01", "-o", str(tmp_path / "e"), "-q")
    assert code in (0, None), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "e"]
    assert snapshot(tmp_path / "c" / "notebooks") == before


# --- 2. one run per OUT -----------------------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from fakehouse.engines.target import Lock
Lock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_a_second_run_into_the_same_folder_is_refused_until_the_first_is_gone(tmp_path):
    out = tmp_path / "wh"
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout.readline().strip() == "locked"
            code, err = cli("generate", "retail", "-m", "0.01", "-o", str(out), "-q")
            one_line_error(code, err, f"process {holder.pid}", str(out))
            assert not out.exists()
        finally:
            holder.kill()
    code, err = cli("generate", "retail", "-m", "0.01", "-o", str(out), "-q")  # lock is stale
    assert code in (0, None), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh"]


# --- 3. crash-clean ---------------------------------------------------------------------------


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_leftovers_of_dead_runs_are_cleaned_by_the_next_run_into_that_parent(tmp_path):
    pid = dead_pid()
    staging = tmp_path / f".a.fakehouse-staging-{pid}"
    (staging / "retail_analytics").mkdir(parents=True)
    # a swap cut short between its two renames: the old warehouse is put back
    fakehouse.generate("retail", multiplier=0.01, out=tmp_path / "b", workers=1)
    (tmp_path / "b").rename(tmp_path / f".b.fakehouse-old-{pid}")
    # a swap cut short after the new warehouse was in place: the old one goes
    fakehouse.generate("retail", multiplier=0.01, out=tmp_path / "c", workers=1)
    fakehouse.generate("retail", multiplier=0.01, out=tmp_path / "c-old", workers=1)
    (tmp_path / "c-old").rename(tmp_path / f".c.fakehouse-old-{pid}")
    (tmp_path / ".a.fakehouse-lock").write_text(str(pid))
    # a live process's staging is not touched
    live = tmp_path / f".d.fakehouse-staging-{os.getpid()}"
    live.mkdir()

    code, err = cli("generate", "retail", "-m", "0.01", "-o", str(tmp_path / "e"), "-q")
    assert code in (0, None), err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["b", "c", live.name, "e"])
    assert (tmp_path / "b" / "warehouse.duckdb").is_file()


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found += [int(c) for c in text.split()]
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[1].startswith("Z"))


def start_big_run(out: Path, *args: str) -> subprocess.Popen:
    """A generate run that lasts several seconds, once its workers are busy."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fakehouse",
            "generate",
            "retail",
            "-m",
            "20",
            "-o",
            str(out),
            "--workers",
            "2",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    staging = out.parent / f".{out.name}.fakehouse-staging-{process.pid}"
    deadline = time.monotonic() + 60
    while not list(staging.glob("retail_analytics/transactions/part-*")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return process


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.slow
def test_workers_die_with_a_killed_run_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "wh"
    process = start_big_run(out)
    workers = children(process.pid)
    assert len(workers) == 2
    process.kill()
    process.communicate()
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers):
        assert time.monotonic() < deadline, "workers outlived their parent"
        time.sleep(0.05)
    assert any(".fakehouse-staging-" in p.name for p in tmp_path.iterdir())
    code, err = cli("generate", "retail", "-m", "0.01", "-o", str(tmp_path / "next"), "-q")
    assert code in (0, None), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["next"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_prints_aborted_and_leaves_nothing(tmp_path, sig):
    out = tmp_path / "wh"
    process = start_big_run(out)
    workers = children(process.pid)
    started = time.monotonic()
    if sig == signal.SIGINT:  # a terminal sends Ctrl-C to the whole process group
        os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=60)
    assert time.monotonic() - started < 5
    assert (process.returncode, stderr, stdout) == (130, b"aborted\n", b"")
    assert list(tmp_path.iterdir()) == []
    assert not any(alive(w) for w in workers)


# --- 4. one line for every failure -------------------------------------------------------------


def test_a_bug_is_one_line_with_the_way_to_its_traceback(tmp_path, monkeypatch):
    from fakehouse.domains.retail import sales

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sales, "sales", broken)
    out = tmp_path / "wh"
    code, err = cli("generate", "retail", "-m", "0.01", "-o", str(out), "-q", "--workers", "1")
    one_line_error(code, err, "unexpected RuntimeError: disk on fire", "FAKEHOUSE_DEBUG=1")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setenv("FAKEHOUSE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="disk on fire"):
        main(["generate", "retail", "-m", "0.01", "-o", str(out), "-q", "--workers", "1"])


def test_a_full_disk_reports_the_workers_cause_not_the_loaders(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    calls = []

    def full(*args, **kwargs):
        calls.append(1)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full)
    code, err = cli(
        "generate", "retail", "-m", "0.01", "-o", str(tmp_path / "wh"), "-q", "--workers", "1"
    )
    one_line_error(code, err, "no space left on the device")
    assert calls and list(tmp_path.iterdir()) == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A 3 MB file system (tmpfs), where the machine lets the tests mount one."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_really_full_disk_is_one_line_and_leaves_the_disk_empty(tiny_disk, monkeypatch):
    # pretend there is room, so that the run really meets the full disk
    monkeypatch.setattr(target, "free_bytes", lambda folder: 10**12)
    code, err = cli("generate", "retail", "-m", "0.2", "-o", str(tiny_disk / "wh"), "-q")
    one_line_error(code, err, "no space left on the device")
    assert list(tiny_disk.iterdir()) == []


def test_a_run_that_cannot_fit_is_refused_before_writing(tiny_disk):
    code, err = cli("generate", "retail", "-m", "1", "-o", str(tiny_disk / "wh"), "-q")
    one_line_error(code, err, "needs about", "MB free")
    assert list(tiny_disk.iterdir()) == []


def test_a_huge_multiplier_is_refused_at_once_when_the_disk_is_too_small(tmp_path):
    from fakehouse.engines import estimate

    free = target.free_bytes(tmp_path)
    sizes = fakehouse.estimate("retail", 100_000)
    if estimate.total_bytes(sizes) < free:
        pytest.skip("this machine has room for a multiplier of 100,000")
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "fakehouse",
            "generate",
            "retail",
            "-m",
            "100000",
            "-o",
            str(tmp_path / "wh"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert time.monotonic() - started < 30
    one_line_error(result.returncode, result.stderr, "needs about", "TB")
    assert list(tmp_path.iterdir()) == []


# --- 5. know the size before writing ---------------------------------------------------------


def test_dry_run_prints_rows_and_sizes_and_writes_nothing(tmp_path, retail_warehouse):
    out = tmp_path / "wh"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "fakehouse",
            "generate",
            "retail",
            "-m",
            "0.05",
            "-o",
            str(out),
            "--seed",
            "11",
            "--dry-run",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []
    assert "retail_analytics.customers" in result.stdout and "500" in result.stdout
    assert "free there" in result.stdout
    # against the real warehouse of the same seed and multiplier (tests/conftest.py)
    sizes = {s.table: s for s in fakehouse.estimate("retail", 0.05, seed=11)}
    manifest = json.loads((retail_warehouse / "fakehouse.json").read_text())
    for table, rows in manifest["domains"]["retail"]["rows"].items():
        assert rows * 0.9 <= sizes[table].rows <= rows * 1.1, table
        parquet = sum(
            p.stat().st_size
            for p in (retail_warehouse / "retail_analytics" / table).glob("*.parquet")
        )
        assert parquet * 0.8 <= sizes[table].parquet <= parquet * 2.5, table


def test_planning_reports_progress(tmp_path):
    seen = []
    fakehouse.generate(
        "retail",
        multiplier=0.05,
        out=tmp_path / "wh",
        workers=2,
        block_rows=500,
        on_planning=lambda schema, done, total: seen.append((schema, done, total)),
    )
    assert seen and {s for s, _, _ in seen} == {"retail_analytics"}
    assert [d for _, d, _ in seen] == sorted(d for _, d, _ in seen)
    assert seen[-1][1] == seen[-1][2] > 1


def test_everything_a_spark_or_local_warehouse_holds_is_ours(tmp_path):
    """What the engines write at the top of a warehouse (catalogs, logs, exports, the Spark
    metastore and settings) never makes --overwrite refuse it."""
    out = tmp_path / "wh"
    fakehouse.generate("retail", multiplier=0.01, out=out, workers=1, formats=("csv",))
    for name in ("metastore_db", "spark-warehouse", "conf"):
        (out / name).mkdir()
    for name in ("derby.log", "spark.log", "warehouse.duckdb.wal"):
        (out / name).write_text("")
    assert target.foreign_entries(out) == []
    code, err = cli("generate", "retail", "-m", "0.01", "-o", str(out), "-q", "--overwrite")
    assert code in (0, None), err


def test_every_estimate_samples_real_rows():
    """A table that emits its rows with the first driver row of a group (the bank's
    transactions: groups of 256 customers) gets a sample wide enough to hold some: an empty
    sample once priced 30 M transactions at 196 GB."""
    for multiplier in (1, 50):
        for size in fakehouse.estimate("financial", multiplier):
            assert size.parquet / size.rows < 200, (multiplier, size)
