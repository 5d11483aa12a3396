"""retail_analytics.stores, and the store facts other tables re-derive (state, size,
traffic, opening, closing).

Store numbers 1..k are the online stores (fulfilment centres, k >= 1); the rest are physical
stores placed by population. Employee i (0-based) manages store i, so `manager_id` is known
without a lookup. A physical store's traffic is its type's sales density x its floor area x
the pull of its ZIP code's population; an in-store sale picks a store of the customer's
state by traffic (through a small index built once per worker: one int and one float per
store), and a new store ramps up to its full traffic over its first months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, people, reference
from fakehouse.core.distributions import Categorical
from fakehouse.core.segments import draws
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days

NAME = "stores"
ONLINE = "Online"
NEVER = np.iinfo(np.int64).max // 2  # closing day of a store that is still open


def ids(idx: np.ndarray) -> pa.Array:
    return TABLE.ids(idx)


def online_count(ctx: Context) -> int:
    n = ctx.sizes[NAME]
    return min(max(1, round(n * ctx.params.stores.online_share)), max(n - 1, 1))


def _types(ctx: Context) -> Categorical:
    return Categorical.of({k: t.share for k, t in ctx.params.stores.types.items()})


def type_labels(ctx: Context) -> tuple[str, ...]:
    return (*_types(ctx).values, ONLINE)


def store_type(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Code into type_labels(); online stores get the last code."""
    physical = _types(ctx).sample(ctx.stream(NAME, "store_type").uniform(idx))
    return np.where(idx < online_count(ctx), len(_types(ctx).values), physical)


def place(ctx: Context, idx: np.ndarray) -> np.ndarray:
    return reference.places().sample(ctx.stream(NAME, "place").uniform(idx))


def size_sqft(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Selling area of physical stores in whole hundreds of square feet; 0 for online ones."""
    p = ctx.params.stores
    kind = store_type(ctx, idx)
    sizes = [p.types[t].size_sqft if t in p.types else (0, 0) for t in type_labels(ctx)]
    low = np.array([lo for lo, _ in sizes])[kind]
    high = np.array([hi for _, hi in sizes])[kind]
    u = ctx.stream(NAME, "size").uniform(idx)
    return low + np.floor(u * (high - low) / 100).astype(np.int64) * 100


def floor_area(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Square feet of every store, a fulfilment centre's included (it sizes staff)."""
    online = idx < online_count(ctx)
    return np.where(online, ctx.params.stores.fulfilment_sqft, size_sqft(ctx, idx))


def traffic(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Relative sales of physical stores at full traffic: the type's sales density x floor
    area x the population of the store's ZIP code (relative to the average ZIP's) to the
    configured elasticity."""
    p = ctx.params.stores
    places = reference.places()
    share = places.population_share()[place(ctx, idx)]
    pull = (share * len(places)) ** p.population_elasticity
    labels = type_labels(ctx)
    density = np.array([p.types[t].sales_density if t in p.types else 0.0 for t in labels])
    return density[store_type(ctx, idx)] * size_sqft(ctx, idx) * pull


def opening_day(ctx: Context, idx: np.ndarray) -> np.ndarray:
    p = ctx.params.stores
    w = ctx.window
    u = ctx.stream(NAME, "opening_date").uniform(idx)
    new = (ctx.stream(NAME, "new").uniform(idx) < p.opened_in_window) & (idx >= online_count(ctx))
    old = uniform_days(u, w.start_day - int(p.opening_lead_years * 365.25), w.start_day - 1)
    return np.where(new, uniform_days(u, w.start_day, w.end_day - 90), old)


def closing_day(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Last day a closed store traded; NEVER for open stores."""
    w = ctx.window
    first = np.maximum(opening_day(ctx, idx) + 180, w.start_day)
    closed = (
        (ctx.stream(NAME, "closed").uniform(idx) < ctx.params.stores.closed_rate)
        & (idx >= online_count(ctx))
        & (first < w.end_day)
    )
    day = uniform_days(ctx.stream(NAME, "closing_date").uniform(idx), first, w.end_day - 1)
    return np.where(closed, day, NEVER)


@dataclass(frozen=True)
class Profile:
    """Facts of every store that sales, staff and stock look up over and over, derived once
    per worker (a few numbers per store)."""

    state: np.ndarray  # index into reference.states()
    opening: np.ndarray
    closing: np.ndarray


def profile(ctx: Context) -> Profile:
    def build() -> Profile:
        idx = np.arange(ctx.sizes[NAME], dtype=np.int64)
        state = reference.places().state_index[place(ctx, idx)]
        return Profile(state, opening_day(ctx, idx), closing_day(ctx, idx))

    return ctx.cached("stores.profile", build)


def trading(ctx: Context, idx: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Share of its full traffic each store has on `day`: 0 before it opens and after it
    closes; a new store starts at `ramp_start` and reaches 1 after `ramp_days`."""
    p = ctx.params.stores
    known = profile(ctx)
    opened = known.opening[idx]
    ramp = p.ramp_start + (1.0 - p.ramp_start) * (day - opened) / p.ramp_days
    open_then = (opened <= day) & (day <= known.closing[idx])
    return np.where(open_then, np.minimum(ramp, 1.0), 0.0)


@dataclass(frozen=True)
class StateIndex:
    """Physical stores grouped by state: stores[start[s]:start[s] + count[s]], with the
    running sum of their traffic (`cum`) for picking by traffic."""

    stores: np.ndarray
    start: np.ndarray
    count: np.ndarray
    cum: np.ndarray


def state_index(ctx: Context) -> StateIndex:
    def build() -> StateIndex:
        physical = np.arange(online_count(ctx), ctx.sizes[NAME], dtype=np.int64)
        state = profile(ctx).state[physical]
        order = np.argsort(state, kind="stable")
        count = np.bincount(state, minlength=len(reference.states().code))
        start = np.concatenate([[0], np.cumsum(count)[:-1]])
        stores = physical[order]
        return StateIndex(stores, start, count, np.cumsum(traffic(ctx, stores)))

    return ctx.cached("stores.by_state", build)


def pick_in_state(ctx: Context, state: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A physical store of each given state by traffic, or -1 where the state has none."""
    index = state_index(ctx)
    if not len(index.stores):  # a tiny warehouse whose only store is online
        return np.full(len(state), -1)
    count = index.count[state]
    start = np.where(count > 0, index.start[state], 0)  # states without stores: any, then -1
    slot = draws(index.cum, start, start + np.maximum(count, 1), u)
    return np.where(count > 0, index.stores[slot], -1)


def pick_online(ctx: Context, u: np.ndarray) -> np.ndarray:
    return np.floor(u * online_count(ctx)).astype(np.int64)


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    idx = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    places = reference.places()
    where = place(ctx, idx)
    kind = store_type(ctx, idx)
    labels = type_labels(ctx)
    online = idx < online_count(ctx)
    size = size_sqft(ctx, idx)
    city = arrow.take(places.city, where)
    closing = closing_day(ctx, idx)
    return {
        "store_id": ids(idx),
        "store_name": arrow.join(
            city,
            arrow.labels(labels, kind),
            arrow.join("#", arrow.number_strings(idx + 1)),
            sep=" ",
        ),
        "store_type": arrow.labels(labels, kind),
        "address": people.street_addresses(s("address"), idx, max_number=4_999),
        "city": city,
        "state": arrow.take(places.state, where),
        "zip_code": arrow.take(places.zip_code, where),
        "latitude": places.latitude[where],
        "longitude": places.longitude[where],
        "opening_date": arrow.dates(opening_day(ctx, idx)),
        "closing_date": arrow.dates(np.where(closing == NEVER, 0, closing), mask=closing == NEVER),
        "store_size_sqft": arrow.array(size, pa.int32(), mask=online),
        # employee i manages store i; the employees' declaration makes their ids (employees
        # import this module, so it cannot import theirs)
        "manager_id": ctx.domain.table("employees").ids(idx),
        "is_active": closing == NEVER,
    }


TABLE = Table(
    name=NAME,
    description="Physical stores placed by population, plus online fulfilment centres.",
    base_rows=500,
    block=block,
    primary_key=("store_id",),
    columns=(
        Column(
            "store_id",
            pa.string(),
            "Store key, STR + 8 digits; the first ones are Online.",
            unique=True,
            id_prefix="STR",
        ),
        Column("store_name", pa.string(), "City, type and number."),
        Column("store_type", pa.string(), "Flagship, Mall, Standalone, Outlet, Express or Online."),
        Column("address", pa.string(), "Street address (fulfilment centre for Online)."),
        Column("city", pa.string(), "City (a real US place matching state and ZIP)."),
        Column("state", pa.string(), "Two-letter state code."),
        Column("zip_code", pa.string(), "Five-digit ZIP code."),
        Column("latitude", pa.float64(), "Latitude of the ZIP code."),
        Column("longitude", pa.float64(), "Longitude of the ZIP code."),
        Column("opening_date", pa.date32(), "First trading day; no sale before it."),
        Column(
            "closing_date",
            pa.date32(),
            "Last trading day of a closed store, else null.",
            nullable=True,
        ),
        Column("store_size_sqft", pa.int32(), "Selling area; null for Online.", nullable=True),
        Column(
            "manager_id",
            pa.string(),
            "The store manager, an employee of this store.",
            references="employees.employee_id",
        ),
        Column("is_active", pa.bool_(), "False once the store has closed."),
    ),
)
