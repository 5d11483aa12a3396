"""The planner's first pass counts each group's ledger rows without simulating them; those
counts must equal what the simulation then produces, or ids and blocks would not line up."""

from __future__ import annotations

import numpy as np
import pytest

from fakehouse.core.table import Context
from fakehouse.domains.financial import DOMAIN, common, groups, layout, ledger


def _simulated_rows(ctx: Context, g0: int, g1: int) -> np.ndarray:
    led = ledger.simulate(ctx, layout.build(ctx, g0, g1))
    return np.bincount(led.layout.account_group[led.rows["acc"]], minlength=g1 - g0)


@pytest.mark.parametrize(("seed", "multiplier"), [(1, 0.01), (2, 0.05), (3, 0.3), (4, 1.0)])
def test_group_rows_match_the_simulation(seed, multiplier):
    ctx = Context.create(DOMAIN, seed, multiplier)
    for g0, g1 in common.customer_groups(ctx, 0, ctx.sizes["customers"]):
        expected = _simulated_rows(ctx, g0, g1)
        np.testing.assert_array_equal(ledger.group_rows(ctx, layout.build(ctx, g0, g1)), expected)


def test_a_group_without_everyday_accounts_is_counted_by_a_dry_run(monkeypatch):
    ctx = Context.create(DOMAIN, 5, 0.1)
    g0, g1 = 0, groups.count(ctx)
    lay = layout.build(ctx, g0, g1)
    expected = _simulated_rows(ctx, g0, g1)
    share = groups.allocation(ctx, "transactions").counts(g0, g1)
    active = ledger.active_groups(ctx, lay)
    monkeypatch.setattr(
        ledger, "active_groups", lambda ctx, lay: active & (np.arange(len(active)) != 1)
    )
    # the dry run counts group 1 itself, and agrees with the simulation
    np.testing.assert_array_equal(ledger.group_rows(ctx, lay), expected)
    assert expected[1] == share[1]
