"""The store checks that need a warehouse of some size to say anything: at multiplier 1 they
measure the ramp and the population's pull (not their small-warehouse fallbacks), and the
population check follows the configured elasticity."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakehouse import api
from fakehouse.quality import checks as q

NAMES = ("stores.sales_by_population", "stores.new_stores_ramp_up")


def measured(out: Path, **config) -> dict[str, q.Result]:
    api.generate("retail", multiplier=1.0, seed=3, out=out, workers=2, config=config or None)
    return {r.check.name: r for r in q.validate(out) if r.check.name in NAMES}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, q.Result]:
    return measured(tmp_path_factory.mktemp("stores") / "w")


def test_sales_follow_the_zip_codes_population(results):
    pull = results["stores.sales_by_population"]
    assert pull.passed, (pull.shown_value, pull.expected)
    assert pull.value != 0.25  # measured: more than 10 stores share a state and a type
    assert 0.15 < pull.value < 0.35


def test_new_stores_ramp_up(results):
    ramp = results["stores.new_stores_ramp_up"]
    assert ramp.passed, (ramp.shown_value, ramp.expected)
    assert 0 < ramp.value < 0.75  # new stores traded both spans; about 0.5 is configured


def test_without_a_population_pull_the_check_expects_none(tmp_path):
    pull = measured(tmp_path / "w", stores={"population_elasticity": 0.0})[NAMES[0]]
    assert pull.passed, (pull.shown_value, pull.expected)
    assert abs(pull.value) < 0.05
