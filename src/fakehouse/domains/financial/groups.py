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
#: base rows at multiplier 1 of the tables whose totals are allocated over groups
BASE = {
    "accounts": 20_000,
    "credit_cards": 5_000,
    "loans": 3_000,
    "transactions": 100_000,
    "fraud_cases": 1_000,
}


def size(ctx: Context) -> int:
    return ctx.params.customers.group_size


def count(ctx: Context) -> int:
    return -(-ctx.sizes[CUSTOMERS] // size(ctx))


def allocation(ctx: Context, table: str) -> Allocation:
    return Allocation(scaled(BASE[table], ctx.multiplier), ctx.sizes[CUSTOMERS], size(ctx))


def customers(ctx: Context, g0: int, g1: int) -> np.ndarray:
    """Customer indices of groups [g0, g1)."""
    g = size(ctx)
    return np.arange(g0 * g, min(g1 * g, ctx.sizes[CUSTOMERS]), dtype=np.int64)
