"""Same seed and multiplier, same data: whatever the workers or the block size; and the data
of each domain at default parameters is pinned (golden files, see tests/golden.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import fakehouse
from fakehouse.domains import registry
from fakehouse.manifest import Manifest
from tests import golden
from tests.checksums import digests

#: a multiplier per domain small enough to be quick and large enough for many blocks
MULTIPLIERS = {"retail": 0.03, "financial": 0.3}
#: runs compared with one worker and the default block size: workers, and the block size as
#: a fraction of the largest table (made odd, so that blocks never align with round numbers)
RUNS = {"2 workers": (2, 1 / 9), "7 workers": (7, 1 / 4)}


def run(domain: str, out: Path, **kwargs) -> Path:
    fakehouse.generate(domain, multiplier=MULTIPLIERS.get(domain, 0.05), out=out, **kwargs)
    return out


def assert_same_data(expected: Path, found: Path) -> None:
    """Equal checksums, or the first differing row."""
    if digests(found) != digests(expected):
        difference = golden.first_difference(golden.snapshot(expected), golden.snapshot(found))
        pytest.fail(difference or "checksums differ")


def odd_blocks(reference: Path, fraction: float) -> int:
    largest = max(r for d in Manifest.read(reference).domains.values() for r in d.rows.values())
    return int(largest * fraction) // 2 * 2 + 1


@pytest.fixture(scope="module", params=registry.known())
def reference(request, tmp_path_factory) -> tuple[str, Path]:
    domain = request.param
    out = tmp_path_factory.mktemp(f"det-{domain}") / "one-worker"
    return domain, run(domain, out, seed=5, workers=1)


@pytest.mark.parametrize("case", list(RUNS))
def test_workers_and_block_sizes_give_identical_tables(reference, case, tmp_path):
    domain, expected = reference
    workers, fraction = RUNS[case]
    blocks = odd_blocks(expected, fraction)
    out = run(domain, tmp_path / "other", seed=5, workers=workers, block_rows=blocks)
    schema = next(p for p in Path(out).iterdir() if p.is_dir())
    assert max(len(list(t.glob("*.parquet"))) for t in schema.iterdir()) > 3  # several blocks
    assert_same_data(expected, out)


def test_another_seed_gives_other_data(reference, tmp_path):
    domain, expected = reference
    a, b = digests(expected), digests(run(domain, tmp_path / "seed", seed=6, workers=2))
    assert a.keys() == b.keys()
    assert all(a[name] != b[name] for name in a)


@pytest.mark.parametrize("domain", golden.DOMAINS)
def test_pinned_values_of_a_small_warehouse(domain, tmp_path):
    """A change of generated data must be made on purpose: rewrite the golden files with
    `python -m tests.golden` and say why in the commit."""
    assert golden.path(domain).is_file(), f"no golden file: python -m tests.golden {domain}"
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
