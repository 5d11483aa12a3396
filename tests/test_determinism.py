"""Same seed and multiplier, same data: whatever the workers or the block size; and the data
of each domain at default parameters is pinned (golden files, see tests/golden.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import fakehouse
from tests import golden
from tests.checksums import digests

#: per domain: a multiplier at which odd block sizes cut every table into several blocks
MULTIPLIERS = {"retail": 0.03, "financial": 0.3}
#: runs compared with one worker and the default block size
RUNS = {
    "2 workers, blocks of 997 rows": {"workers": 2, "block_rows": 997},
    "7 workers, blocks of 1,999 rows": {"workers": 7, "block_rows": 1_999},
}


@pytest.fixture(scope="module", params=list(MULTIPLIERS))
def reference(request, tmp_path_factory) -> tuple[str, Path]:
    domain = request.param
    out = tmp_path_factory.mktemp(f"det-{domain}") / "one-worker"
    fakehouse.generate(domain, multiplier=MULTIPLIERS[domain], seed=5, out=out, workers=1)
    return domain, out


def assert_same_data(expected: Path, found: Path) -> None:
    """Equal checksums, or the first differing row."""
    if digests(found) != digests(expected):
        difference = golden.first_difference(golden.snapshot(expected), golden.snapshot(found))
        pytest.fail(difference or "checksums differ")


@pytest.mark.parametrize("run", list(RUNS))
def test_workers_and_block_sizes_give_identical_tables(reference, run, tmp_path):
    domain, expected = reference
    out = tmp_path / "other"
    fakehouse.generate(domain, multiplier=MULTIPLIERS[domain], seed=5, out=out, **RUNS[run])
    schema = next(iter(Path(out).glob("*_analytics")))
    assert max(len(list(t.glob("*.parquet"))) for t in schema.iterdir()) > 3  # several blocks
    assert_same_data(expected, out)


def test_another_seed_gives_other_data(reference, tmp_path):
    domain, expected = reference
    out = tmp_path / "seed"
    fakehouse.generate(domain, multiplier=MULTIPLIERS[domain], seed=6, out=out, workers=2)
    a, b = digests(expected), digests(out)
    assert a.keys() == b.keys()
    assert all(a[name] != b[name] for name in a)


@pytest.mark.parametrize("domain", golden.DOMAINS)
def test_pinned_values_of_a_small_warehouse(domain, tmp_path):
    """A change of generated data must be made on purpose: rewrite the golden files with
    `python -m tests.golden` and say why in the commit."""
    out = golden.generate(domain, tmp_path / "g", workers=2)
    difference = golden.first_difference(golden.load(domain), golden.snapshot(out))
    assert difference is None, difference


def test_the_golden_comparison_names_the_first_differing_row():
    expected = {"tables": {"s.t": {"id": ["A", "B", "C"], "x": [1, 2, 3], "y": [5, 6, 7]}}}
    found = {"tables": {"s.t": {"id": ["A", "B", "C"], "x": [1, 2, 4], "y": [5, 9, 8]}}}
    assert golden.first_difference(expected, expected) is None
    assert golden.first_difference(expected, found) == (
        "s.t row 1 (0-based) differs first: y: expected 6, found 9"
    )
    shorter = {"tables": {"s.t": {"id": ["A", "B"], "x": [1, 2], "y": [5, 6]}}}
    assert golden.first_difference(expected, shorter) == (
        "s.t: expected 3 rows, found 2 (the common rows agree)"
    )
    renamed = {"tables": {"s.u": expected["tables"]["s.t"]}}
    assert "tables differ" in golden.first_difference(expected, renamed)
