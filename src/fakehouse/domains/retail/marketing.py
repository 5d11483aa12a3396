"""Marketing campaigns as the sales re-derive them: when each runs, what it costs, whom it
reaches, and which sales it drives.

Campaign c starts near `first + c * step`, so campaigns are spread over the calendar. Its
funnel is a pure function of c: spend from a budget, impressions from spend and a CPM that
varies by campaign and season (Email and SMS reach only opted-in customers: their
impressions are at most those customers times the weeks the campaign runs), clicks from a
click-through rate, and a target of conversions from a conversion rate.

Attribution is by slots, so that neither side needs the other's table. The sales after
the first purchases' slots (customers.welcome_slots) are cut into chunks of equal size;
each campaign owns one chunk (in a keyed random order), and the first `target` slots of it
(in a scrambled order) are sales it is meant to drive: a sale there happens during the
campaign, in its channel, by a customer active then whom it could reach (opted in for Email
and SMS). A slot whose customer cannot
be found, or an in-store sale that found no store open, stays unattributed. The campaigns
table re-derives the sales of its slots and reports exactly those attributed to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fakehouse.core import segments
from fakehouse.core.distinct import distinct
from fakehouse.core.distributions import Categorical
from fakehouse.core.permutation import Permutation
from fakehouse.core.table import Context
from fakehouse.core.timeline import calendar
from fakehouse.domains.retail import customers

NAME = "marketing_campaigns"
SALES = "transactions"
TAIL_DAYS = 45  # campaigns start until this long after the window (Planned ones)
STATUSES = ("Completed", "Active", "Planned")
COMPLETED, ACTIVE, PLANNED = range(3)
CHANNELS = ("Online", "In-Store", "Any")


@dataclass(frozen=True)
class Schedule:
    first: int
    step: float
    n: int


def schedule(ctx: Context) -> Schedule:
    w = ctx.window
    n = ctx.sizes[NAME]
    return Schedule(w.start_day, (w.end_day + TAIL_DAYS - w.start_day + 1) / n, n)


def types(ctx: Context) -> Categorical:
    return Categorical.of({k: t.share for k, t in ctx.params.campaigns.types.items()})


def by_type(ctx: Context, field: str) -> np.ndarray:
    """A campaign type parameter as an array indexed by type code."""
    specs = ctx.params.campaigns.types
    return np.array([getattr(specs[k], field) for k in types(ctx).values])


def campaign_type(ctx: Context, idx: np.ndarray) -> np.ndarray:
    return types(ctx).sample(ctx.stream(NAME, "campaign_type").uniform(idx))


def dates(
    ctx: Context, idx: np.ndarray, kind: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(start_day, end_day) of campaigns, both included."""
    sched = schedule(ctx)
    kind = campaign_type(ctx, idx) if kind is None else kind
    u = ctx.stream(NAME, "start_date").uniform(idx)
    start = sched.first + np.floor((idx + u) * sched.step).astype(np.int64)
    spans = by_type(ctx, "duration_days")[kind]
    low, high = spans[:, 0], spans[:, 1]
    length = ctx.stream(NAME, "duration").integers(idx, 0, high - low + 1) + low
    return start, start + length - 1


def discount_rate(ctx: Context, idx: np.ndarray) -> np.ndarray:
    low, high = ctx.params.campaigns.discount_range
    u = ctx.stream(NAME, "discount").uniform(idx)
    return np.round(low + (high - low) * u, 2)


@dataclass(frozen=True)
class Funnel:
    """Campaigns' plan and results so far: type, dates, status at the window's end, budget
    (dollars), spend (cents), impressions, clicks and the conversions they are to drive."""

    kind: np.ndarray
    start: np.ndarray
    end: np.ndarray
    status: np.ndarray
    budget: np.ndarray
    spend: np.ndarray
    impressions: np.ndarray
    clicks: np.ndarray
    target: np.ndarray


def funnel(ctx: Context, idx: np.ndarray) -> Funnel:
    p = ctx.params.campaigns
    idx = np.asarray(idx, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    kind = campaign_type(ctx, idx)
    first, last = dates(ctx, idx, kind)
    end = ctx.window.end_day
    status = np.select([last < end, first <= end], [COMPLETED, ACTIVE], PLANNED)
    budget = np.maximum(
        np.round(
            by_type(ctx, "budget_median")[kind] * np.exp(p.budget_sigma * s("budget").normal(idx))
        ),
        1.0,
    )
    months = np.array(list(ctx.params.calendar.months.values()))
    _, month, _, _ = calendar(first)
    season = (months[month - 1] / months.mean()) ** p.cpm_season
    cpm = by_type(ctx, "cpm")[kind] * season * np.exp(p.cpm_sigma * s("cpm").normal(idx))
    planned = budget * (0.75 + 0.3 * s("spend").uniform(idx))  # dollars, if it runs its course
    shown = planned / cpm * 1_000
    weeks = np.ceil((last - first + 1) / 7)
    reach = np.where(by_type(ctx, "opt_in_only")[kind], customers.audience(ctx) * weeks, np.inf)
    shown = np.minimum(shown, reach)
    elapsed = np.clip((end - first + 1) / (last - first + 1), 0.0, 1.0)
    ran = np.select([status == COMPLETED, status == ACTIVE], [1.0, elapsed], 0.0)
    impressions = np.round(shown * ran).astype(np.int64)
    spend = np.round(shown * ran * cpm / 10).astype(np.int64)  # cents: x cpm / 1000 x 100
    noise = lambda column: np.exp(p.rate_sigma * s(column).normal(idx))  # noqa: E731
    ctr = np.minimum(by_type(ctx, "ctr")[kind] * noise("ctr"), 1.0)
    clicks = np.round(impressions * ctr).astype(np.int64)
    rate = np.minimum(by_type(ctx, "conversion_rate")[kind] * noise("conversion"), 1.0)
    target = np.floor(clicks * rate + s("conversions").uniform(idx)).astype(np.int64)
    target = np.minimum(target, np.minimum(clicks, slots(ctx)))
    return Funnel(kind, first, last, status, budget, spend, impressions, clicks, target)


# --- attribution slots ---------------------------------------------------------------------


def slots(ctx: Context) -> int:
    """Sales slots per campaign: the sales after the first purchases' slots (see
    customers.welcome_slots), shared out (0 when there are more campaigns than those)."""
    return (ctx.sizes[SALES] - customers.welcome_slots(ctx)) // ctx.sizes[NAME]


def _chunks(ctx: Context) -> Permutation:
    """Which chunk of sales slots each campaign owns."""
    return ctx.cached(
        "marketing.chunks", lambda: Permutation(ctx.sizes[NAME], ctx.stream(NAME, "slots").key)
    )


def _stride(size: int) -> tuple[int, int]:
    """A multiplier coprime with `size` (about 0.618 x size) and its inverse modulo `size`:
    slot j of a chunk is at position (j - offset) x inverse, so a campaign's sales are not
    neighbours in id order."""
    a = max(1, math.ceil(0.618 * size))
    while math.gcd(a, size) != 1:
        a += 1
    return a, pow(a, -1, size) if size > 1 else 0


def _offset(ctx: Context, chunk: np.ndarray, size: int) -> np.ndarray:
    return ctx.stream(NAME, "slot_offset").integers(chunk, 0, size)


def intended(ctx: Context, t: np.ndarray) -> np.ndarray:
    """The campaign whose slot sale `t` is, if it is one of the sales it is meant to drive;
    else -1."""
    size = slots(ctx)
    out = np.full(len(t), -1, dtype=np.int64)
    if size == 0:
        return out
    first = customers.welcome_slots(ctx)
    chunk = (t - first) // size
    rows = np.flatnonzero((t >= first) & (chunk < ctx.sizes[NAME]))
    chunks, _, at = distinct(chunk[rows], ctx.sizes[NAME])  # few: sales come in ranges
    owners = _chunks(ctx).inverse(chunks)
    a, _ = _stride(size)
    place = (((t[rows] - first) % size) * a + _offset(ctx, chunks, size)[at]) % size
    driven = place < funnel(ctx, owners).target[at]
    out[rows[driven]] = owners[at[driven]]
    return out


def sales_of(ctx: Context, idx: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position in `idx`, sale) of every slot campaigns `idx` are meant to drive (`target`
    of them each, from `funnel`)."""
    size = slots(ctx)
    owner = segments.ids(target)
    if not len(owner):
        return owner, np.zeros(0, dtype=np.int64)
    place = segments.positions(target)
    chunk = _chunks(ctx).forward(np.asarray(idx, dtype=np.int64))[owner]
    _, inverse = _stride(size)
    position = ((place - _offset(ctx, chunk, size)) * inverse) % size
    return owner, customers.welcome_slots(ctx) + chunk * size + position
