"""The generic checks come from the declarations alone: a table declared here, with a key,
ids, a unique column and a reference, gets them, they pass on data that honours the
declaration, and each fails on data broken for it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from fakehouse.catalog.duckdb import FILE
from fakehouse.core import contract
from fakehouse.core.table import Column, Domain, Table
from fakehouse.domains import registry
from fakehouse.quality import checks as q
from tests.quality import breaking

S = "tiny"


def _no_block(ctx, start, stop, first_row):
    raise AssertionError("not generated")


PARENTS = Table(
    name="parents",
    description="Parents.",
    base_rows=3,
    block=_no_block,
    primary_key=("parent_id",),
    columns=(
        Column("parent_id", pa.string(), "Key.", unique=True, id_prefix="PAR"),
        Column("code", pa.string(), "A code of its own.", unique=True),
        Column("born", pa.date32(), "Day of birth."),
    ),
)
CHILDREN = Table(
    name="children",
    description="Children: lines of a parent.",
    base_rows=0,
    block=_no_block,
    primary_key=("parent_id", "line"),
    columns=(
        Column("parent_id", pa.string(), "The parent.", references="parents.parent_id"),
        Column("line", pa.int32(), "1.. within the parent."),
        Column("visit_id", pa.string(), "Visit.", id_prefix="VIS"),
        Column("note", pa.string(), "Optional.", nullable=True),
    ),
)
TINY = Domain("tiny", S, "A domain declared in a test.", (PARENTS, CHILDREN), params_type=dict)

DERIVED = {
    "parents.required_columns",
    "parents.column_types",
    "parents.not_null",
    "parents.parent_id_dense",
    "parents.code_unique",
    "children.required_columns",
    "children.column_types",
    "children.not_null",
    "children.key_unique",
    "children.visit_id_dense",
    "children.parent_id_fk",
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog whose tables honour the declarations."""
    out = tmp_path_factory.mktemp("tiny")
    parent_ids = PARENTS.ids(np.arange(3))
    data = {
        PARENTS: {
            "parent_id": parent_ids,
            "code": pa.array(["a", "b", "c"]),
            "born": pa.array([0, 1, 2], pa.int32()).cast(pa.date32()),
        },
        CHILDREN: {
            "parent_id": parent_ids.take([0, 0, 2]),
            "line": np.array([1, 2, 1], dtype=np.int32),
            "visit_id": pa.array(["VIS1", "VIS1", "VIS2"]),
            "note": pa.array([None, "x", None], pa.string()),
        },
    }
    with duckdb.connect(str(out / FILE)) as con:
        con.execute(f"CREATE SCHEMA {S}")
        for table, columns in data.items():
            con.register("batch", pa.Table.from_batches([table.batch(columns)]))
            con.execute(f"CREATE TABLE {S}.{table.name} AS SELECT * FROM batch")
    return out


def test_the_generic_checks_are_derived_from_the_declarations():
    assert {c.name for c in contract.domain_checks(TINY)} == DERIVED


def test_they_pass_on_data_that_honours_the_declarations(warehouse: Path):
    with duckdb.connect(str(warehouse / FILE), read_only=True) as con:
        results = q.run(con, contract.domain_checks(TINY), S, None)
    assert not breaking.failures(results)


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_each_fails_on_data_broken_for_it(name: str, warehouse: Path, tmp_path: Path):
    check = {c.name: c for c in contract.domain_checks(TINY)}[name]
    statement = breaking.generic_breaks(S, TINY)[name]
    before, after = breaking.before_and_after(warehouse, tmp_path, check, statement, S, None)
    assert before.passed
    assert after.value is not None, after.shown_value  # computed, not an SQL error
    assert not after.passed, f"{name} still passes: {after.shown_value}"


def test_declarations_that_contradict_themselves_are_refused():
    key = Column("k", pa.string(), "Key.", unique=True)
    with pytest.raises(ValueError, match="primary key names no column"):
        Table("t", "T.", (key,), 1, _no_block, primary_key=("nope",))
    with pytest.raises(ValueError, match="not unique"):
        Table("t", "T.", (Column("k", pa.string(), "Key."),), 1, _no_block, primary_key=("k",))
    with pytest.raises(ValueError, match=r"references must be 'table\.column'"):
        Column("p", pa.string(), "Parent.", references="parents")
    orphan = Table("t", "T.", (key, Column("p", pa.string(), "P.", references="x.k")), 1, _no_block)
    with pytest.raises(ValueError, match=r"references x\.k, not a unique column"):
        Domain("d", "d", "D.", (orphan,), params_type=dict)


@pytest.mark.parametrize("name", registry.known())
def test_key_descriptions_state_the_declared_ids(name: str):
    """Key columns describe their ids in words; the words must match the declaration."""
    for t in registry.domain(name).tables:
        if t.id_prefix:
            key = t.column(t.primary_key[0])
            assert f"{t.id_prefix} + {t.id_width} digits" in key.description, t.name
