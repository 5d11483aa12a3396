"""retail_analytics.customer_behavior: web clickstream, one row per event of a session.

The table is a sample of the shop's web sessions (`base_rows` x m of them), of four kinds:

- an **order** session is the visit of one online order: that customer lands, browses, views
  and adds to cart every product of the order (and maybe one more they remove again), views
  the cart, checks out, and the purchase is the order's own timestamp. `conversion_rate` of
  the sessions are orders: a keyed permutation puts the session among the first
  round(conversion_rate x sessions) "order slots", and slot `r` takes the first online sale
  among the sales at positions r, r + slots, r + 2 slots, ... of a keyed permutation of the
  sales, so no order has two sessions and the sampled orders are a uniform share of all
  online orders (the rest of the shop's traffic is sampled at that same rate); a slot that
  finds no online sale among its 64 tries is a browse session;
- a **cart** session adds products (each viewed first), maybe removes one, maybe starts
  checkout, and leaves without an order (`cart_abandonment` of the carts);
- a **browse** session views several pages and leaves;
- a **bounce** is a single page.

Every fact of a session (its kind, order, browsing length, cart) is a pure function of the
session index, so the planner counts events per session first and gives events dense ids.
Pages have the URL of their type: `/`, `/category/<category>/<subcategory>`,
`/search?q=<subcategory>`, `/product/<product_id>`, `/cart`, `/checkout`,
`/checkout/confirmation`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote_plus

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, segments
from fakehouse.core.distributions import Categorical, geometric
from fakehouse.core.permutation import Permutation
from fakehouse.core.table import MAX_MULTIPLIER, Column, Context, Table
from fakehouse.core.timeline import SECONDS_PER_DAY, SECONDS_PER_HOUR
from fakehouse.domains.retail import customers, products, sales
from fakehouse.domains.retail.catalog import catalog
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
BOUNCE, BROWSE, CART, ORDER = range(4)  # session kinds
LANDING_KINDS = {"home": PAGE_VIEW, "category": PAGE_VIEW, "search": SEARCH}  # else a product
MAX_BROWSE = 30
MAX_PAIRS = sales.LINE_SLOTS + 1  # (view, add) pairs: an order's lines and one removed again
MAX_EVENTS = 1 + MAX_BROWSE + 2 * MAX_PAIRS + 4  # landing, browsing, pairs, cart page ... purchase
MAX_TRIES = 64  # sales an order slot tries before it gives up (then the visitor just browses)
FIRST_TRIES = 8  # tries of the first round: most slots find an online sale in it
SESSION_TIMEOUT = 30 * 60  # seconds: a longer pause would start another session
SESSION_PREFIX = "SES"  # session ids: no sessions table, so no table declares their prefix
# the vocabulary of page URLs: these fixed pages, then a category page and a search page per
# subcategory of the catalogue; product pages are /product/<product_id>
HOME, CART_PAGE, CHECKOUT_PAGE, CONFIRMATION = range(4)
FIXED_PAGES = ("/", "/cart", "/checkout", "/checkout/confirmation")
# stages of a session, in order: the event at position k is in the first stage whose end
# (see Funnel.ends) is above k
LANDING, BROWSING, PAIRS, CART_VIEW, REMOVAL, CHECKING_OUT, BUYING = range(7)


@cache
def pages() -> pa.Array:
    """The page URLs other than product pages (see FIXED_PAGES)."""
    data = catalog()
    owner = np.repeat(np.arange(len(data.categories)), data.sub_count)
    subs = data.subcategories.to_pylist()
    slug = lambda text: re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")  # noqa: E731
    category = [
        f"/category/{slug(data.categories[c])}/{slug(s)}" for c, s in zip(owner, subs, strict=True)
    ]
    search = [f"/search?q={quote_plus(s.lower())}" for s in subs]
    return arrow.strings([*FIXED_PAGES, *category, *search])


@dataclass(frozen=True)
class Orders:
    """The online sale each session visits (-1: none), with the sale's facts."""

    slotted: np.ndarray  # an order slot (which may find no online sale)
    sale: np.ndarray
    customer: np.ndarray
    seconds: np.ndarray
    items: np.ndarray


def orders(ctx: Context, session: np.ndarray) -> Orders:
    """The online order of each order session (see the module doc); -1 elsewhere.

    A slot's tries are looked at in rounds of doubling size (8, 16, 32, ... sales), so that
    a few rounds settle every slot whatever the share of online sales; the first online try
    is the order, however the rounds are cut."""
    n_sessions, n_sales = ctx.sizes[NAME], ctx.sizes[sales.NAME]
    slots = min(round(ctx.params.behavior.conversion_rate * n_sessions), n_sessions)
    slot = Permutation(n_sessions, ctx.stream(NAME, "order_slot").key).forward(session)
    shuffled = Permutation(n_sales, ctx.stream(NAME, "order_sale").key)
    found = Orders(slot < slots, *(np.full(len(session), -1, dtype=np.int64) for _ in range(4)))
    todo = np.flatnonzero(found.slotted)
    first, size = 0, FIRST_TRIES
    while len(todo) and first < MAX_TRIES:
        tries = np.arange(first, min(first + size, MAX_TRIES))
        position = slot[todo][:, None] + tries[None, :] * slots  # (slot, try), tries in order
        valid = position < n_sales
        t = shuffled.forward(position[valid])
        b = sales.buyers(ctx, t)  # who, when and which channel: no status, store or lines
        online = np.zeros(position.shape, dtype=bool)
        online[valid] = b.online  # drawn online: no store is ever looked for (sales._place)
        hit = online.any(axis=1)
        flat = np.flatnonzero(valid.ravel())  # the basket of each valid (slot, try)
        at = np.searchsorted(flat, np.flatnonzero(hit) * len(tries) + online[hit].argmax(axis=1))
        done = todo[hit]
        found.sale[done] = t[at]
        found.customer[done] = b.customer[at]
        found.seconds[done] = b.seconds[at]
        found.items[done] = sales.item_count(ctx, t[at], b.segment[at])
        todo = todo[~hit & valid[:, -1]]
        first, size = first + size, 2 * size
    return found


@dataclass(frozen=True)
class Funnel:
    """How far each session goes, with its order (if any)."""

    kind: np.ndarray
    landing: np.ndarray  # code in landing_mix
    browse: np.ndarray  # browsing events after the landing page
    pairs: np.ndarray  # (product_view, add_to_cart) pairs
    cart_view: np.ndarray  # 0/1 from here on
    remove: np.ndarray
    checkout: np.ndarray
    purchase: np.ndarray
    removed: np.ndarray  # the pair removed again (when remove)
    order: Orders

    @property
    def events(self) -> np.ndarray:
        return self.ends()[-1]

    def ends(self) -> list[np.ndarray]:
        """One past the last position of each stage, LANDING to BUYING."""
        stages = (self.browse, 2 * self.pairs, self.cart_view, self.remove, self.checkout)
        ends = [np.ones(len(self.kind), dtype=np.int64)]
        for count in (*stages, self.purchase):
            ends.append(ends[-1] + count)
        return ends


def funnel(ctx: Context, session: np.ndarray) -> Funnel:
    """The kind and stages of `session` (any indices): what `counts` and `block` share."""
    p = ctx.params.behavior
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    order = orders(ctx, session)
    u = s("kind").uniform(session)
    rest = 1.0 - p.conversion_rate  # the other kinds share the sessions that are no order slot
    kind = np.select(
        [
            order.sale >= 0,
            order.slotted,  # an order slot without an online sale: the visitor just browses
            u * rest < p.bounce_rate,
            u * rest < p.bounce_rate + p.carts_rate,
        ],
        [ORDER, BROWSE, BOUNCE, CART],
        BROWSE,
    )

    bounce, cart, bought = kind == BOUNCE, kind == CART, kind == ORDER
    browse = 1 + np.minimum(
        geometric(s("browse").uniform(session), 1.0 / p.browse_mean), MAX_BROWSE - 1
    )
    browse[bounce] = 0
    extra = s("remove").uniform(session) < p.remove_rate
    added = 1 + np.minimum(
        geometric(s("cart_items").uniform(session), 1.0 / p.cart_items_mean), MAX_PAIRS - 2
    )
    checkout = cart & (s("checkout").uniform(session) < p.abandoned_at_checkout)
    remove = np.where(bought, extra, cart & extra & ((added >= 2) | ~checkout))
    pairs = np.select([bought, cart], [order.items + extra, added], 0)
    removed = np.floor(s("removed").uniform(session) * np.maximum(pairs, 1)).astype(np.int64)
    one = lambda mask: mask.astype(np.int64)  # noqa: E731
    return Funnel(
        kind=kind,
        landing=Categorical.of(p.landing_mix).sample(s("landing").uniform(session)),
        browse=browse,
        pairs=pairs,
        cart_view=one(bought | checkout | remove),
        remove=one(remove),
        checkout=one(bought | checkout),
        purchase=one(bought),
        removed=removed,
        order=order,
    )


def counts(ctx: Context, start: int, stop: int) -> np.ndarray:
    return funnel(ctx, np.arange(start, stop, dtype=np.int64)).events


def _gaps(ctx: Context, event: np.ndarray) -> np.ndarray:
    """Seconds since the previous event: log-normal with mean_gap_seconds, 1 s to the timeout."""
    p = ctx.params.behavior
    median = p.mean_gap_seconds * np.exp(-0.5 * p.gap_sigma**2)
    gap = median * np.exp(p.gap_sigma * ctx.stream(NAME, "gap").normal(event))
    return np.clip(np.round(gap), 1, SESSION_TIMEOUT).astype(np.int64)


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.behavior
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    w = ctx.window
    session = np.arange(start, stop, dtype=np.int64)
    f = funnel(ctx, session)
    bought = f.kind == ORDER
    ends = f.ends()
    n = ends[-1]

    # who and when: an order's customer, else one picked by activity, after registering
    customer = f.order.customer.copy()
    visitor = np.flatnonzero(~bought)
    customer[visitor], registered = customers.pick_registered(ctx, s("customer"), session[visitor])
    registered = np.maximum(registered, w.start_day)
    begin = np.empty(len(session), dtype=np.int64)
    begin[visitor] = intensity(ctx, online=True).sample(
        s("start").uniform(session[visitor]),
        registered * SECONDS_PER_DAY,
        w.end_second - 4 * SECONDS_PER_HOUR,
    )
    device = Categorical.of(p.device_mix)
    device_code = device.sample(s("device_type").uniform(session))

    # each event: its session (row), position k, stage
    row = segments.ids(n)
    starts = segments.starts(n)
    local = np.arange(len(row), dtype=np.int64)
    k = segments.positions(n)
    event = first_row + local
    stage = np.zeros(len(row), dtype=np.int64)
    for end in ends[:-1]:
        stage += k >= end[row]

    # time: gaps add up from the first event; an order session ends at the order's time (not
    # before that day began, so nothing precedes the customer's sign-up or a product's launch)
    gap = _gaps(ctx, event)
    gap[k == 0] = 0
    elapsed = np.cumsum(gap)
    elapsed -= elapsed[starts][row] if len(row) else elapsed
    last = elapsed[starts + n - 1] if len(row) else np.zeros(0, dtype=np.int64)
    ordered = bought[row]
    sold = f.order.seconds[row]
    seconds = np.where(
        ordered,
        np.maximum(sold - (last[row] - elapsed), sold - sold % SECONDS_PER_DAY),
        np.minimum(begin[row] + elapsed, w.end_second - 1),
    )
    day = seconds // SECONDS_PER_DAY

    # what: event types by stage
    landing = np.array([LANDING_KINDS.get(x, PRODUCT_VIEW) for x in p.landing_mix])
    browsing = Categorical.of(p.browse_mix)
    browse_kinds = np.array([EVENT_TYPES.index(x) for x in browsing.values])
    in_pairs = stage == PAIRS
    pair = (k - ends[BROWSING][row]) // 2  # pair number, in the PAIRS stage
    adding = in_pairs & ((k - ends[BROWSING][row]) % 2 == 1)
    kind = np.array([PAGE_VIEW, PAGE_VIEW, PRODUCT_VIEW, PAGE_VIEW, REMOVE, CHECKOUT, PURCHASE])
    kind = kind[stage]
    kind[adding] = ADD
    at = np.flatnonzero(k == 0)
    kind[at] = landing[f.landing]
    at = np.flatnonzero(stage == BROWSING)
    kind[at] = browse_kinds[browsing.sample(s("browse_kind").uniform(event[at]))]
    home_code = list(p.landing_mix).index("home") if "home" in p.landing_mix else -1
    home = (stage == LANDING) & (f.landing[row] == home_code)

    # which product: an order's pairs are its lines, but for the one removed again (an extra
    # product); other views are picked by popularity; an add or removal takes the pair's
    remove = f.remove[row] == 1
    removed = f.removed[row]
    viewing = in_pairs & ~adding
    from_order = viewing & ordered & ~(remove & (pair == removed))
    product = np.full(len(row), -1, dtype=np.int64)
    at = np.flatnonzero(from_order)
    line = pair[at] + 1 - (remove[at] & (pair[at] > removed[at]))
    product[at] = sales.line_products(ctx, f.order.sale[row[at]], line, day[at])
    browsed = (stage == BROWSING) | ((stage == LANDING) & ~home)
    at = np.flatnonzero(browsed | (viewing & ~from_order))
    product[at] = products.pick(ctx, s("product"), event[at], day[at])
    at = np.flatnonzero(adding)
    product[at] = product[at - 1]  # the product just viewed
    at = np.flatnonzero(stage == REMOVAL)
    product[at] = product[starts[row[at]] + ends[BROWSING][row[at]] + 2 * removed[at]]

    # where: the page of each event
    subs = catalog().subcategories
    page = np.array([HOME, HOME, HOME, CART_PAGE, CART_PAGE, CHECKOUT_PAGE, CONFIRMATION])[stage]
    listing = np.flatnonzero((kind == PAGE_VIEW) & (stage <= BROWSING) & ~home)
    page[listing] = len(FIXED_PAGES) + products.subcategory(ctx, product[listing])
    searching = np.flatnonzero(kind == SEARCH)
    page[searching] = len(FIXED_PAGES) + len(subs) + products.subcategory(ctx, product[searching])
    on_product = (kind == PRODUCT_VIEW) | (kind == ADD)
    keep = on_product | (kind == REMOVE)
    product_id = arrow.null_where(products.ids(product), ~keep)
    url = arrow.where(on_product, arrow.join("/product/", product_id), arrow.take(pages(), page))
    return {
        "event_id": TABLE.ids(event),
        "session_id": arrow.ids(SESSION_PREFIX, SESSION_ID_WIDTH, session[row] + 1),
        "customer_id": customers.ids(customer[row]),
        "event_timestamp": arrow.timestamps(seconds),
        "event_type": arrow.labels(EVENT_TYPES, kind),
        "product_id": product_id,
        "device_type": arrow.labels(device.values, device_code[row]),
        "page_url": url,
    }


TABLE = Table(
    name=NAME,
    description="Web clickstream, a sample of the shop's sessions: landing, browsing, cart, "
    "checkout; each session that ends in a purchase is the visit of one online order.",
    base_rows=30_000,  # sessions
    block=block,
    primary_key=("event_id",),
    parents=("customers", "products", sales.NAME),
    counts=counts,
    rows_per_driver=4.4,
    max_per_driver=MAX_EVENTS,
    columns=(
        Column(
            "event_id",
            pa.string(),
            "Event key, EVT + 12 digits, dense from 1.",
            unique=True,
            id_prefix="EVT",
        ),
        Column(
            "session_id",
            pa.string(),
            "Visit the event belongs to.",
            id_prefix=SESSION_PREFIX,
            varied=True,
        ),
        Column(
            "customer_id",
            pa.string(),
            "Signed-in customer, registered before the visit; for a purchase, the order's.",
            references="customers.customer_id",
            varied=True,
        ),
        Column(
            "event_timestamp",
            arrow.TIMESTAMP,
            "Time of the event; increasing in a session, at most 30 minutes apart; a purchase "
            "is at its order's transaction_date.",
            varied=True,
        ),
        Column(
            "event_type",
            pa.string(),
            "page_view, product_view, search, add_to_cart, "
            "remove_from_cart, checkout_start or purchase.",
        ),
        Column(
            "product_id",
            pa.string(),
            "Product viewed, added or removed (added only after viewing it, removed only after "
            "adding it); else null.",
            nullable=True,
            references="products.product_id",
            varied=True,
        ),
        Column("device_type", pa.string(), "Mobile, Desktop or Tablet."),
        Column(
            "page_url",
            pa.string(),
            "Page of the event: /, /category/<category>/<subcategory>, /search?q=<terms>, "
            "/product/<product_id> (views and adds), /cart, /checkout, /checkout/confirmation.",
            varied=True,
        ),
    ),
)
SESSION_ID_WIDTH = len(str(TABLE.base_rows * MAX_MULTIPLIER))
