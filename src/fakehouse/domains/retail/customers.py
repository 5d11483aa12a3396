"""retail_analytics.customers, and the customer facts other tables re-derive.

A customer's segment comes from an activity rank (a keyed permutation of the customers):
the most active ranks are VIP, then Premium, Regular and Basic. Sales, sessions and reviews
pick their customer by sampling a rank with the segment's purchase frequency and a heavy
tail inside the segment, then inverting the permutation: frequency follows segment without
any table lookup.

A customer is a person (`core.people`, person number = customer index): name, birth date,
address, contact, income and credit score are the person's, so the bank's customer of the
same id is the same person.
"""

from __future__ import annotations

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
from fakehouse.domains.retail.clock import intensity
from fakehouse.domains.retail.params import SEGMENTS

NAME = "customers"
TENURE_DRAWS = 8  # draws before a late sign-up is accepted anyway


def _ranking(ctx: Context) -> Permutation:
    return Permutation(ctx.sizes[NAME], ctx.stream(NAME, "activity").key)


def _bands(ctx: Context) -> np.ndarray:
    """Rank boundaries of the segments, in SEGMENTS order (most active first)."""
    segments = ctx.params.segments
    shares = np.array([segments[s].share for s in SEGMENTS], dtype=np.float64)
    edges = np.round(np.concatenate([[0.0], np.cumsum(shares / shares.sum())]) * ctx.sizes[NAME])
    return edges.astype(np.int64)


def _by_segment(ctx: Context, field: str) -> np.ndarray:
    """A segment parameter as an array indexed by segment code."""
    return np.array([getattr(ctx.params.segments[s], field) for s in SEGMENTS])


def ids(idx: np.ndarray) -> pa.Array:
    """customer_id of 0-based customer indices (negative: null)."""
    return TABLE.ids(idx)


def segment(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Segment code (index into SEGMENTS) of customers `idx`."""
    rank = _ranking(ctx).forward(idx)
    return np.searchsorted(_bands(ctx), rank, side="right") - 1


def _pick_once(ctx: Context, stream: Stream, index: np.ndarray) -> np.ndarray:
    edges = _bands(ctx)
    lengths = np.diff(edges)
    weights = lengths * _by_segment(ctx, "purchase_frequency")
    band = choice(stream.child("segment").uniform(index), cumulative(weights))
    u = stream.child("rank").uniform(index)
    skew = ctx.params.customers.activity_skew
    rank = edges[band] + np.floor(lengths[band] * u**skew).astype(np.int64)
    return _ranking(ctx).inverse(np.minimum(rank, edges[band + 1] - 1))


def pick(ctx: Context, stream: Stream, index: np.ndarray) -> np.ndarray:
    """Customers for events `index`, weighted by segment frequency with a heavy tail.

    A customer who registered inside the window is kept with the share of the window's
    activity left after registering (else another is drawn), so late sign-ups do not cram a
    full share of purchases into their first weeks: activity grows with the customer base.
    """
    customer = _pick_once(ctx, stream, index)
    todo = np.arange(len(index))  # positions whose draw is not accepted yet
    for attempt in range(1, TENURE_DRAWS):
        day = registration_day(ctx, customer[todo])
        left = 1.0 - intensity(ctx, online=True).cdf(day * SECONDS_PER_DAY)
        todo = todo[stream.child("tenure", attempt).uniform(index[todo]) >= left]
        if not len(todo):
            break
        customer[todo] = _pick_once(ctx, stream.child("redraw", attempt), index[todo])
    return customer


def registration_day(ctx: Context, idx: np.ndarray, seg: np.ndarray | None = None) -> np.ndarray:
    """Registration date (epoch day); loyal segments registered earlier; nobody before their
    18th birthday (customer idx is person idx, see `core.people`)."""
    p = ctx.params.customers
    seg = segment(ctx, idx) if seg is None else seg
    w = ctx.window
    first = w.start_day - int(p.registration_lead_years * 365.25)
    adult = people.birth_days(Stream.root(ctx.seed), ctx.params.people, w.end_day, idx)
    first = np.maximum(first, adult + people.ADULT_DAYS + 1)
    skew = _by_segment(ctx, "registration_skew")[seg]
    u = ctx.stream(NAME, "registration_date").uniform(idx) ** skew
    return uniform_days(u, first, w.end_day)


def home_place(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Index into `reference.places()` of the customer's address, by the state mix."""
    u = people.place_draws(Stream.root(ctx.seed), np.asarray(idx, dtype=np.int64))
    mix = ctx.params.customers.state_mix
    if mix.is_population:
        return reference.places().sample(u)
    shares = ctx.cached("customers.state_shares", lambda: cumulative(mix.shares()))
    return reference.places().sample_with_states(shares, u)


def home_state(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Index into `reference.states()` of the customer's state."""
    return reference.places().state_index[home_place(ctx, idx)]


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.customers
    idx = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    seg = segment(ctx, idx)
    reg = registration_day(ctx, idx, seg)

    # the person: the same as the bank's customer of the same id (customer idx is person idx)
    who = people.persons(Stream.root(ctx.seed), ctx.params.people, ctx.window.end_day, idx)
    places = reference.places()
    place = home_place(ctx, idx)
    card = people.contact(Stream.root(ctx.seed), who, place, p.email_domains)
    opt_in = s("marketing_opt_in").uniform(idx) < _by_segment(ctx, "opt_in_rate")[seg]
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
        Column("phone", pa.string(), "Area code of the home place; fictional 555-01xx line."),
        Column(
            "date_of_birth",
            pa.date32(),
            "The person's (as at the bank); at least 18 years before registration.",
        ),
        Column("gender", pa.string(), "Female, Male or Other."),
        Column("address_line1", pa.string(), "House number and street."),
        Column("city", pa.string(), "Home city (a real US place matching state and ZIP)."),
        Column(
            "state",
            pa.string(),
            "Two-letter state code; the mix follows population (or the state mix).",
        ),
        Column("zip_code", pa.string(), "Five-digit ZIP code of the city."),
        Column("country", pa.string(), "Always US."),
        Column("latitude", pa.float64(), "Latitude of the ZIP code."),
        Column("longitude", pa.float64(), "Longitude of the ZIP code."),
        Column("registration_date", pa.date32(), "Sign-up date; VIPs tend to be older members."),
        Column("customer_segment", pa.string(), "VIP, Premium, Regular or Basic; drives spend."),
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
