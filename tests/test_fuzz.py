"""The command line under careless input: whatever the arguments, manifest or catalog, it ends
with exit code 0, 1 or 2 and never a traceback; an error is one line that is not a bug's."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakehouse.cli import main

FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def run(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return code, err.getvalue()


def assert_clean(code: int, err: str) -> None:
    assert code in (0, 1, 2), err
    assert "Traceback" not in err, err
    assert "fakehouse bug" not in err, err  # every failure here is one we foresaw
    if code == 2:
        assert err.strip() and err.startswith("error: "), err


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory) -> Path:
    import fakehouse

    out = tmp_path_factory.mktemp("fuzz") / "wh"
    fakehouse.generate("retail", multiplier=0.005, out=out, workers=1)
    return out


WORDS = st.sampled_from(
    [
        "-m", "--multiplier", "0", "-1", "abc", "nan", "inf", "1e9", "0.001", "0.002", "--seed",
        "x", "-5", "--workers", "0", "1", "--format", "csv", "json", "xml", "-f", "--overwrite",
        "--dry-run", "-q", "--quiet", "--engine", "local", "--block-rows", "7", "-t", "customers",
        "--markdown", "--dialect", "duckdb", "--output", "table", "SELECT 1", "SELECT nope",
        "COPY (SELECT 1) TO 'x.csv'", "retail", "financial", "all", "shop", "--help", "",
        "-w", "-o", "--unknown", "ü", "\x00",
    ]
)  # fmt: skip
COMMANDS = st.sampled_from(["generate", "sql", "validate", "tables", "nope", "--version"])


@FAST
@given(command=COMMANDS, words=st.lists(WORDS, max_size=6), where=st.sampled_from(["a", "b"]))
def test_any_argument_list_ends_cleanly(tmp_path, small_warehouse, command, words, where):
    folder = tmp_path / where
    # paths land in the test's folder, the warehouse's or a fresh one; never the user's
    args = [command]
    for word in words:
        args.append(word)
        if word in ("-o", "-w"):
            args.append(str(small_warehouse if word == "-w" else folder))
    if command == "generate":
        args += ["-o", str(folder), "--workers", "1", "-q"]
    code, err = run(args)
    assert_clean(code, err)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=12,
)


def manifest_variants(real: dict) -> st.SearchStrategy[str]:
    """Broken takes on a real manifest: other JSON, a part replaced, or not JSON at all."""

    def replace(path_value):
        path, value = path_value
        broken = json.loads(json.dumps(real))
        node = broken
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return json.dumps(broken)

    paths = [
        ["domains"], ["domains", "retail"], ["domains", "retail", "schema"],
        ["domains", "retail", "params"], ["domains", "retail", "seed"],
        ["domains", "retail", "rows"], ["fakehouse_version"],
    ]  # fmt: skip
    return st.one_of(
        JSON.map(json.dumps),
        st.tuples(st.sampled_from(paths), JSON).map(replace),
        st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    )


@FAST
@given(data=st.data())
def test_a_corrupt_manifest_ends_cleanly(tmp_path, small_warehouse, data):
    copy = tmp_path / "wh"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(small_warehouse, copy)
    real = json.loads((copy / "fakehouse.json").read_text())
    (copy / "fakehouse.json").write_text(data.draw(manifest_variants(real)))
    command = data.draw(st.sampled_from(["validate", "sql", "generate"]))
    if command == "generate":
        args = ["generate", "retail", "-m", "0.001", "-o", str(copy), "--overwrite", "-q"]
    elif command == "sql":
        args = ["sql", "-w", str(copy), "SELECT count(*) FROM retail_analytics.stores"]
    else:
        args = ["validate", "-w", str(copy)]
    assert_clean(*run(args))


@FAST
@given(data=st.data())
def test_a_corrupt_catalog_ends_cleanly(tmp_path, small_warehouse, data):
    copy = tmp_path / "wh"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(small_warehouse, copy)
    catalog = copy / "warehouse.duckdb"
    content = catalog.read_bytes()
    how = data.draw(st.sampled_from(["truncate", "flip", "empty", "garbage"]))
    if how == "truncate":
        content = content[: data.draw(st.integers(0, len(content) - 1))]
    elif how == "flip":
        at = data.draw(st.integers(0, len(content) - 1))
        content = content[:at] + bytes([content[at] ^ 0xFF]) + content[at + 1 :]
    elif how == "empty":
        content = b""
    else:
        content = data.draw(st.binary(min_size=1, max_size=5000))
    catalog.write_bytes(content)
    command = data.draw(st.sampled_from(["validate", "sql"]))
    args = (
        ["validate", "-w", str(copy)]
        if command == "validate"
        else ["sql", "-w", str(copy), "SELECT count(*) FROM retail_analytics.customers"]
    )
    assert_clean(*run(args))
