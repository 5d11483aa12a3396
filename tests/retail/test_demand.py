"""The demand side's model: customers buy only while active, campaigns drive sales in their
channel to customers they may reach and report exactly those, and sales end by their channel's
rates. (Whole-warehouse properties are `validate` checks: tests/quality.)"""

from __future__ import annotations

import numpy as np
import pytest

from fakehouse.config import parameters
from fakehouse.core.table import Context
from fakehouse.core.timeline import SECONDS_PER_DAY
from fakehouse.domains.params import ParamsError
from fakehouse.domains.retail import DOMAIN, campaigns, customers, marketing, sales
from fakehouse.domains.retail.params import STATUSES, RetailParams


def context(multiplier: float = 0.2, **config) -> Context:
    return Context.create(DOMAIN, 5, multiplier, parameters(DOMAIN, config))


def all_sales(ctx: Context) -> sales.Sales:
    return sales.sales(ctx, np.arange(ctx.sizes[sales.NAME], dtype=np.int64))


def test_every_sale_falls_inside_its_customers_active_life():
    ctx = context()
    s = all_sales(ctx)
    life = customers.profile(ctx, s.customer)
    day = s.seconds // SECONDS_PER_DAY
    assert life.active_on(day).all()
    assert (day >= life.registered).all()


def test_most_customers_registering_in_the_window_buy_that_day():
    ctx = context()
    s = all_sales(ctx)
    life = customers.profile(ctx, np.arange(ctx.sizes[customers.NAME]))
    new = np.flatnonzero(life.registered >= ctx.window.start_day)
    bought = set(zip(s.customer.tolist(), (s.seconds // SECONDS_PER_DAY).tolist(), strict=True))
    share = np.mean([(int(c), int(life.registered[c])) in bought for c in new])
    assert 0.85 < share < 0.95  # first_purchase_rate 0.9


def test_campaign_sales_are_in_its_channel_during_it_and_reach_only_opted_in_customers():
    ctx = context()
    s = all_sales(ctx)
    rows = np.flatnonzero(s.campaign >= 0)
    assert 0.03 < len(rows) / len(s.campaign) < 0.3
    kind = marketing.campaign_type(ctx, s.campaign[rows])
    start, end = marketing.dates(ctx, s.campaign[rows])
    day = s.seconds[rows] // SECONDS_PER_DAY
    assert ((start <= day) & (day <= end)).all()
    channel = marketing.by_type(ctx, "channel")[kind]
    assert s.online[rows][channel == "Online"].all()
    assert not s.online[rows][channel == "In-Store"].any()
    opt_in_only = marketing.by_type(ctx, "opt_in_only")[kind].astype(bool)
    who = s.customer[rows][opt_in_only]
    assert len(who) and customers.opted_in(ctx, who, customers.segment(ctx, who)).all()


def test_a_campaign_reports_exactly_the_sales_attributed_to_it():
    ctx = context()
    s = all_sales(ctx)
    idx = np.arange(ctx.sizes[campaigns.NAME], dtype=np.int64)
    conversions, revenue, _ = campaigns.results(ctx, idx, marketing.funnel(ctx, idx).target)
    counted = np.bincount(s.campaign[s.campaign >= 0], minlength=len(idx))
    assert (conversions == counted).all() and conversions.sum() > 0
    totals = s.per_sale(s.line_total)
    by_campaign = np.bincount(s.campaign[s.campaign >= 0], totals[s.campaign >= 0], len(idx))
    assert (revenue == np.round(by_campaign).astype(np.int64)).all()


def test_sales_end_by_their_channels_rates():
    ctx = context(
        1.0,
        sales={
            "outcomes": {
                "In-Store": {"cancel_rate": 0.0, "return_rate": 0.0},
                "Online": {"cancel_rate": 0.2, "return_rate": 0.5, "pending_days": [3, 3]},
            }
        },
    )
    s = all_sales(ctx)
    status = np.asarray(STATUSES)[s.status]
    b = sales.baskets(ctx, s.t)
    store, online = b.in_store, ~b.in_store  # the channel drawn sets the rates
    assert (status[store] != "Cancelled").all() and (status[store] != "Returned").all()
    assert 0.17 < np.mean(status[online] == "Cancelled") < 0.23
    day = s.seconds // SECONDS_PER_DAY
    pending = status == "Pending"
    assert pending.any() and (day[pending] > ctx.window.end_day - 3).all()
    returned = status == "Returned"
    assert (s.return_day[returned] > day[returned]).all()
    assert (s.return_day[returned] <= ctx.window.end_day).all()
    assert (s.return_day[~returned] == -1).all()


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ({"sales": {"return_days": [0, 10]}}, "sales"),
        ({"sales": {"outcomes": {"Online": {"pending_days": [-1, 2]}}}}, "sales.outcomes.Online"),
        ({"campaigns": {"types": {"Email": {"channel": "Phone"}}}}, "campaigns.types.Email"),
    ],
)
def test_bad_outcome_and_campaign_parameters_are_named(config, path):
    with pytest.raises(ParamsError) as error:
        RetailParams.parse(config)
    assert next(p for p, _ in error.value.problems).startswith(path)


def test_no_sales_and_campaigns_without_attributed_sales_are_empty_not_errors():
    ctx = context()
    s = sales.sales(ctx, np.zeros(0, dtype=np.int64))
    assert len(s.t) == 0 and len(s.line_total) == 0
    idx = np.arange(3, dtype=np.int64)
    conversions, revenue, margin = campaigns.results(ctx, idx, np.zeros(3, dtype=np.int64))
    assert conversions.tolist() == revenue.tolist() == margin.tolist() == [0, 0, 0]


def test_proposing_the_last_draws_together_gives_the_same_customers(monkeypatch):
    """draw/draw_active propose their tail attempts in one call (TAIL_ROWS): a speed-up
    only, so every event gets the customer it gets one attempt at a time."""
    ctx = context(1.0)
    index = np.arange(20_000, dtype=np.int64)
    stream = ctx.stream("test", "customer")
    day = ctx.window.start_day + index % ctx.window.days
    opt_in = index % 3 == 0

    def both() -> tuple[np.ndarray, np.ndarray]:
        drawn = customers.draw(ctx, stream, index)
        active = customers.draw_active(ctx, stream, index, day, opt_in)
        return drawn.customer, active.customer

    together = both()
    monkeypatch.setattr(customers, "TAIL_ROWS", 0)  # one attempt per call
    alone = both()
    assert (together[1] < 0).any() and (together[1] >= 0).any()  # the tail was reached
    for a, b in zip(together, alone, strict=True):
        np.testing.assert_array_equal(a, b)


def test_pick_registered_gives_the_picked_customers_registration_days():
    ctx = context()
    index = np.arange(5_000, dtype=np.int64)
    stream = ctx.stream("test", "visitor")
    customer, registered = customers.pick_registered(ctx, stream, index)
    np.testing.assert_array_equal(customer, customers.pick(ctx, stream, index))
    np.testing.assert_array_equal(registered, customers.registration_day(ctx, customer))
