"""retail_analytics.transactions and transaction_items: one sales model, two tables.

Every fact of sale t is a pure function of t. Most sales are organic: a customer picked by
purchase rate x the activity inside their life (customers.draw), a channel by their
segment, a time inside their active spans. A campaign's slots (marketing) are the sales it
drives: a time during the campaign, its channel, a customer active then whom it reaches.
Then its store (in the customer's state by the stores' traffic, trading that day, else
online), its lines: how many (one line the most common basket), which products (from the
store's assortment, by popularity, on sale that day) and how many units (by product type);
how the sale ends (cancelled, pending until it completes, returned some days later with a
chance by channel and by the category of its first line), and the employee who rang it up
(by position: cashiers and sales associates most). The transactions table sums the lines in
integer cents, so totals equal the sum of their items to the cent; reviews and campaigns
re-derive sales the same way instead of reading them back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, reference, segments
from fakehouse.core.distinct import distinct
from fakehouse.core.distributions import Categorical, geometric
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import SECONDS_PER_DAY
from fakehouse.domains.retail import (
    clock,
    customers,
    employees,
    inventory,
    marketing,
    products,
    stores,
)
from fakehouse.domains.retail.catalog import catalog
from fakehouse.domains.retail.params import SEGMENTS, STATUSES

NAME = "transactions"
ITEMS = "transaction_items"
LINE_SLOTS = 16  # line streams are indexed by t * LINE_SLOTS + line
CHANNELS = ("In-Store", "Online")
DRAWS = 4  # tries to find a store trading on the day of a sale
STAFF_DRAWS = 8  # tries to find who rang up an in-store sale (else the store manager)
COMPLETED, RETURNED, CANCELLED, PENDING = (STATUSES.index(x) for x in STATUSES)


def ids(idx: np.ndarray) -> pa.Array:
    return TRANSACTIONS.ids(idx)


def _s(ctx: Context, column: str):
    return ctx.stream(NAME, column)


def item_count(ctx: Context, t: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """1..max_items lines: 1 + a geometric count, so one line is the most common basket and
    larger ones get rarer; the mean rises with the customer's segment."""
    mean = np.array([ctx.params.segments[s].basket_mean for s in SEGMENTS])[seg]
    cap = ctx.params.sales.max_items - 1
    return 1 + geometric(_s(ctx, "item_count").uniform(t), 1.0 / mean, cap=cap)


@dataclass(frozen=True)
class Buyers:
    """Who bought sales `t`, in which channel (as drawn: see _place) and when, and the
    campaign that drove each (-1: none)."""

    t: np.ndarray
    customer: np.ndarray
    segment: np.ndarray
    online: np.ndarray
    seconds: np.ndarray
    campaign: np.ndarray


def _driven(ctx: Context, t: np.ndarray, campaign: np.ndarray):
    """Profile, channel and time of the sales campaigns drive: during the campaign (inside
    the window), in its channel, by a customer active then (opted in where it must be)."""
    unique, _, at = distinct(campaign, ctx.sizes[marketing.NAME])  # one drives several
    kind = marketing.campaign_type(ctx, unique)[at]
    start, end = (x[at] for x in marketing.dates(ctx, unique))
    channel = marketing.by_type(ctx, "channel")[kind]
    share = marketing.by_type(ctx, "online_share")[kind]
    online = np.where(
        channel == "Any", _s(ctx, "campaign_channel").uniform(t) < share, channel == "Online"
    )
    w = ctx.window
    seconds = clock.seconds(
        ctx,
        _s(ctx, "transaction_date").uniform(t),
        np.maximum(start, w.start_day) * SECONDS_PER_DAY,
        (np.minimum(end, w.end_day) + 1) * SECONDS_PER_DAY,
        online,
    )
    opt_in = marketing.by_type(ctx, "opt_in_only")[kind].astype(bool)
    day = seconds // SECONDS_PER_DAY
    who = customers.draw_active(ctx, _s(ctx, "campaign_customer"), t, day, opt_in)
    return who, online, seconds


def buyers(ctx: Context, t: np.ndarray, timed: bool = True) -> Buyers:
    """Customer, channel and time of sales `t` (any indices, any order): a campaign's sale,
    a customer's first purchase on registering, or else an organic sale. Without `timed`,
    only campaigns' sales get their times (the first pass needs only who bought)."""
    t = np.asarray(t, dtype=np.int64)
    n = len(t)
    customer, seg = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    online, seconds = np.empty(n, dtype=bool), np.empty(n, dtype=np.int64)
    share = np.array([ctx.params.segments[s].online_share for s in SEGMENTS])
    u_channel = _s(ctx, "channel").uniform(t)
    u_time = _s(ctx, "transaction_date").uniform(t)

    campaign = marketing.intended(ctx, t)
    rows = np.flatnonzero(campaign >= 0)
    if len(rows):
        who, on, when = _driven(ctx, t[rows], campaign[rows])
        label = customers.label(ctx, who)
        # nobody it could reach, or a customer whose segment never buys in that channel
        # (segments.online_share 0 or 1): an organic sale
        found = (who.customer >= 0) & np.where(on, share[label] > 0, share[label] < 1)
        campaign[rows[~found]] = -1
        rows = rows[found]
        customer[rows], seg[rows] = who.customer[found], label[found]
        online[rows], seconds[rows] = on[found], when[found]

    first, new = customers.welcome(ctx, t)
    if len(first):
        customer[first], seg[first] = new.customer, customers.label(ctx, new)
        online[first] = u_channel[first] < share[seg[first]]
        if timed:
            day = new.registered * SECONDS_PER_DAY
            seconds[first] = clock.seconds(
                ctx, u_time[first], day, day + SECONDS_PER_DAY, online[first]
            )

    organic = campaign < 0
    organic[first] = False
    rows = np.flatnonzero(organic)
    if len(rows):
        who = customers.draw(ctx, _s(ctx, "customer"), t[rows])
        customer[rows], seg[rows] = who.customer, customers.label(ctx, who)
        online[rows] = u_channel[rows] < share[seg[rows]]
        if timed:
            seconds[rows] = customers.active_seconds(ctx, who, u_time[rows], online[rows])
    return Buyers(t, customer, seg, online, seconds, campaign)


def counts(ctx: Context, start: int, stop: int) -> np.ndarray:
    """Lines per sale, for planning transaction_items (no statuses, stores or lines)."""
    b = buyers(ctx, np.arange(start, stop, dtype=np.int64), timed=False)
    return item_count(ctx, b.t, b.segment)


@dataclass(frozen=True)
class Sales:
    """Sales `t` with their lines; line arrays are grouped by sale, in line order."""

    t: np.ndarray
    customer: np.ndarray
    store: np.ndarray
    employee: np.ndarray  # -1 online
    online: np.ndarray
    seconds: np.ndarray
    status: np.ndarray
    return_day: np.ndarray  # -1 unless returned
    payment: np.ndarray
    campaign: np.ndarray  # -1 none
    items: np.ndarray
    line_sale: np.ndarray  # position in t of each line
    line_number: np.ndarray
    product: np.ndarray
    quantity: np.ndarray
    unit_price: np.ndarray  # cents
    discount: np.ndarray
    tax: np.ndarray
    line_total: np.ndarray

    def per_sale(self, cents: np.ndarray) -> np.ndarray:
        return segments.reduce(np.add, cents, self.items, 0)


@dataclass(frozen=True)
class Basket:
    """A sale without its place: who bought, when, how it ended, how many lines.

    `status` indexes params.STATUSES; `return_day` is -1 unless the sale was returned;
    `campaign` is the campaign meant to drive it (an in-store sale that finds no store open
    goes online and loses it: see `sales`)."""

    t: np.ndarray
    customer: np.ndarray
    segment: np.ndarray
    in_store: np.ndarray  # the channel drawn (a sale may still go online, see _place)
    seconds: np.ndarray
    status: np.ndarray
    return_day: np.ndarray
    campaign: np.ndarray
    items: np.ndarray
    main_product: np.ndarray  # the product of line 1
    main_rank: np.ndarray  # its popularity rank
    store: np.ndarray  # where it was made (a fulfilment centre online)
    home: np.ndarray  # the customer's home state

    @property
    def day(self) -> np.ndarray:
        return self.seconds // SECONDS_PER_DAY


def return_factor(ctx: Context, product: np.ndarray) -> np.ndarray:
    """How returnable products are, by category (sales.return_factors)."""
    factors = ctx.params.sales.return_factors
    by_category = np.array([factors.get(c, 1.0) for c in catalog().categories])
    return by_category[products.category(ctx, product)]


def outcome(
    ctx: Context, t: np.ndarray, in_store: np.ndarray, day: np.ndarray, factor: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(status, return day or -1) of sales `t`: cancelled by the channel's rate; else pending
    until it completes, pending_days after the sale; else returned with the channel's return
    rate x `factor`, a few days later (a return due after the window's end has not happened)."""
    p = ctx.params.sales
    o = [p.outcomes[c] for c in CHANNELS]
    channel = np.where(in_store, 0, 1)
    pick = lambda values: np.asarray(values)[channel]  # noqa: E731
    cancelled = _s(ctx, "cancel").uniform(t) < pick([x.cancel_rate for x in o])
    low, high = pick([x.pending_days[0] for x in o]), pick([x.pending_days[1] for x in o])
    settle = low + np.floor(_s(ctx, "settle").uniform(t) * (high - low + 1)).astype(np.int64)
    end = ctx.window.end_day
    pending = ~cancelled & (day + settle > end)
    first, last = p.return_days
    lag = first + np.floor((last - first + 1) * _s(ctx, "return_lag").uniform(t) ** 2)
    back = day + np.maximum(lag.astype(np.int64), settle)
    wants = _s(ctx, "return").uniform(t) < pick([x.return_rate for x in o]) * factor
    returned = ~cancelled & ~pending & wants & (back <= end)
    status = np.select([cancelled, pending, returned], [CANCELLED, PENDING, RETURNED], COMPLETED)
    return status, np.where(returned, back, -1)


def baskets(ctx: Context, t: np.ndarray) -> Basket:
    """Customer, channel, timestamp, status and line count of sales `t` (any indices, any
    order). How returnable a sale is depends on its first line's product (its main item)."""
    b = buyers(ctx, t)
    t, day = b.t, b.seconds // SECONDS_PER_DAY
    store, home = _place(ctx, t, b.customer, ~b.online, day)
    main, rank = _lines(ctx, t, np.ones_like(t), day, store)
    status, return_day = outcome(ctx, t, ~b.online, day, return_factor(ctx, main))
    items = item_count(ctx, t, b.segment)
    return Basket(
        t,
        b.customer,
        b.segment,
        ~b.online,
        b.seconds,
        status,
        return_day,
        b.campaign,
        items,
        main,
        rank,
        store,
        home,
    )


def line_products(
    ctx: Context, t: np.ndarray, line: np.ndarray, day: np.ndarray, store: np.ndarray | None = None
) -> np.ndarray:
    """The product on line `line` (1-based) of sale `t` on `day`: one its store stocks, on
    sale that day. Pass the sales' stores when known (`Basket.store`), else they are re-derived
    from t (once per distinct sale: the lines of an order share it)."""
    if store is None:
        sale, back = np.unique(t, return_inverse=True)
        store = baskets(ctx, sale).store[back]
    return _lines(ctx, t, line, day, store)[0]


def _lines(ctx: Context, t: np.ndarray, line: np.ndarray, day: np.ndarray, store: np.ndarray):
    """Products of sale lines, with their popularity ranks."""
    key = t * LINE_SLOTS + line
    return inventory.pick(ctx, ctx.stream(ITEMS, "product"), key, store, day)


def _place(
    ctx: Context, t: np.ndarray, customer: np.ndarray, in_store: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Store (a fulfilment centre online) and home state of sales.

    The time came first; now a store of the customer's state is drawn by traffic and kept
    with its share of full traffic that day (0 unless open, lower while a new store ramps
    up), a few tries, else the sale is online. Drawing resources for a time, rather than a
    time for resources, keeps new stores from cramming a full share of sales into their
    first weeks.
    """
    home = customers.home_state(ctx, customer)
    store = np.full(len(t), -1)
    for attempt in range(DRAWS):
        todo = np.flatnonzero(in_store & (store < 0))
        if not len(todo):
            break
        draw = _s(ctx, "store").child(attempt)
        candidate = stores.pick_in_state(ctx, home[todo], draw.uniform(t[todo]))
        safe = np.maximum(candidate, 0)
        rate = np.where(candidate >= 0, stores.trading(ctx, safe, day[todo]), 0.0)
        kept = draw.child("trading").uniform(t[todo]) < rate
        store[todo[kept]] = candidate[kept]
    online = store < 0  # drawn online, or no store of the state was trading that day
    store = np.where(online, stores.pick_online(ctx, _s(ctx, "online_store").uniform(t)), store)
    return store, home


def _served_by(ctx: Context, t: np.ndarray, day: np.ndarray, store: np.ndarray, online):
    """Who rang up each sale (-1 online): a member of the store's staff at work that day,
    kept with their position's checkout weight (cashiers most), else the store manager (at
    work while the store trades). Drawing the person for the time keeps new hires from
    cramming a full share of sales into their first weeks."""
    employee = np.where(online, -1, store)  # the store manager, unless someone else served
    todo = np.flatnonzero(~online)
    for attempt in range(STAFF_DRAWS):
        if not len(todo):
            break
        draw = _s(ctx, "employee").child(attempt)
        candidate = employees.pick(ctx, store[todo], draw.uniform(t[todo]))
        who = employees.staff(ctx, candidate, store[todo])
        takes = draw.child("checkout").uniform(t[todo]) < employees.checkout_weight(ctx, who)
        rows = np.flatnonzero(takes)
        served = np.zeros(len(todo), dtype=bool)
        served[rows] = employees.at_work(ctx, who[rows], day[todo[rows]])
        employee[todo[served]] = candidate[served]
        todo = todo[~served]
    return employee


def sales(ctx: Context, t: np.ndarray) -> Sales:
    """Every fact of sales `t` (any indices, any order)."""
    p = ctx.params.sales
    b = baskets(ctx, t)
    t, seconds, status, items, day = b.t, b.seconds, b.status, b.items, b.day
    store, home = b.store, b.home
    online = store < stores.online_count(ctx)  # drawn online, or no store trading that day
    employee = _served_by(ctx, t, day, store, online)
    u_pay = _s(ctx, "payment_method").uniform(t)
    payment = np.where(
        online,
        Categorical.of(p.online_payment_mix).sample(u_pay),
        Categorical.of(p.store_payment_mix).sample(u_pay),
    )
    # a campaign keeps the sales made in its channel (an in-store sale may have gone online)
    kind = marketing.campaign_type(ctx, np.maximum(b.campaign, 0))
    in_store_only = marketing.by_type(ctx, "channel")[kind] == "In-Store"
    campaign = np.where(online & in_store_only, -1, b.campaign)

    # lines
    line_sale = segments.ids(items)
    line_number = segments.positions(items) + 1
    key = t[line_sale] * LINE_SLOTS + line_number
    ls = lambda column: ctx.stream(ITEMS, column)  # noqa: E731
    product = np.empty(len(line_sale), dtype=np.int64)
    rank = np.empty(len(line_sale), dtype=np.int64)
    first = line_number == 1
    product[first], rank[first] = b.main_product, b.main_rank  # one line 1 per sale, in order
    rest = np.flatnonzero(~first)
    at = line_sale[rest]
    product[rest], rank[rest] = _lines(ctx, t[at], line_number[rest], day[at], store[at])
    facts = products.facts(ctx, product, rank)
    price = facts.price
    quantity = 1 + geometric(ls("quantity").uniform(key), 1.0 / facts.units, p.max_quantity - 1)
    gross = price * quantity
    line_campaign = campaign[line_sale]
    low, high = p.promo_discount
    promo = np.where(
        ls("promo").uniform(key) < p.promo_rate,
        low + (high - low) * ls("promo_rate").uniform(key),
        0,
    )
    rate = np.where(
        line_campaign >= 0,
        marketing.discount_rate(ctx, np.maximum(line_campaign, 0)),
        np.round(promo, 2),
    )
    discount = np.round(gross * rate).astype(np.int64)
    tax_state = np.where(online, home, stores.profile(ctx).state[store])
    tax_rate = reference.states().sales_tax_rate[tax_state][line_sale]
    tax = np.round((gross - discount) * tax_rate).astype(np.int64)
    return Sales(
        t,
        b.customer,
        store,
        employee,
        online,
        seconds,
        status,
        b.return_day,
        payment,
        campaign,
        items,
        line_sale,
        line_number,
        product,
        quantity,
        price,
        discount,
        tax,
        gross - discount + tax,
    )


def sales_range(ctx: Context, start: int, stop: int) -> Sales:
    """Sales [start, stop), computed once per task for both tables of the group."""
    key = (NAME, start, stop)
    if key not in ctx.scratch:
        ctx.scratch[key] = sales(ctx, np.arange(start, stop, dtype=np.int64))
    return ctx.scratch[key]


def transactions_block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    s = sales_range(ctx, start, stop)
    p = ctx.params.sales
    payments = (*Categorical.of(p.store_payment_mix).values,)
    online_payments = (*Categorical.of(p.online_payment_mix).values,)
    labels = tuple(dict.fromkeys(payments + online_payments))
    code = np.where(
        s.online,
        np.array([labels.index(x) for x in online_payments])[s.payment],
        np.array([labels.index(x) for x in payments])[s.payment],
    )
    subtotal = s.per_sale(s.unit_price * s.quantity)
    discount = s.per_sale(s.discount)
    tax = s.per_sale(s.tax)
    return {
        "transaction_id": ids(s.t),
        "customer_id": customers.ids(s.customer),
        "store_id": stores.ids(s.store),
        "employee_id": employees.ids(s.employee),
        "transaction_date": arrow.timestamps(s.seconds),
        "channel": arrow.labels(CHANNELS, s.online.astype(np.int64)),
        "payment_method": arrow.labels(labels, code),
        "transaction_status": arrow.labels(STATUSES, s.status),
        "return_date": arrow.dates(s.return_day, mask=s.return_day < 0),
        "campaign_id": ctx.domain.table(marketing.NAME).ids(s.campaign),
        "item_count": s.items.astype(np.int32),
        "subtotal": arrow.money(subtotal),
        "discount_amount": arrow.money(discount),
        "tax_amount": arrow.money(tax),
        "total_amount": arrow.money(subtotal - discount + tax),
    }


def items_block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    s = sales_range(ctx, start, stop)
    return {
        "transaction_id": ids(s.t[s.line_sale]),
        "line_number": s.line_number.astype(np.int32),
        "product_id": products.ids(s.product),
        "quantity": s.quantity.astype(np.int32),
        "unit_price": arrow.money(s.unit_price),
        "discount_amount": arrow.money(s.discount),
        "tax_amount": arrow.money(s.tax),
        "line_total": arrow.money(s.line_total),
    }


TRANSACTIONS = Table(
    name=NAME,
    description="One row per sale, in store or online, with totals that equal its items.",
    base_rows=50_000,
    block=transactions_block,
    primary_key=("transaction_id",),
    parents=("customers", "stores", "employees", "products"),
    group=NAME,
    columns=(
        Column(
            "transaction_id",
            pa.string(),
            "Sale key, TXN + 10 digits, dense from 1.",
            unique=True,
            id_prefix="TXN",
        ),
        Column(
            "customer_id",
            pa.string(),
            "The buyer; VIPs buy most often.",
            references="customers.customer_id",
            varied=True,
        ),
        Column(
            "store_id",
            pa.string(),
            "In the customer's state (busier stores more often), or an Online store.",
            references="stores.store_id",
        ),
        Column(
            "employee_id",
            pa.string(),
            "Who rang up the sale, working at that store then (cashiers and sales "
            "associates most); null online.",
            nullable=True,
            references="employees.employee_id",
            varied=True,
        ),
        Column(
            "transaction_date",
            arrow.TIMESTAMP,
            "Local time of the sale; not before the "
            "customer's registration nor the store's opening.",
            varied=True,
        ),
        Column("channel", pa.string(), "In-Store or Online."),
        Column("payment_method", pa.string(), "Card, cash, wallet, ... by channel."),
        Column(
            "transaction_status",
            pa.string(),
            "Completed, Returned, Cancelled or Pending (only orders of the last days).",
        ),
        Column(
            "return_date",
            pa.date32(),
            "Day a Returned sale came back, after the sale; null otherwise.",
            nullable=True,
        ),
        Column(
            "campaign_id",
            pa.string(),
            "The campaign that drove the sale (running that day, in its channel, reaching "
            "that customer), else null.",
            nullable=True,
            references="marketing_campaigns.campaign_id",
        ),
        Column("item_count", pa.int32(), "Number of lines, 1-10; one line is the most common."),
        Column("subtotal", arrow.MONEY, "Sum of quantity x unit_price over the lines."),
        Column("discount_amount", arrow.MONEY, "Sum of line discounts."),
        Column("tax_amount", arrow.MONEY, "Sum of line sales tax (state rate)."),
        Column(
            "total_amount", arrow.MONEY, "subtotal - discount_amount + tax_amount.", varied=True
        ),
    ),
)

TRANSACTION_ITEMS = Table(
    name=ITEMS,
    description="The lines of each sale.",
    base_rows=0,
    block=items_block,
    primary_key=("transaction_id", "line_number"),
    parents=(NAME,),
    driver=NAME,
    group=NAME,
    counts=counts,
    rows_per_driver=3.0,
    columns=(
        Column(
            "transaction_id",
            pa.string(),
            "The sale.",
            references="transactions.transaction_id",
            varied=True,
        ),
        Column("line_number", pa.int32(), "1..item_count within the sale."),
        Column(
            "product_id",
            pa.string(),
            "A product the store stocks, on sale that day (launched, not discontinued).",
            references="products.product_id",
        ),
        Column("quantity", pa.int32(), "Units, by product type: several of a consumable, one TV."),
        Column("unit_price", arrow.MONEY, "The product's list price (before discount)."),
        Column("discount_amount", arrow.MONEY, "Campaign or promotion discount of the line."),
        Column("tax_amount", arrow.MONEY, "Sales tax of the line."),
        Column("line_total", arrow.MONEY, "quantity x unit_price - discount_amount + tax_amount."),
    ),
)
