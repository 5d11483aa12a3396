"""retail_analytics.stores, and the store facts sales re-derive (state, opening, closing).

Store numbers 1..k are the online stores (fulfilment centres, k >= 1); the rest are physical
stores placed by population. Employee i (0-based) manages store i, so `manager_id` is known
without a lookup. Sales find the physical stores of a state through a small index built
once per worker (one int per store).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, people, reference
from fakehouse.core.distributions import Categorical
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
class StateIndex:
    """Physical stores grouped by state: stores[start[s]:start[s] + count[s]]."""

    stores: np.ndarray
    start: np.ndarray
    count: np.ndarray


def state_index(ctx: Context) -> StateIndex:
    def build() -> StateIndex:
        physical = np.arange(online_count(ctx), ctx.sizes[NAME], dtype=np.int64)
        state = reference.places().state_index[place(ctx, physical)]
        order = np.argsort(state, kind="stable")
        count = np.bincount(state, minlength=len(reference.states().code))
        start = np.concatenate([[0], np.cumsum(count)[:-1]])
        return StateIndex(physical[order], start, count)

    return ctx.cached("stores.by_state", build)


def pick_in_state(ctx: Context, state: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A physical store of each given state, or -1 where the state has none."""
    index = state_index(ctx)
    if not len(index.stores):  # a tiny warehouse whose only store is online
        return np.full(len(state), -1)
    count = index.count[state]
    slot = index.start[state] + np.floor(u * count).astype(np.int64)
    return np.where(count > 0, index.stores[np.minimum(slot, len(index.stores) - 1)], -1)


def pick_online(ctx: Context, u: np.ndarray) -> np.ndarray:
    return np.floor(u * online_count(ctx)).astype(np.int64)


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.stores
    idx = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    places = reference.places()
    where = place(ctx, idx)
    kind = store_type(ctx, idx)
    labels = type_labels(ctx)
    online = idx < online_count(ctx)
    sizes = [p.types[t].size_sqft if t in p.types else (0, 0) for t in labels]
    low = np.array([lo for lo, _ in sizes])[kind]
    high = np.array([hi for _, hi in sizes])[kind]
    size = low + np.floor(s("size").uniform(idx) * (high - low) / 100).astype(np.int64) * 100
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
