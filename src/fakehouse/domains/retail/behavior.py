"""retail_analytics.customer_behavior: web clickstream, one row per event of a session.

A session walks a funnel: browsing (a landing page view, then product views, page views and
searches), maybe add to cart (and maybe remove one of two items), checkout, purchase. The
stage a session reaches and its browsing length are pure functions of the session index, so
the planner can count events per session first and give events dense ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.distributions import Categorical, geometric
from fakehouse.core.table import MAX_MULTIPLIER, Column, Context, Table
from fakehouse.core.timeline import SECONDS_PER_DAY, SECONDS_PER_HOUR
from fakehouse.domains.retail import customers, products
from fakehouse.domains.retail.clock import intensity

NAME = "customer_behavior"
EVENT_TYPES = (
    "page_view",
    "product_view",
    "search",
    "add_to_cart",
    "remove_from_cart",
    "checkout_start",
    "purchase",
)
PAGE_VIEW, PRODUCT_VIEW, SEARCH, ADD, REMOVE, CHECKOUT, PURCHASE = range(7)
MAX_BROWSE = 16
MAX_GAP_SECONDS = 600
MAX_EVENTS = MAX_BROWSE + 5
SESSION_PREFIX = "SES"  # session ids: no sessions table, so no table declares their prefix
URLS = ("/", "/products/", "/search", "/cart", "/cart", "/checkout", "/checkout/confirmation")


@dataclass(frozen=True)
class Funnel:
    browse: np.ndarray
    adds: np.ndarray
    remove: np.ndarray
    checkout: np.ndarray
    purchase: np.ndarray

    @property
    def events(self) -> np.ndarray:
        return self.browse + self.adds + self.remove + self.checkout + self.purchase


def funnel(ctx: Context, session: np.ndarray) -> Funnel:
    p = ctx.params.behavior
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    browse = 1 + np.minimum(
        geometric(s("browse").uniform(session), 1.0 / p.browse_mean), MAX_BROWSE - 1
    )
    cart = s("cart").uniform(session) < p.cart_rate
    adds = np.where(cart, 1 + (s("adds").uniform(session) < 0.35), 0)
    checkout = cart & (s("checkout").uniform(session) < p.checkout_rate)
    remove = cart & (s("remove").uniform(session) < p.remove_rate) & ((adds == 2) | ~checkout)
    purchase = checkout & (s("purchase").uniform(session) < p.purchase_rate)
    return Funnel(
        browse, adds, remove.astype(np.int64), checkout.astype(np.int64), purchase.astype(np.int64)
    )


def counts(ctx: Context, start: int, stop: int) -> np.ndarray:
    return funnel(ctx, np.arange(start, stop, dtype=np.int64)).events


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.behavior
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    session = np.arange(start, stop, dtype=np.int64)
    f = funnel(ctx, session)
    n = f.events
    customer = customers.pick(ctx, s("customer"), session)
    w = ctx.window
    registered = np.maximum(customers.registration_day(ctx, customer), w.start_day)
    begin = intensity(ctx, online=True).sample(
        s("start").uniform(session),
        registered * SECONDS_PER_DAY,
        w.end_second - 4 * SECONDS_PER_HOUR,
    )
    devices = Categorical.of(p.device_mix)
    device = devices.sample(s("device_type").uniform(session))

    row = np.repeat(np.arange(len(session)), n)  # session position of each event
    starts = np.concatenate([[0], np.cumsum(n)[:-1]])
    k = np.arange(len(row)) - np.repeat(starts, n)  # event position within its session
    event = first_row + np.arange(len(row), dtype=np.int64)
    browse = f.browse[row]
    edges = [
        browse,
        browse + f.adds[row],
        browse + f.adds[row] + f.remove[row],
        browse + f.adds[row] + f.remove[row] + f.checkout[row],
    ]
    mix = Categorical.of(p.browse_mix)
    browse_kind = np.array([EVENT_TYPES.index(x) for x in mix.values])[
        mix.sample(s("browse_kind").uniform(event))
    ]
    kind = np.select(
        [k == 0, k < edges[0], k < edges[1], k < edges[2], k < edges[3]],
        [PAGE_VIEW, browse_kind, ADD, REMOVE, CHECKOUT],
        PURCHASE,
    )
    gap = np.minimum(
        1 + np.floor(-p.mean_gap_seconds * np.log(s("gap").uniform(event))), MAX_GAP_SECONDS
    ).astype(np.int64)
    gap[k == 0] = 0
    elapsed = np.cumsum(gap)
    elapsed -= np.repeat(elapsed[starts] if len(row) else elapsed, n)
    seconds = begin[row] + elapsed

    # the first add puts the last product viewed in the session (if any) in the cart; a
    # removal takes that product out again
    local = np.arange(len(row))
    begins = local - k
    viewed = np.maximum.accumulate(np.where(kind == PRODUCT_VIEW, local, -1))
    first_add = np.minimum(begins + edges[0], max(len(row) - 1, 0))
    added = np.where(viewed[first_add] >= begins, viewed[first_add], first_add)
    in_cart = (kind == REMOVE) | ((kind == ADD) & (k == edges[0]))
    product_key = first_row + np.where(in_cart, added, local)
    has_product = np.isin(kind, (PRODUCT_VIEW, ADD, REMOVE))
    product = products.pick(ctx, s("product"), product_key, seconds // SECONDS_PER_DAY)
    product_id = arrow.null_where(products.ids(product), ~has_product)
    url = arrow.labels(URLS, kind)
    url = arrow.join(url, arrow.where(kind == PRODUCT_VIEW, product_id, ""))
    return {
        "event_id": TABLE.ids(event),
        "session_id": arrow.ids(SESSION_PREFIX, SESSION_ID_WIDTH, session[row] + 1),
        "customer_id": customers.ids(customer[row]),
        "event_timestamp": arrow.timestamps(seconds),
        "event_type": arrow.labels(EVENT_TYPES, kind),
        "product_id": product_id,
        "device_type": arrow.labels(devices.values, device[row]),
        "page_url": url,
    }


TABLE = Table(
    name=NAME,
    description="Web clickstream: sessions of time-ordered events that follow a funnel.",
    base_rows=30_000,  # sessions
    block=block,
    primary_key=("event_id",),
    parents=("customers", "products"),
    counts=counts,
    rows_per_driver=4.5,
    max_per_driver=MAX_EVENTS,
    columns=(
        Column(
            "event_id",
            pa.string(),
            "Event key, EVT + 11 digits, dense from 1.",
            unique=True,
            id_prefix="EVT",
        ),
        Column("session_id", pa.string(), "Visit the event belongs to.", id_prefix=SESSION_PREFIX),
        Column(
            "customer_id",
            pa.string(),
            "Signed-in customer, registered before the visit.",
            references="customers.customer_id",
        ),
        Column("event_timestamp", arrow.TIMESTAMP, "Time of the event; increasing in a session."),
        Column(
            "event_type",
            pa.string(),
            "page_view, product_view, search, add_to_cart, "
            "remove_from_cart, checkout_start or purchase.",
        ),
        Column(
            "product_id",
            pa.string(),
            "Product viewed, added or removed; else null.",
            nullable=True,
            references="products.product_id",
        ),
        Column("device_type", pa.string(), "Mobile, Desktop or Tablet."),
        Column("page_url", pa.string(), "Path of the page."),
    ),
)
SESSION_ID_WIDTH = len(str(TABLE.base_rows * MAX_MULTIPLIER))
