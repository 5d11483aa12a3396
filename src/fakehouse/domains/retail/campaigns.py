"""retail_analytics.marketing_campaigns, laid out along the calendar.

Campaign c starts near `first + c * step`, so the campaigns that can be running on a day are
a narrow, computable range of ids: a sale finds an active campaign by checking a few
candidates instead of searching a table. Sales attributed to a campaign get its discount.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.distributions import Categorical
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import calendar

NAME = "marketing_campaigns"
LEAD_DAYS = 60  # campaigns start from this long before the window ...
TAIL_DAYS = 45  # ... until this long after it (planned campaigns)
THEMES = (
    "New Year",
    "Valentine's",
    "Spring",
    "Easter",
    "Mother's Day",
    "Summer",
    "Independence Day",
    "Back to School",
    "Fall",
    "Halloween",
    "Black Friday",
    "Holiday",
)
STATUSES = ("Completed", "Active", "Planned")


def ids(idx: np.ndarray) -> pa.Array:
    return TABLE.ids(idx)


@dataclass(frozen=True)
class Schedule:
    first: int
    step: float
    n: int
    longest: int


def schedule(ctx: Context) -> Schedule:
    w = ctx.window
    n = ctx.sizes[NAME]
    first = w.start_day - LEAD_DAYS
    longest = max(t.duration_days[1] for t in ctx.params.campaigns.types.values())
    return Schedule(first, (w.end_day + TAIL_DAYS - first) / n, n, longest)


def _types(ctx: Context) -> Categorical:
    return Categorical.of({k: t.share for k, t in ctx.params.campaigns.types.items()})


def campaign_type(ctx: Context, idx: np.ndarray) -> np.ndarray:
    return _types(ctx).sample(ctx.stream(NAME, "campaign_type").uniform(idx))


def dates(ctx: Context, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start_day, end_day) of campaigns, both included."""
    sched = schedule(ctx)
    u = ctx.stream(NAME, "start_date").uniform(idx)
    start = sched.first + np.floor((idx + u) * sched.step).astype(np.int64)
    types = ctx.params.campaigns.types
    kind = campaign_type(ctx, idx)
    low = np.array([types[t].duration_days[0] for t in _types(ctx).values])[kind]
    high = np.array([types[t].duration_days[1] for t in _types(ctx).values])[kind]
    length = ctx.stream(NAME, "duration").integers(idx, 0, high - low + 1) + low
    return start, start + length - 1


def discount_rate(ctx: Context, idx: np.ndarray) -> np.ndarray:
    low, high = ctx.params.campaigns.discount_range
    u = ctx.stream(NAME, "discount").uniform(idx)
    return np.round(low + (high - low) * u, 2)


def active_on(ctx: Context, day: np.ndarray, u_pick: np.ndarray, u_reach: np.ndarray) -> np.ndarray:
    """A campaign running on `day` that reached the sale, or -1."""
    sched = schedule(ctx)
    span = math.ceil(sched.longest / sched.step) + 1
    newest = np.floor((day - sched.first) / sched.step).astype(np.int64)
    candidate = newest - np.floor(u_pick * span).astype(np.int64)
    valid = (candidate >= 0) & (candidate < sched.n)
    candidate = np.where(valid, candidate, 0)
    start, end = dates(ctx, candidate)
    hit = valid & (start <= day) & (day <= end) & (u_reach < ctx.params.sales.campaign_reach)
    return np.where(hit, candidate, -1)


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.campaigns
    idx = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    types = _types(ctx)
    kind = campaign_type(ctx, idx)
    first, last = dates(ctx, idx)
    end = ctx.window.end_day
    status = np.select([last < end, first <= end], [0, 1], 2)
    year, month, _, _ = calendar(first)
    spec = [p.types[t] for t in types.values]
    budget_median = np.array([t.budget_median for t in spec])[kind]
    budget = np.round(budget_median * np.exp(p.budget_sigma * s("budget").normal(idx)), -2)
    elapsed = np.clip((end - first + 1) / (last - first + 1), 0.0, 1.0)
    pace = 0.75 + 0.3 * s("spend").uniform(idx)
    spend = np.round(budget * pace * np.select([status == 0, status == 1], [1.0, elapsed], 0.0), 2)
    cpm = np.array([t.cpm for t in spec])[kind]
    impressions = np.round(spend / cpm * 1_000).astype(np.int64)
    true_ctr = np.array([t.ctr for t in spec])[kind] * np.exp(0.25 * s("ctr").normal(idx))
    clicks = np.round(impressions * np.minimum(true_ctr, 1.0)).astype(np.int64)
    low, high = p.conversion_rate
    conversions = np.round(clicks * (low + (high - low) * s("conversion").uniform(idx)))
    conversions = conversions.astype(np.int64)
    order_value = p.order_value_median * np.exp(0.3 * s("order_value").normal(idx))
    revenue = np.round(conversions * order_value, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ctr = arrow.array(clicks / impressions, mask=impressions == 0)
        conversion_rate = arrow.array(conversions / clicks, mask=clicks == 0)
        roi = arrow.array((revenue - spend) / spend, mask=spend == 0)
    name = arrow.join(
        arrow.labels(THEMES, month - 1),
        arrow.labels(types.values, kind),
        arrow.number_strings(year),
        sep=" ",
    )
    return {
        "campaign_id": ids(idx),
        "campaign_name": name,
        "campaign_type": arrow.labels(types.values, kind),
        "start_date": arrow.dates(first),
        "end_date": arrow.dates(last),
        "discount_rate": discount_rate(ctx, idx),
        "budget": arrow.money(np.round(budget * 100).astype(np.int64)),
        "actual_spend": arrow.money(np.round(spend * 100).astype(np.int64)),
        "impressions": impressions,
        "clicks": clicks,
        "conversions": conversions,
        "revenue_generated": arrow.money(np.round(revenue * 100).astype(np.int64)),
        "ctr": ctr,
        "conversion_rate": conversion_rate,
        "roi": roi,
        "status": arrow.labels(STATUSES, status),
    }


TABLE = Table(
    name=NAME,
    description="Marketing campaigns spread over the calendar; sales during one may use it.",
    base_rows=500,
    block=block,
    primary_key=("campaign_id",),
    columns=(
        Column(
            "campaign_id",
            pa.string(),
            "Campaign key, CMP + 8 digits, in order of start.",
            unique=True,
            id_prefix="CMP",
        ),
        Column("campaign_name", pa.string(), "Theme of the start month, type and year."),
        Column("campaign_type", pa.string(), "Email, Social Media, Search, Display, ..."),
        Column("start_date", pa.date32(), "First day."),
        Column("end_date", pa.date32(), "Last day, on or after start_date."),
        Column("discount_rate", pa.float64(), "Discount given on the lines of attributed sales."),
        Column("budget", arrow.MONEY, "Planned spend."),
        Column("actual_spend", arrow.MONEY, "Spent so far (0 for Planned)."),
        Column("impressions", pa.int64(), "Ads shown: actual_spend / CPM x 1000."),
        Column("clicks", pa.int64(), "At most impressions."),
        Column("conversions", pa.int64(), "At most clicks."),
        Column("revenue_generated", arrow.MONEY, "Conversions x average order value."),
        Column(
            "ctr", pa.float64(), "clicks / impressions; null without impressions.", nullable=True
        ),
        Column(
            "conversion_rate",
            pa.float64(),
            "conversions / clicks; null without clicks.",
            nullable=True,
        ),
        Column(
            "roi",
            pa.float64(),
            "(revenue_generated - actual_spend) / actual_spend; null before any spend.",
            nullable=True,
        ),
        Column("status", pa.string(), "Completed, Active or Planned as of the window's end."),
    ),
)
