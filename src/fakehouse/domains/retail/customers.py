"""retail_analytics.customers, and the customer facts other tables re-derive.

Who buys, and when. Customers are ranked by activity (a keyed permutation); the band of
ranks a customer falls in (the segments' shares, most active first) and the place inside
it give a purchase rate while active, with a heavy tail. Each customer also has a life:
registration (acquisition), a lifetime after which they churn (long for a loyal core, a few
months for most, by band), and for some a second span after a gap (reactivation). Sales
happen only inside those spans, timed by the calendar's intensity restricted to them.

A customer who registers inside the window makes a first purchase that day (most do:
customers.first_purchase_rate): the first sales are one slot per customer (`welcome`). Other
sales pick their customer in proportion to rate x exposure (the share of the window's
activity inside the customer's spans): a rank is drawn by rate and kept with probability
exposure, else drawn again. So counts and lives agree, and nothing needs a table of
customers. The segment a customer is labelled with is earned: customers are ranked by their
expected purchases over the window and the segments' shares cut that ranking (VIP the top 5%
by default), at thresholds read off the first CALIBRATION customers.

A customer is a person (`core.people`, person number = customer index): name, birth date,
address, contact, income and credit score are the person's, so the bank's customer of the
same id is the same person.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Self

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, people, reference
from fakehouse.core.distributions import (
    choice,
    cumulative,
)
from fakehouse.core.permutation import Permutation
from fakehouse.core.rng import Stream
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import SECONDS_PER_DAY, uniform_days
from fakehouse.domains.retail import clock
from fakehouse.domains.retail.params import SEGMENTS

NAME = "customers"
SALES = "transactions"
DRAWS = 16  # proposals for a sale's customer; then the most exposed one proposed is kept
TENURE_DRAWS = 8  # proposals for a visitor or reviewer before a late sign-up is kept anyway
ACTIVE_DRAWS = 24  # proposals for a customer active (and reachable) on a given day
TAIL_ROWS = 4096  # offers of the attempts left below which they are proposed in one call
CALIBRATION = 1 << 15  # customers whose expected purchases place the segment thresholds
DAYS_PER_MONTH = 365.25 / 12


def _ranking(ctx: Context) -> Permutation:
    return ctx.cached(
        "customers.ranking", lambda: Permutation(ctx.sizes[NAME], ctx.stream(NAME, "activity").key)
    )


def _bands(ctx: Context) -> np.ndarray:
    """Rank boundaries of the segments' bands, in SEGMENTS order (most active first)."""

    def build() -> np.ndarray:
        shares = _by_segment(ctx, "share").astype(np.float64)
        cuts = np.concatenate([[0.0], np.cumsum(shares / shares.sum())])
        return np.round(cuts * ctx.sizes[NAME]).astype(np.int64)

    return ctx.cached("customers.bands", build)


def _by_segment(ctx: Context, field: str) -> np.ndarray:
    """A segment parameter as an array indexed by segment code."""
    return ctx.cached(
        f"customers.segments.{field}",
        lambda: np.array([getattr(ctx.params.segments[s], field) for s in SEGMENTS]),
    )


def ids(idx: np.ndarray) -> pa.Array:
    """customer_id of 0-based customer indices (negative: null)."""
    return TABLE.ids(idx)


@dataclass(frozen=True)
class Life:
    """Whether a customer is of the loyal core (a long life) or not (a few months), the
    registration day and two active spans [first, end) and [back, gone) in days, clipped to
    the window (the second empty unless the customer came back), with the share of the
    window's activity inside them."""

    loyal: np.ndarray
    registered: np.ndarray
    first: np.ndarray
    end: np.ndarray
    back: np.ndarray
    gone: np.ndarray
    exposure: np.ndarray

    def weight(self, ctx: Context) -> np.ndarray:
        """The share of activity a customer buys in, per unit of rate: the exposure, which
        for short lives saturates at `saturation` (such a customer does not keep buying at
        the pace of a loyal one however long the span turns out)."""
        return np.where(self.loyal, self.exposure, np.minimum(self.exposure, saturation(ctx)))

    def take(self, rows: np.ndarray) -> Self:
        """The same records of `rows` only (positions or a mask)."""
        return type(self)(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    def active_on(self, day: np.ndarray) -> np.ndarray:
        return ((self.first <= day) & (day < self.end)) | ((self.back <= day) & (day < self.gone))


@dataclass(frozen=True)
class Profile(Life):
    """Customers with their life, the band of their activity rank (a segment code), their
    purchase rate while active, and whether they made a first purchase on registering."""

    customer: np.ndarray
    band: np.ndarray
    rate: np.ndarray
    welcomed: np.ndarray


def _rate(ctx: Context, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(band, purchase rate) of activity ranks: the band's frequency x the chance that the
    heavy-tailed draw inside the band (`_propose`) lands on the rank, x the band's size, so
    that a rank is drawn exactly in proportion to its rate."""
    edges = _bands(ctx)
    band = _band(ctx, rank)
    size = np.maximum(edges[band + 1] - edges[band], 1)
    place = rank - edges[band]
    tail = 1.0 / ctx.params.customers.activity_skew
    chance = ((place + 1) / size) ** tail - (place / size) ** tail
    return band, _by_segment(ctx, "purchase_frequency")[band] * size * chance


def _band(ctx: Context, rank: np.ndarray) -> np.ndarray:
    return np.searchsorted(_bands(ctx), rank, side="right") - 1


def _loyal_ranks(ctx: Context) -> np.ndarray:
    """How many of each band's ranks, from its most active, are the loyal core."""
    return ctx.cached(
        "customers.loyal_ranks",
        lambda: np.round(np.diff(_bands(ctx)) * _by_segment(ctx, "loyal_share")).astype(np.int64),
    )


def _loyal_split(ctx: Context) -> np.ndarray:
    """Each band's loyal share of ranks in the heavy tail's scale: the share of the band's
    draws (and of its purchase rate) that land on its loyal core."""
    return ctx.cached(
        "customers.loyal_split",
        lambda: (
            (_loyal_ranks(ctx) / np.maximum(np.diff(_bands(ctx)), 1))
            ** (1.0 / ctx.params.customers.activity_skew)
        ),
    )


def _loyal(ctx: Context, rank: np.ndarray, band: np.ndarray) -> np.ndarray:
    return rank - _bands(ctx)[band] < _loyal_ranks(ctx)[band]


def saturation(ctx: Context) -> float:
    """The exposure at which a short life's purchases saturate: three mean short lives at
    the window's average activity."""
    days = ctx.window.days
    return min(1.0, 3 * ctx.params.customers.life_months * DAYS_PER_MONTH / days)


def registration_day(ctx: Context, idx: np.ndarray, band: np.ndarray | None = None) -> np.ndarray:
    """Registration date (epoch day); the most active bands registered earlier; nobody
    before their 18th birthday (customer idx is person idx, see `core.people`)."""
    p = ctx.params.customers
    if band is None:
        band = _band(ctx, _ranking(ctx).forward(idx))
    w = ctx.window
    first = w.start_day - int(p.registration_lead_years * 365.25)
    adult = people.birth_days(Stream.root(ctx.seed), ctx.params.people, w.end_day, idx)
    first = np.maximum(first, adult + people.ADULT_DAYS + 1)
    skew = _by_segment(ctx, "registration_skew")[band]
    u = ctx.stream(NAME, "registration_date").uniform(idx) ** skew
    return uniform_days(u, first, w.end_day)


def _days(u: np.ndarray, mean: np.ndarray | float) -> np.ndarray:
    """Exponential durations in whole days (at least 1) from uniforms."""
    return 1 + np.floor(-np.asarray(mean) * np.log(u)).astype(np.int64)


def _split(u: np.ndarray, p: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """(u < p, a fresh uniform): one uniform gives a coin of chance p and, rescaled inside
    the side it fell on, another uniform independent of the coin."""
    p = np.asarray(p, dtype=np.float64)
    hit = u < p
    low = np.divide(u, p, out=np.full(np.shape(u), 0.5), where=p > 0)
    high = np.divide(u - p, 1.0 - p, out=np.full(np.shape(u), 0.5), where=p < 1)
    return hit, np.clip(np.where(hit, low, high), 1e-12, 1.0 - 1e-12)


def _life(ctx: Context, idx: np.ndarray, band: np.ndarray, loyal: np.ndarray) -> Life:
    """Registration (acquisition), a lifetime (loyal: years; else a few months), and for some
    a second life after a gap."""
    p = ctx.params.customers
    w = ctx.window
    s = lambda column: ctx.stream(NAME, column).uniform(idx)  # noqa: E731
    registered = registration_day(ctx, idx, band)
    mean = np.where(loyal, p.loyal_life_years * 365.25, p.life_months * DAYS_PER_MONTH)
    churn = registered + _days(s("life"), mean)
    again, u = _split(s("reactivation"), p.reactivation_rate)
    low, high = w.start_day, w.end_day + 1
    first, end = np.clip(registered, low, high), np.clip(churn, low, high)
    exposure = np.maximum(clock.before(ctx, end) - clock.before(ctx, first), 0.0)
    back, gone = end.copy(), end.copy()  # no second life: an empty span
    rows = np.flatnonzero(again)
    if len(rows):
        came = churn[rows] + _days(u[rows], p.reactivation_gap_months * DAYS_PER_MONTH)
        second = ctx.stream(NAME, "second_life").uniform(idx[rows])
        left = came + _days(second, p.life_months * DAYS_PER_MONTH)
        back[rows], gone[rows] = np.clip(came, low, high), np.clip(left, low, high)
        exposure[rows] += np.maximum(
            clock.before(ctx, gone[rows]) - clock.before(ctx, back[rows]), 0.0
        )
    return Life(loyal, registered, first, end, back, gone, exposure)


def _profile(ctx: Context, idx: np.ndarray, rank: np.ndarray, life: Life) -> Profile:
    p = ctx.params.customers
    band, rate = _rate(ctx, rank)
    first_purchase = ctx.stream(NAME, "first_purchase").uniform(idx) < p.first_purchase_rate
    welcomed = (life.registered >= ctx.window.start_day) & first_purchase
    if welcome_slots(ctx) < ctx.sizes[NAME]:  # more customers than sales: not all have a slot
        welcomed &= _welcome_order(ctx).forward(idx) < welcome_slots(ctx)
    values = {f.name: getattr(life, f.name) for f in fields(Life)}
    return Profile(**values, customer=idx, band=band, rate=rate, welcomed=welcomed)


def profile(ctx: Context, idx: np.ndarray, rank: np.ndarray | None = None) -> Profile:
    """The activity of customers `idx` (pass their ranks when known: saves a permutation)."""
    idx = np.asarray(idx, dtype=np.int64)
    rank = _ranking(ctx).forward(idx) if rank is None else rank
    band = _band(ctx, rank)
    return _profile(ctx, idx, rank, _life(ctx, idx, band, _loyal(ctx, rank, band)))


# --- first purchases -----------------------------------------------------------------------


def welcome_slots(ctx: Context) -> int:
    """Sales 0..k-1 are first purchases' slots, one per customer (k = customers, at most the
    sales); a slot whose customer registered before the window is an ordinary sale."""
    return min(ctx.sizes[NAME], ctx.sizes[SALES])


def _welcome_order(ctx: Context) -> Permutation:
    return ctx.cached(
        "customers.welcome_order",
        lambda: Permutation(ctx.sizes[NAME], ctx.stream(NAME, "first_purchase_slot").key),
    )


def welcome(ctx: Context, t: np.ndarray) -> tuple[np.ndarray, Profile]:
    """Which of sales `t` are first purchases (positions in `t`), and their customers (who
    make them on the day they registered)."""
    rows = np.flatnonzero(t < welcome_slots(ctx))
    prof = profile(ctx, _welcome_order(ctx).inverse(t[rows]))
    return rows[prof.welcomed], prof.take(prof.welcomed)


@dataclass(frozen=True)
class _Calibration:
    purchases: float  # expected purchases per unit of rate x exposure
    thresholds: np.ndarray  # expected purchases above which one is VIP, Premium, Regular
    opted_in: float  # customers who agreed to marketing


def _calibration(ctx: Context) -> _Calibration:
    """Read off the first CALIBRATION customers (a random sample, ranks being a permutation;
    all of them up to 32,768 customers): the sales that are not first purchases, shared in
    proportion to rate x exposure, give the purchases per unit of it; then the segments'
    shares cut the customers ranked by expected purchases; and the share who agreed to
    marketing gives the audience of Email and SMS."""

    def build() -> _Calibration:
        n = min(ctx.sizes[NAME], CALIBRATION)
        prof = profile(ctx, np.arange(n, dtype=np.int64))
        weight = prof.rate * prof.weight(ctx)
        welcomed = prof.welcomed.mean() * ctx.sizes[NAME]
        others = max(ctx.sizes[SALES] - welcomed, 0.0)
        purchases = others / max(weight.mean() * ctx.sizes[NAME], 1e-300)
        expected = purchases * weight + prof.welcomed
        ranked = np.sort(expected)
        shares = _by_segment(ctx, "share").astype(np.float64)
        above = np.round(np.cumsum(shares / shares.sum())[:-1] * n).astype(np.int64)
        cut = np.where(above > 0, ranked[np.clip(n - 1 - above, 0, n - 1)], np.inf)
        seg = (expected[:, None] <= cut[None, :]).sum(axis=1)
        agreed = opted_in(ctx, prof.customer, seg).mean() * ctx.sizes[NAME]
        return _Calibration(purchases, cut, agreed)

    return ctx.cached("customers.calibration", build)


def audience(ctx: Context) -> float:
    """Customers who agreed to marketing (counted up to CALIBRATION customers, else
    estimated from them)."""
    return _calibration(ctx).opted_in


def expected_purchases(ctx: Context, prof: Profile) -> np.ndarray:
    """Purchases each customer is expected to make inside the window."""
    return _calibration(ctx).purchases * prof.rate * prof.weight(ctx) + prof.welcomed


def label(ctx: Context, prof: Profile) -> np.ndarray:
    """Segment code earned by the customers' expected purchases over the window."""
    cut = _calibration(ctx).thresholds
    return (expected_purchases(ctx, prof)[:, None] <= cut[None, :]).sum(axis=1)


def segment(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Segment code (index into SEGMENTS) of customers `idx`."""
    return label(ctx, profile(ctx, idx))


def opted_in(ctx: Context, idx: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """Whether customers `idx` (of segments `seg`) agreed to marketing messages."""
    rate = _by_segment(ctx, "opt_in_rate")[seg]
    return ctx.stream(NAME, "marketing_opt_in").uniform(idx) < rate


@dataclass
class _Offers:
    """Customers proposed for events, with their lives: rows are replaced as better offers
    come (see `draw`)."""

    customer: np.ndarray
    rank: np.ndarray
    life: Life

    def take(self, rows: np.ndarray, other: _Offers, at: np.ndarray) -> None:
        """Replace `rows` by the offers at positions `at` of `other`."""
        self.customer[rows], self.rank[rows] = other.customer[at], other.rank[at]
        for f in fields(Life):
            getattr(self.life, f.name)[rows] = getattr(other.life, f.name)[at]

    def profile(self, ctx: Context) -> Profile:
        return _profile(ctx, self.customer, self.rank, self.life)


def _cells(ctx: Context, saturated: bool) -> np.ndarray:
    """Cumulative weights of (band, loyal or not) cells for proposals: the cell's share of
    purchase rate (the heavy tail puts most of a band's rate on its loyal, most active
    ranks), times the saturation for short lives when proposals are to be kept by exposure."""

    def build() -> np.ndarray:
        loyal = _loyal_split(ctx)
        rate = np.diff(_bands(ctx)) * _by_segment(ctx, "purchase_frequency")
        short = rate * (1 - loyal) * (saturation(ctx) if saturated else 1.0)
        return cumulative(np.ravel(np.column_stack([rate * loyal, short])))

    return ctx.cached(f"customers.cells.{saturated}", build)


def _ranks(ctx: Context, stream: Stream, index: np.ndarray, saturated: bool):
    """(customer, rank, band, loyal) drawn in proportion to purchase rate (x the saturation
    for short lives when `saturated`): a band and part of it (loyal or not) by weight, then
    a rank inside the part with the band's heavy tail."""
    u = stream.child("rank").uniform(index)
    return _ranked(ctx, stream.child("segment").uniform(index), u, saturated)


def _ranked(ctx: Context, u_cell: np.ndarray, u: np.ndarray, saturated: bool):
    """`_ranks` from its two uniforms."""
    edges = _bands(ctx)
    sizes = np.diff(edges)
    cell = choice(u_cell, _cells(ctx, saturated))
    band, loyal = cell // 2, cell % 2 == 0
    split = _loyal_split(ctx)[band]
    low, high = np.where(loyal, 0.0, split), np.where(loyal, split, 1.0)
    place = (low + u * (high - low)) ** ctx.params.customers.activity_skew
    rank = edges[band] + np.floor(sizes[band] * place).astype(np.int64)
    rank = np.clip(rank, edges[band], edges[band + 1] - 1)
    return _ranking(ctx).inverse(rank), rank, band, _loyal(ctx, rank, band)


def _propose(ctx: Context, streams: list[Stream], index: np.ndarray, saturated: bool) -> _Offers:
    """Customers drawn by `_ranks` from each of `streams` for events `index` (stream-major:
    row i x len(index) + j is stream i's offer for event j), with their lives."""
    u_cell = np.concatenate([s.child("segment").uniform(index) for s in streams])
    u = np.concatenate([s.child("rank").uniform(index) for s in streams])
    customer, rank, band, loyal = _ranked(ctx, u_cell, u, saturated)
    return _Offers(customer, rank, _life(ctx, customer, band, loyal))


def _attempts(first: int, last: int, todo: int) -> range:
    """The attempts to propose together from `first` (below `last`): all those left once
    they make at most TAIL_ROWS offers, as proposing costs a fixed time per call that
    dwarfs a few hundred rows; else one."""
    return range(first, last if todo * (last - first) <= TAIL_ROWS else first + 1)


def draw(ctx: Context, stream: Stream, index: np.ndarray) -> Profile:
    """Customers for events `index`, in proportion to rate x exposure (saturated for short
    lives, see `Life.weight`).

    A proposal (drawn by rate, x the saturation for short lives) is kept with probability
    exposure (/ the saturation for short lives); the rows left draw again, up to DRAWS
    times, and then keep the most exposed customer they were offered.
    """
    index = np.asarray(index)
    cap = saturation(ctx)

    def chance(offer: _Offers) -> np.ndarray:
        return np.where(offer.life.loyal, offer.life.exposure, offer.life.exposure / cap)

    out = _propose(ctx, [stream], index, saturated=True)
    todo = np.flatnonzero(stream.child("keep", 0).uniform(index) >= chance(out))
    attempt = 1
    while len(todo) and attempt < DRAWS:
        # the attempts of a round, one row each, as if made one after the other: a row
        # takes its first kept offer, else the first of its most exposed if more exposed
        tries = _attempts(attempt, DRAWS, len(todo))
        at = index[todo]
        offer = _propose(ctx, [stream.child("redraw", a) for a in tries], at, saturated=True)
        u = np.concatenate([stream.child("keep", a).uniform(at) for a in tries])
        keep = (u < chance(offer)).reshape(len(tries), len(todo))
        exposure = offer.life.exposure.reshape(len(tries), len(todo))
        kept = keep.any(axis=0)
        best = np.where(kept, keep.argmax(axis=0), exposure.argmax(axis=0))
        column = np.arange(len(todo))
        take = kept | (exposure[best, column] > out.life.exposure[todo])
        out.take(todo[take], offer, (best * len(todo) + column)[take])
        todo = todo[~kept]
        attempt = tries.stop
    return out.profile(ctx)


def _reachable(ctx: Context, offers: _Offers, day: np.ndarray, opt_in: np.ndarray) -> np.ndarray:
    ok = offers.life.active_on(day)
    rows = np.flatnonzero(opt_in & ok)
    if len(rows):
        customer = offers.customer[rows]
        seg = label(ctx, _profile(ctx, customer, offers.rank[rows], offers.life.take(rows)))
        ok[rows] = opted_in(ctx, customer, seg)
    return ok


def draw_active(
    ctx: Context, stream: Stream, index: np.ndarray, day: np.ndarray, opt_in: np.ndarray
) -> Profile:
    """Customers for events `index` on `day`, in proportion to their rate among those active
    that day (and opted in to marketing where `opt_in`); customer -1 where none was found in
    ACTIVE_DRAWS proposals."""
    index = np.asarray(index)
    out = _propose(ctx, [stream], index, saturated=False)
    todo = np.flatnonzero(~_reachable(ctx, out, day, opt_in))
    attempt = 1
    while len(todo) and attempt < ACTIVE_DRAWS:
        tries = _attempts(attempt, ACTIVE_DRAWS, len(todo))  # a row takes its first good offer
        streams = [stream.child("active", a) for a in tries]
        offer = _propose(ctx, streams, index[todo], saturated=False)
        rounds = len(tries)
        ok = _reachable(ctx, offer, np.tile(day[todo], rounds), np.tile(opt_in[todo], rounds))
        ok = ok.reshape(rounds, len(todo))
        found = ok.any(axis=0)
        first = ok.argmax(axis=0)[found]
        out.take(todo[found], offer, first * len(todo) + np.flatnonzero(found))
        todo = todo[~found]
        attempt = tries.stop
    found = out.profile(ctx)
    found.customer[todo] = -1
    return found


def active_seconds(ctx: Context, prof: Profile, u: np.ndarray, online: np.ndarray) -> np.ndarray:
    """Times inside the customers' active spans, by the channel's intensity restricted to
    them: uniform `u` picks a point of the activity inside the spans."""
    first_part = np.maximum(clock.before(ctx, prof.end) - clock.before(ctx, prof.first), 0.0)
    at = u * prof.exposure
    in_first = at < first_part
    lower = np.where(in_first, prof.first, prof.back)
    upper = np.maximum(np.where(in_first, prof.end, prof.gone), lower + 1)
    part = np.where(in_first, first_part, prof.exposure - first_part)
    into = np.where(in_first, at, at - first_part)
    v = np.divide(into, part, out=np.zeros_like(u), where=part > 0)
    return clock.seconds(
        ctx, np.clip(v, 0.0, 1.0), lower * SECONDS_PER_DAY, upper * SECONDS_PER_DAY, online
    )


def pick(ctx: Context, stream: Stream, index: np.ndarray) -> np.ndarray:
    """Customers for events other than purchases (web visits, reviews), by purchase rate
    (see `pick_registered`)."""
    return pick_registered(ctx, stream, index)[0]


def pick_registered(
    ctx: Context, stream: Stream, index: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`pick`'s customers with their registration days, which the draw derives on the way
    (deriving them again costs the ranking permutation and the birth days).

    Cheaper than `draw` (no lives): a customer registering inside the window is kept with
    the share of the window's activity left after registering (else another is drawn, up to
    TENURE_DRAWS times), so late sign-ups do not cram a full share into their first weeks."""
    index = np.asarray(index)
    customer, _, band, _ = _ranks(ctx, stream, index, saturated=False)
    registered = np.empty(len(index), dtype=np.int64)
    todo = np.arange(len(index))  # positions whose draw is not accepted yet
    for attempt in range(1, TENURE_DRAWS):
        registered[todo] = registration_day(ctx, customer[todo], band[todo])
        left = 1.0 - clock.before(ctx, registered[todo])
        todo = todo[stream.child("tenure", attempt).uniform(index[todo]) >= left]
        if not len(todo):
            break
        redraw = _ranks(ctx, stream.child("redraw", attempt), index[todo], saturated=False)
        customer[todo], band[todo] = redraw[0], redraw[2]
    registered[todo] = registration_day(ctx, customer[todo], band[todo])  # the last redraws
    return customer, registered


def home_place(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Index into `reference.places()` of the customer's address, by the state mix."""
    u = people.place_draws(Stream.root(ctx.seed), np.asarray(idx, dtype=np.int64))
    if ctx.params.customers.state_mix.is_population:
        return reference.places().sample(u)
    return reference.places().sample_with_states(_state_shares(ctx), u)


def home_state(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Index into `reference.states()` of the customer's state: `home_place`'s, drawn
    without the place (every sale asks)."""
    u = people.place_draws(Stream.root(ctx.seed), np.asarray(idx, dtype=np.int64))
    mix = ctx.params.customers.state_mix
    return reference.places().sample_state(u, None if mix.is_population else _state_shares(ctx))


def _state_shares(ctx: Context) -> np.ndarray:
    mix = ctx.params.customers.state_mix
    return ctx.cached("customers.state_shares", lambda: cumulative(mix.shares()))


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.customers
    idx = np.arange(start, stop, dtype=np.int64)
    prof = profile(ctx, idx)
    seg = label(ctx, prof)
    reg = prof.registered

    # the person: the same as the bank's customer of the same id (customer idx is person idx)
    who = people.persons(Stream.root(ctx.seed), ctx.params.people, ctx.window.end_day, idx)
    places = reference.places()
    place = home_place(ctx, idx)
    card = people.contact(Stream.root(ctx.seed), who, place, p.email_domains)
    opt_in = opted_in(ctx, idx, seg)
    return {
        "customer_id": ids(idx),
        "first_name": card.first_name,
        "last_name": card.last_name,
        "email": card.email,
        "phone": card.phone,
        "date_of_birth": arrow.dates(who.birth_day),
        "gender": arrow.labels(tuple(ctx.params.people.gender_mix), who.gender),
        "address_line1": card.address,
        "city": arrow.take(places.city, place),
        "state": arrow.take(places.state, place),
        "zip_code": arrow.take(places.zip_code, place),
        "country": arrow.labels(("US",), np.zeros(len(idx), dtype=np.int64)),
        "latitude": places.latitude[place],
        "longitude": places.longitude[place],
        "registration_date": arrow.dates(reg),
        "customer_segment": arrow.labels(SEGMENTS, seg),
        "credit_score": who.credit_score.astype(np.int32),
        "annual_income": arrow.money(who.income.astype(np.int64) * 100),
        "marketing_opt_in": opt_in,
    }


TABLE = Table(
    name=NAME,
    description="Registered shoppers with a home address, a segment and a credit profile.",
    base_rows=10_000,
    block=block,
    primary_key=("customer_id",),
    columns=(
        Column(
            "customer_id",
            pa.string(),
            "Customer key, CUST + 10 digits, dense from 1.",
            unique=True,
            id_prefix="CUST",
        ),
        Column("first_name", pa.string(), "Given name, weighted by US name frequency."),
        Column("last_name", pa.string(), "Family name, weighted by US name frequency."),
        Column("email", pa.string(), "Unique address at a reserved example domain.", unique=True),
        Column(
            "phone",
            pa.string(),
            "Area code of the home place; fictional 555-01xx line.",
            varied=True,
        ),
        Column(
            "date_of_birth",
            pa.date32(),
            "The person's (as at the bank); at least 18 years before registration.",
            varied=True,
        ),
        Column("gender", pa.string(), "Female, Male or Other."),
        Column("address_line1", pa.string(), "House number and street.", varied=True),
        Column("city", pa.string(), "Home city (a real US place matching state and ZIP)."),
        Column(
            "state",
            pa.string(),
            "Two-letter state code; the mix follows population (or the state mix).",
        ),
        Column("zip_code", pa.string(), "Five-digit ZIP code of the city.", varied=True),
        Column("country", pa.string(), "Always US."),
        Column("latitude", pa.float64(), "Latitude of the ZIP code.", varied=True),
        Column("longitude", pa.float64(), "Longitude of the ZIP code.", varied=True),
        Column("registration_date", pa.date32(), "Sign-up date; VIPs tend to be older members."),
        Column(
            "customer_segment",
            pa.string(),
            "VIP, Premium, Regular or Basic: earned by expected purchases over the window.",
        ),
        Column(
            "credit_score",
            pa.int32(),
            "300-850, left-skewed, mean near 700; the person's (as at the bank).",
        ),
        Column(
            "annual_income",
            arrow.MONEY,
            "By occupation and age (the person's, as at the bank); not tied to segment.",
        ),
        Column("marketing_opt_in", pa.bool_(), "Agreed to marketing messages."),
    ),
)
