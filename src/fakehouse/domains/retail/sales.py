"""retail_analytics.transactions and transaction_items: one sales model, two tables.

Every fact of sale t is a pure function of t: its customer (by segment frequency), channel,
timestamp (seasonal, peak hours, never before the customer registered), store (in the
customer's state by the stores' traffic, trading that day, else online), the employee who
rang it up (by position: cashiers and sales associates most), campaign, and its lines: how
many (one line the most common basket), which products (from the store's assortment, by
popularity, on sale that day) and how many units (by product type). The transactions table
sums the lines in integer cents, so totals equal the sum of their items to the cent; reviews
re-derive a sale the same way instead of reading it back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, reference
from fakehouse.core.distributions import Categorical, geometric
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import SECONDS_PER_DAY
from fakehouse.domains.retail import campaigns, customers, employees, inventory, products, stores
from fakehouse.domains.retail.clock import intensity
from fakehouse.domains.retail.params import SEGMENTS

NAME = "transactions"
ITEMS = "transaction_items"
LINE_SLOTS = 16  # line streams are indexed by t * LINE_SLOTS + line
CHANNELS = ("In-Store", "Online")
DRAWS = 4  # tries to find a store trading on the day of a sale
STAFF_DRAWS = 8  # tries to find who rang up an in-store sale (else the store manager)


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


def counts(ctx: Context, start: int, stop: int) -> np.ndarray:
    """Lines per sale, for planning transaction_items (cheap: no times, no stores)."""
    t = np.arange(start, stop, dtype=np.int64)
    c = customers.pick(ctx, _s(ctx, "customer"), t)
    return item_count(ctx, t, customers.segment(ctx, c))


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
        starts = np.concatenate([[0], np.cumsum(self.items)[:-1]])
        return np.add.reduceat(cents, starts) if len(cents) else np.zeros(0, np.int64)


@dataclass(frozen=True)
class Basket:
    """A sale without its place: who bought, when, how it ended, how many lines."""

    t: np.ndarray
    customer: np.ndarray
    in_store: np.ndarray  # the channel drawn (a sale may still go online, see _place)
    seconds: np.ndarray
    status: np.ndarray
    items: np.ndarray

    @property
    def day(self) -> np.ndarray:
        return self.seconds // SECONDS_PER_DAY


def baskets(ctx: Context, t: np.ndarray) -> Basket:
    """Customer, channel, timestamp (after registration, by the channel's intensity), status
    and line count of sales `t` (any indices, any order)."""
    p = ctx.params.sales
    w = ctx.window
    t = np.asarray(t, dtype=np.int64)
    c = customers.pick(ctx, _s(ctx, "customer"), t)
    seg = customers.segment(ctx, c)
    reg = np.maximum(customers.registration_day(ctx, c, seg), w.start_day) * SECONDS_PER_DAY
    share = np.array([ctx.params.segments[s].online_share for s in SEGMENTS])
    online = _s(ctx, "channel").uniform(t) < share[seg]
    u = _s(ctx, "transaction_date").uniform(t)
    seconds = np.empty(len(t), dtype=np.int64)
    for channel in (True, False):
        rows = np.flatnonzero(online == channel)
        seconds[rows] = intensity(ctx, online=channel).sample(u[rows], reg[rows], w.end_second)
    status = Categorical.of(p.status_mix).sample(_s(ctx, "transaction_status").uniform(t))
    return Basket(t, c, ~online, seconds, status, item_count(ctx, t, seg))


def line_products(
    ctx: Context, t: np.ndarray, line: np.ndarray, day: np.ndarray, store: np.ndarray | None = None
) -> np.ndarray:
    """The product on line `line` (1-based) of sale `t` on `day`: one its store stocks, on
    sale that day. Pass the sales' stores when known (`stores_of`), else they are re-derived
    from t (once per distinct sale: the lines of an order share it)."""
    if store is None:
        sale, back = np.unique(t, return_inverse=True)
        store = stores_of(ctx, baskets(ctx, sale))[back]
    return _lines(ctx, t, line, day, store)[0]


def stores_of(ctx: Context, b: Basket) -> np.ndarray:
    """The store (or fulfilment centre) of each sale."""
    return _place(ctx, b)[1]


def _lines(ctx: Context, t: np.ndarray, line: np.ndarray, day: np.ndarray, store: np.ndarray):
    """Products of sale lines, with their popularity ranks."""
    key = t * LINE_SLOTS + line
    return inventory.pick(ctx, ctx.stream(ITEMS, "product"), key, store, day)


def _place(ctx: Context, b: Basket):
    """Online or not, store and home state of sales.

    The time came first; now a store of the customer's state is drawn by traffic and kept
    with its share of full traffic that day (0 unless open, lower while a new store ramps
    up), a few tries, else the sale is online. Drawing resources for a time, rather than a
    time for resources, keeps new stores from cramming a full share of sales into their
    first weeks.
    """
    t, day = b.t, b.day
    home = customers.home_state(ctx, b.customer)
    store = np.full(len(t), -1)
    for attempt in range(DRAWS):
        todo = np.flatnonzero(b.in_store & (store < 0))
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
    return online, store, home


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
    online, store, home = _place(ctx, b)
    employee = _served_by(ctx, t, day, store, online)
    u_pay = _s(ctx, "payment_method").uniform(t)
    payment = np.where(
        online,
        Categorical.of(p.online_payment_mix).sample(u_pay),
        Categorical.of(p.store_payment_mix).sample(u_pay),
    )
    campaign = campaigns.active_on(
        ctx, day, _s(ctx, "campaign").uniform(t), _s(ctx, "campaign_reach").uniform(t)
    )

    # lines
    line_sale = np.repeat(np.arange(len(t)), items)
    starts = np.concatenate([[0], np.cumsum(items)[:-1]])
    line_number = np.arange(len(line_sale)) - np.repeat(starts, items) + 1
    key = t[line_sale] * LINE_SLOTS + line_number
    ls = lambda column: ctx.stream(ITEMS, column)  # noqa: E731
    product, rank = _lines(ctx, t[line_sale], line_number, day[line_sale], store[line_sale])
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
        campaigns.discount_rate(ctx, np.maximum(line_campaign, 0)),
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
        "transaction_status": arrow.labels(Categorical.of(p.status_mix).values, s.status),
        "campaign_id": campaigns.ids(s.campaign),
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
    parents=("customers", "stores", "employees", "marketing_campaigns", "products"),
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
        ),
        Column(
            "transaction_date",
            arrow.TIMESTAMP,
            "Local time of the sale; not before the "
            "customer's registration nor the store's opening.",
        ),
        Column("channel", pa.string(), "In-Store or Online."),
        Column("payment_method", pa.string(), "Card, cash, wallet, ... by channel."),
        Column("transaction_status", pa.string(), "Completed, Returned, Cancelled or Pending."),
        Column(
            "campaign_id",
            pa.string(),
            "Campaign active that day that drove the sale, else null.",
            nullable=True,
            references="marketing_campaigns.campaign_id",
        ),
        Column("item_count", pa.int32(), "Number of lines, 1-10; one line is the most common."),
        Column("subtotal", arrow.MONEY, "Sum of quantity x unit_price over the lines."),
        Column("discount_amount", arrow.MONEY, "Sum of line discounts."),
        Column("tax_amount", arrow.MONEY, "Sum of line sales tax (state rate)."),
        Column("total_amount", arrow.MONEY, "subtotal - discount_amount + tax_amount."),
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
            "transaction_id", pa.string(), "The sale.", references="transactions.transaction_id"
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
