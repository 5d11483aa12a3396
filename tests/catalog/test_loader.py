"""The catalog loader: tables loaded on several threads keep their rows in part order, whatever
order the parts arrive in, across schemas; a failed part stops the load with one line."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import fakehouse
from fakehouse.catalog import duckdb as catalog
from fakehouse.domains.registry import domain
from fakehouse.errors import UserError


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """Both domains in blocks of 600 rows: most tables have several parts."""
    out = tmp_path_factory.mktemp("loader") / "w"
    fakehouse.generate("all", multiplier=0.02, seed=4, out=out, workers=2, block_rows=600)
    return out


def parts(root: Path) -> list[tuple]:
    found = []
    for name in ("retail", "financial"):
        d = domain(name)
        for table in d.tables:
            files = sorted((root / d.schema / table.name).glob("part-*.parquet"))
            found += [(d, table, i, len(files)) for i in range(len(files))]
    return found


def test_parts_arriving_in_any_order_load_in_part_order(warehouse, tmp_path):
    root = tmp_path / "copy"
    for d in (domain("retail"), domain("financial")):
        shutil.copytree(warehouse / d.schema, root / d.schema)
    given = parts(root)
    assert max(n for *_, n in given) > 3  # the case: tables of several parts
    random.Random(1).shuffle(given)
    loader = catalog.Loader(root)
    for item in given:
        loader.part(*item)
    loader.close()

    with duckdb.connect(str(root / catalog.FILE), read_only=True) as con:
        for d, table, part, _ in given:
            if part:
                continue
            files = sorted((root / d.schema / table.name).glob("part-*.parquet"))
            expected = pa.concat_tables([pq.read_table(f) for f in files])
            key = table.columns[0].name
            loaded = con.execute(f"SELECT {key} FROM {d.schema}.{table.name}").fetchall()
            assert [row[0] for row in loaded] == expected.column(key).to_pylist(), table.name
            (comment,) = con.execute(
                "SELECT comment FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                [d.schema, table.name],
            ).fetchone()
            assert comment == table.description


def test_a_part_that_cannot_be_read_fails_the_load_in_one_line(warehouse, tmp_path):
    root = tmp_path / "copy"
    d = domain("retail")
    shutil.copytree(warehouse / d.schema, root / d.schema)
    table = d.table("transactions")
    (root / d.schema / table.name / "part-00001.parquet").write_bytes(b"not parquet")
    loader = catalog.Loader(root)
    count = len(list((root / d.schema / table.name).glob("part-*.parquet")))
    with pytest.raises(UserError, match=r"^loading the catalog failed: ") as info:
        for part in range(count):
            loader.part(d, table, part, count)
        loader.close()
    assert "\n" not in str(info.value)
