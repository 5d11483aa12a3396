"""The ramps of the sales model that a warehouse shows only at scale: a new store's traffic
and a new product's sales rise after their start, a discontinued product's fade before its
end, and the sales that reach them follow. (Properties of a whole warehouse, such as sales
from stock or staff gone from closed stores, are `validate` checks: tests/quality.)"""

from __future__ import annotations

import numpy as np

from fakehouse.config import parameters
from fakehouse.core.table import Context
from fakehouse.domains.retail import DOMAIN, products, sales, stores


def context(multiplier: float = 1.0, **config) -> Context:
    return Context.create(DOMAIN, 5, multiplier, parameters(DOMAIN, config))


def test_a_new_store_ramps_up_from_its_opening_day():
    ctx = context()
    p = ctx.params.stores
    every = np.arange(ctx.sizes[stores.NAME], dtype=np.int64)
    new = every[stores.profile(ctx).opening[every] > ctx.window.start_day + 30]
    new = new[stores.profile(ctx).closing[new] == stores.NEVER]
    assert len(new)
    opened = stores.profile(ctx).opening[new]
    assert (stores.trading(ctx, new, opened - 1) == 0).all()  # closed before it opens
    assert np.allclose(stores.trading(ctx, new, opened), p.ramp_start)
    half = stores.trading(ctx, new, opened + p.ramp_days // 2)
    assert np.allclose(half, p.ramp_start + (1 - p.ramp_start) / 2, atol=0.01)
    assert (stores.trading(ctx, new, opened + p.ramp_days) == 1).all()


def test_new_stores_sell_less_in_their_first_weeks():
    ctx = context()
    basket = sales.baskets(ctx, np.arange(ctx.sizes[sales.NAME], dtype=np.int64))
    placed = basket.store
    physical = placed >= stores.online_count(ctx)
    store, day = placed[physical], basket.day[physical]
    opened = stores.profile(ctx).opening[store]
    young = (opened > ctx.window.start_day) & (opened + 360 < ctx.window.end_day)
    age = day[young] - opened[young]
    first = np.sum(age < 60) / 60
    settled = np.sum((age >= 240) & (age < 360)) / 120
    assert first < 0.75 * settled  # about 0.5 of full traffic on average over 60 days


def test_products_ramp_up_after_launch_and_fade_out_before_discontinuation():
    ctx = context()
    p = ctx.params.products
    rank = np.arange(ctx.sizes[products.NAME], dtype=np.int64)
    product = products.by_rank(ctx, rank)
    launch = products.launch_day(ctx, product, rank)
    gone = products.discontinued_day(ctx, product, rank, launch)
    new = np.flatnonzero((launch > ctx.window.start_day) & (gone == products.NEVER))
    dropped = np.flatnonzero(
        (gone != products.NEVER) & (launch + p.launch_ramp_days < gone - p.fade_days)
    )
    assert len(new) and len(dropped)

    def rate(rows: np.ndarray, day: np.ndarray) -> np.ndarray:
        return products.on_sale(ctx, rank[rows], day)[1]

    assert (rate(new, launch[new] - 1) == 0).all()
    assert (rate(new, launch[new] + p.launch_ramp_days // 2) < 0.6).all()
    assert (rate(new, launch[new] + p.launch_ramp_days) == 1).all()
    assert (rate(dropped, gone[dropped] - p.fade_days // 2) < 0.6).all()
    assert (rate(dropped, gone[dropped] + 1) == 0).all()
    assert (rate(dropped, gone[dropped] - p.fade_days) == 1).all()
    top = np.arange(products.always_on_sale(ctx))  # the best sellers never stop
    assert (products.on_sale(ctx, top, np.full(len(top), ctx.window.end_day))[1] == 1).all()
