"""The web clickstream's model: order sessions are online orders, the session kinds follow the
parameters, and a session is the same whatever block it is generated in. (Properties of a
whole warehouse, such as add to cart after a view, are `validate` checks: tests/quality.)"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pytest

from fakehouse.config import parameters
from fakehouse.core.table import Context
from fakehouse.domains.retail import DOMAIN, behavior, sales
from fakehouse.domains.retail.params import SEGMENTS


def context(multiplier: float = 0.2, **config) -> Context:
    return Context.create(DOMAIN, 5, multiplier, parameters(DOMAIN, config))


def sessions(ctx: Context) -> np.ndarray:
    return np.arange(ctx.sizes[behavior.NAME], dtype=np.int64)


def test_order_sessions_are_distinct_online_orders_with_their_facts():
    ctx = context()
    found = behavior.orders(ctx, sessions(ctx))
    bought = found.sale >= 0
    assert bought.sum() == round(0.03 * ctx.sizes[behavior.NAME])  # every order slot found one
    assert (found.slotted == bought).all()
    sold = sales.sales(ctx, found.sale[bought])
    assert sold.online.all()
    assert (sold.customer == found.customer[bought]).all()
    assert (sold.seconds == found.seconds[bought]).all()
    assert (sold.items == found.items[bought]).all()
    assert len(np.unique(found.sale[bought])) == bought.sum()


def test_the_sampled_orders_are_spread_over_all_sales():
    ctx = context(1.0)
    found = behavior.orders(ctx, sessions(ctx))
    position = found.sale[found.sale >= 0] / ctx.sizes[sales.NAME]
    quarters = np.histogram(position, bins=4, range=(0, 1))[0] / len(position)
    assert quarters == pytest.approx([0.25] * 4, abs=0.05)


def test_session_kinds_follow_the_parameters():
    ctx = context(
        1.0, behavior={"conversion_rate": 0.02, "bounce_rate": 0.3, "cart_abandonment": 0.8}
    )
    f = behavior.funnel(ctx, sessions(ctx))
    share = lambda kind: np.mean(f.kind == kind)  # noqa: E731
    assert share(behavior.ORDER) == pytest.approx(0.02, abs=0.001)
    assert share(behavior.BOUNCE) == pytest.approx(0.3, abs=0.01)
    carts = share(behavior.CART)
    assert carts / (carts + share(behavior.ORDER)) == pytest.approx(0.8, abs=0.02)
    assert (f.events[f.kind == behavior.BOUNCE] == 1).all()
    assert (f.events[f.kind != behavior.BOUNCE] > 1).all()
    assert (f.purchase == (f.kind == behavior.ORDER)).all()
    assert (f.events <= behavior.MAX_EVENTS).all()


def test_without_online_sales_order_slots_browse():
    ctx = context(0.1, segments={s: {"online_share": 0} for s in SEGMENTS})
    f = behavior.funnel(ctx, sessions(ctx))
    assert not (f.kind == behavior.ORDER).any()
    slotted = f.order.slotted
    assert slotted.sum() == round(0.03 * ctx.sizes[behavior.NAME])
    assert (f.kind[slotted] == behavior.BROWSE).all() and (f.purchase == 0).all()


def table(ctx: Context, start: int, stop: int, first_row: int) -> pa.Table:
    return pa.Table.from_batches(
        [behavior.TABLE.batch(behavior.block(ctx, start, stop, first_row))]
    )


def test_a_session_is_the_same_whatever_block_it_is_in():
    ctx = context(0.05)
    n = ctx.sizes[behavior.NAME]
    cut = 611
    before = int(behavior.counts(ctx, 0, cut).sum())
    parts = pa.concat_tables([table(ctx, 0, cut, 0), table(ctx, cut, n, before)])
    assert parts.equals(table(ctx, 0, n, 0))
    assert parts.num_rows == int(behavior.counts(ctx, 0, n).sum())


def test_an_order_session_ends_at_its_order_on_the_orders_day():
    ctx = context(0.1)
    events = table(ctx, 0, ctx.sizes[behavior.NAME], 0)
    found = behavior.orders(ctx, sessions(ctx))
    bought = np.flatnonzero(found.sale >= 0)
    kind = np.asarray(events["event_type"].to_pylist())
    session = np.asarray([int(x[3:]) - 1 for x in events["session_id"].to_pylist()])
    seconds = events["event_timestamp"].cast(pa.int64()).to_numpy() // 1_000_000
    purchase = kind == "purchase"
    assert sorted(session[purchase]) == sorted(bought)
    at = dict(zip(session[purchase], seconds[purchase], strict=True))
    assert all(at[s] == found.seconds[s] for s in bought)
    in_order = np.isin(session, bought)
    day = seconds // 86_400
    assert (day[in_order] == found.seconds[session[in_order]] // 86_400).all()


def test_page_urls_are_paths_of_their_page_type():
    urls = behavior.pages().to_pylist()
    assert urls[: len(behavior.FIXED_PAGES)] == list(behavior.FIXED_PAGES)
    listed = urls[len(behavior.FIXED_PAGES) :]
    half = len(listed) // 2
    assert all(re.fullmatch(r"/category/[a-z0-9-]+/[a-z0-9-]+", u) for u in listed[:half])
    assert all(re.fullmatch(r"/search\?q=[a-z0-9+%-]+", u) for u in listed[half:])
    assert "/category/home-garden/kitchen" in listed
    assert "/search?q=bath+%26+body" in listed
    assert len(set(listed[:half])) == half  # a search may repeat: two "Accessories"
