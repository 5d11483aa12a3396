"""Customer groups: the unit that exact totals are split over and that blocks never split.

Customers are cut into groups of `group_size` consecutive indices. Every table with a fixed
total (accounts, credit cards, loans, transactions, fraud cases) gets a per-group share by a
prefix formula (`core.segments.Allocation`), a pure function of the group index. A group's
accounts and transactions are generated together, from the group's own streams, so the data
never depend on how the engine cuts blocks or how many workers run.
"""

from __future__ import annotations

import numpy as np

from fakehouse.core.segments import Allocation
from fakehouse.core.table import Context, scaled

CUSTOMERS = "customers"


def size(ctx: Context) -> int:
    return ctx.params.customers.group_size


def count(ctx: Context) -> int:
    return -(-ctx.sizes[CUSTOMERS] // size(ctx))


def allocation(ctx: Context, table: str) -> Allocation:
    """`table`'s rows (its base rows x multiplier) dealt out over the groups."""
    total = scaled(ctx.base_rows(table), ctx.multiplier)
    return Allocation(total, ctx.sizes[CUSTOMERS], size(ctx))


def customers(ctx: Context, g0: int, g1: int) -> np.ndarray:
    """Customer indices of groups [g0, g1)."""
    g = size(ctx)
    return np.arange(g0 * g, min(g1 * g, ctx.sizes[CUSTOMERS]), dtype=np.int64)
