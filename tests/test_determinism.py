"""Same seed and multiplier, same data: whatever the workers, the block size or the engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import fakehouse
from tests.checksums import digests, read

GOLDEN = Path(__file__).parent / "golden" / "retail_m0.01_seed42.json"


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("det") / "a"
    fakehouse.generate("retail", multiplier=0.03, seed=5, out=out, workers=1)
    return out


def test_two_workers_and_small_blocks_give_identical_tables(reference, tmp_path):
    other = tmp_path / "b"
    fakehouse.generate("retail", multiplier=0.03, seed=5, out=other, workers=2, block_rows=997)
    # many more part files, same content
    assert len(list((other / "retail_analytics" / "transaction_items").glob("*.parquet"))) > 3
    assert digests(other) == digests(reference)


def test_another_seed_gives_other_data(reference, tmp_path):
    other = tmp_path / "c"
    fakehouse.generate("retail", multiplier=0.03, seed=6, out=other, workers=2)
    a, b = digests(reference), digests(other)
    assert all(a[name] != b[name] for name in a)


def test_pinned_values_of_a_small_warehouse(tmp_path):
    """A change of generated data must be made on purpose: update the golden file with
    `python -m tests.golden` and say why in the commit."""
    out = tmp_path / "g"
    fakehouse.generate("retail", multiplier=0.01, seed=42, out=out, workers=2)
    golden = json.loads(GOLDEN.read_text())
    assert golden["digests"] == digests(out)
    first = {
        t: read(out, "retail_analytics", t).slice(0, 1).to_pylist()[0] for t in golden["first_rows"]
    }
    assert json.loads(json.dumps(first, default=str)) == golden["first_rows"]
