import itertools

import numpy as np

from fakehouse.core.plan import plan, ranges
from fakehouse.core.table import Context
from fakehouse.domains.registry import domain


def test_ranges_cover_without_overlap():
    assert ranges(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert ranges(0, 4) == []


def test_two_pass_offsets_are_dense_and_independent_of_block_size():
    ctx = Context.create(domain("retail"), seed=3, multiplier=0.05)
    items = domain("retail").table("transaction_items")
    small = plan(ctx, [items], block_rows=500)[items.name]
    large = plan(ctx, [items], block_rows=50_000)[items.name]
    for tasks in (small, large):
        firsts = [t.first_row for t in tasks]
        assert firsts[0] == 0
        assert all(a.first_row + a.rows == b.first_row for a, b in itertools.pairwise(tasks))
    total = sum(t.rows for t in small)
    assert total == sum(t.rows for t in large)
    assert total == int(np.sum(items.counts(ctx, 0, ctx.sizes["transactions"])))
