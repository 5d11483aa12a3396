"""The DuckDB catalog as other tools and broken files meet it: opens in DuckDB 1.1+ tools, and
every way it can fail to open is one line naming the file and the cause, exit code 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pytest

from fakehouse.catalog.duckdb import FILE, HEADER
from fakehouse.cli import main
from tests.conftest import obeying_file_modes

#: bytes 8..12 of a DuckDB file are b"DUCK", then its storage version number (little-endian)
DUCKDB_1_1_STORAGE = 64


def duckdb_cli() -> str:
    """The `duckdb` command of the duckdb-cli package (the test extra installs it)."""
    found = shutil.which("duckdb", path=sysconfig.get_path("scripts")) or shutil.which("duckdb")
    assert found, "no duckdb command line: pip install duckdb-cli (in fakehouse's test extra)"
    return found


def header_checksum(block: bytes) -> int:
    """DuckDB's checksum of a header block: 5381 xor each 8-byte word times a constant."""
    words = np.frombuffer(block, dtype="<u8")
    return int(np.bitwise_xor.reduce(words * np.uint64(0xBF58476D1CE4E5B9)) ^ np.uint64(5381))


@pytest.fixture
def broken(retail_warehouse, tmp_path) -> Path:
    """A copy of the warehouse whose catalog a test then breaks."""
    out = tmp_path / "wh"
    out.mkdir()
    for name in (FILE, "fakehouse.json"):
        shutil.copy(retail_warehouse / name, out / name)
    return out


def one_line_exit_2(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


def both_commands_say(capsys, warehouse: Path, *words: str) -> None:
    """`sql` and `validate` both refuse the catalog in one line naming the file and why."""
    for args in (["sql", "-w", str(warehouse), "SELECT 1"], ["validate", "-w", str(warehouse)]):
        err = one_line_exit_2(capsys, *args)
        assert f"cannot open the catalog {warehouse / FILE}" in err
        for word in words:
            assert word in err, err


def test_the_catalog_is_in_duckdb_1_1s_storage_format(retail_warehouse):
    header = (retail_warehouse / FILE).read_bytes()[:HEADER]
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == DUCKDB_1_1_STORAGE


def test_the_duckdb_command_line_opens_the_catalog_read_only(retail_warehouse):
    result = subprocess.run(
        [duckdb_cli(), "-readonly", "-csv", str(retail_warehouse / FILE), "-c",
         "SELECT COUNT(*) AS n FROM retail_analytics.customers"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", "500"]


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda data: b"", ["not a DuckDB database file"]),
        (lambda data: b"hello, world\n" * 1000, ["not a DuckDB database file"]),
        (lambda data: data[:100], ["truncated"]),
        (lambda data: data[: HEADER + 4096], ["truncated"]),
        (lambda data: data[: len(data) // 2], ["truncated"]),  # opens; found by its size
        (lambda data: data[:4096] + bytes(8192) + data[HEADER:], ["corrupt"]),
    ],
    ids=["empty", "not-duckdb", "cut-in-header", "cut-in-blocks", "cut-in-half", "corrupt"],
)
def test_a_broken_catalog_is_one_line(broken, capsys, damage, words):
    path = broken / FILE
    path.write_bytes(damage(path.read_bytes()))
    both_commands_say(capsys, broken, *words)


def test_a_catalog_from_a_newer_duckdb_says_so(broken, capsys):
    path = broken / FILE
    data = bytearray(path.read_bytes())
    data[12:20] = (999_999).to_bytes(8, "little")
    data[0:8] = header_checksum(bytes(data[8:4096])).to_bytes(8, "little")
    path.write_bytes(bytes(data))
    both_commands_say(capsys, broken, "newer DuckDB", "storage version 999999")


def test_a_damaged_table_block_fails_validate_in_one_line(broken, capsys):
    """Damage that DuckDB finds only when a query reads the block: sql reports it per
    statement, validate stops at the first one instead of failing every check after it."""
    path, data = broken / FILE, (broken / FILE).read_bytes()
    for start in range(len(data) - 256 * 1024, HEADER, -256 * 1024):  # from the last block
        damaged = bytearray(data)
        damaged[start + 1000 : start + 1100] = bytes(100)
        path.write_bytes(bytes(damaged))
        try:
            duckdb.connect(str(path), read_only=True).close()
            break  # this block is data: the file still opens
        except duckdb.Error:
            continue
    err = one_line_exit_2(capsys, "validate", "-w", str(broken))
    assert "cannot read the catalog: it is corrupt" in err


def test_an_unreadable_catalog_is_one_line(broken):
    (broken / FILE).chmod(0)
    command = obeying_file_modes(
        [sys.executable, "-m", "fakehouse", "sql", "-w", str(broken), "SELECT 1"]
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == (
        f"error: cannot open the catalog {broken / FILE}: permission denied (cannot read it)\n"
    )


HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("open", flush=True)
time.sleep(60)
"""


@contextmanager
def hold(path: Path, mode: str) -> Iterator[subprocess.Popen]:
    """Another process with the catalog open (read-write or read-only) while in the block."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), mode], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout.readline().strip() == "open"
            yield holder
        finally:
            holder.kill()


def test_a_catalog_open_read_write_elsewhere_names_the_process(broken, capsys):
    with hold(broken / FILE, "rw") as holder:
        both_commands_say(capsys, broken, f"process {holder.pid}", "duckdb -readonly")


def test_read_only_sessions_share_the_catalog(broken, capsys):
    with hold(broken / FILE, "ro"), pytest.raises(SystemExit) as info:
        main(["sql", "-w", str(broken), "--output", "csv", "SELECT 7 AS n"])
    assert info.value.code == 0
    assert capsys.readouterr().out.split() == ["n", "7"]
