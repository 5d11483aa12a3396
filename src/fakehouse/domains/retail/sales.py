"""retail_analytics.transactions and transaction_items: one sales model, two tables.

Every fact of sale t is a pure function of t: its customer (by segment frequency), channel,
store (in the customer's state, else online), employee, timestamp (seasonal, peak hours,
never before the customer registered, the store opened or the employee was hired), campaign,
and its lines (products by popularity, launched before the sale). The transactions table sums
the lines in integer cents, so totals equal the sum of their items to the cent; reviews
re-derive a sale the same way instead of reading it back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, reference
from fakehouse.core.distributions import Categorical, poisson
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import SECONDS_PER_DAY
from fakehouse.domains.retail import campaigns, customers, employees, products, stores
from fakehouse.domains.retail.clock import intensity
from fakehouse.domains.retail.params import SEGMENTS

NAME = "transactions"
ITEMS = "transaction_items"
LINE_SLOTS = 16  # line streams are indexed by t * LINE_SLOTS + line
CHANNELS = ("In-Store", "Online")
DRAWS = 4  # tries to find a store open / an employee at work on the day of a sale


def ids(idx: np.ndarray) -> pa.Array:
    return TRANSACTIONS.ids(idx)


def _s(ctx: Context, column: str):
    return ctx.stream(NAME, column)


def item_count(ctx: Context, t: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """1..max_items lines; the mean rises with the customer's segment."""
    mean = np.array([ctx.params.segments[s].basket_mean for s in SEGMENTS])[seg]
    cap = ctx.params.sales.max_items - 1
    extra = poisson(_s(ctx, "item_count").uniform(t), mean - 1.0, cap=cap)
    return 1 + extra


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


def line_products(ctx: Context, t: np.ndarray, line: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The product on line `line` (1-based) of sale `t`, on sale by `day`."""
    return products.pick(ctx, ctx.stream(ITEMS, "product"), t * LINE_SLOTS + line, day)


def _place(ctx: Context, b: Basket):
    """Store and employee of in-store sales; online, home state.

    The time came first; now a store of the customer's state that was open that day and an
    employee who worked there that day are drawn (a few tries each; else the sale is online,
    or the store manager rang it up). Drawing resources for a time, rather than a time for
    resources, keeps new stores and new hires from cramming a full share of sales into their
    first weeks.
    """
    t, day = b.t, b.day
    home = customers.home_state(ctx, b.customer)
    store = np.full(len(t), -1)
    for attempt in range(DRAWS):
        todo = np.flatnonzero(b.in_store & (store < 0))
        if not len(todo):
            break
        u = _s(ctx, "store").child(attempt).uniform(t[todo])
        candidate = stores.pick_in_state(ctx, home[todo], u)
        safe = np.maximum(candidate, 0)
        open_then = (
            (candidate >= 0)
            & (stores.opening_day(ctx, safe) <= day[todo])
            & (day[todo] <= stores.closing_day(ctx, safe))
        )
        store[todo[open_then]] = candidate[open_then]
    online = store < 0  # drawn online, or no store of the state was open that day
    store = np.where(online, stores.pick_online(ctx, _s(ctx, "online_store").uniform(t)), store)

    employee = np.where(online, -1, store)  # the store manager, unless someone else served
    for attempt in range(DRAWS):
        todo = np.flatnonzero(~online & (employee == store))
        if not len(todo):
            break
        u = _s(ctx, "employee").child(attempt).uniform(t[todo])
        candidate = employees.pick(ctx, store[todo], u)
        hire = employees.hire_day(ctx, candidate)
        there = (hire <= day[todo]) & (day[todo] <= employees.termination_day(ctx, candidate, hire))
        employee[todo[there]] = candidate[there]
    return online, store, employee, home


def sales(ctx: Context, t: np.ndarray) -> Sales:
    """Every fact of sales `t` (any indices, any order)."""
    p = ctx.params.sales
    b = baskets(ctx, t)
    t, seconds, status, items, day = b.t, b.seconds, b.status, b.items, b.day
    online, store, employee, home = _place(ctx, b)
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
    product = line_products(ctx, t[line_sale], line_number, day[line_sale])
    price = products.price_cents(ctx, product)
    quantities = Categorical.of(p.quantity_mix)
    quantity = np.asarray(quantities.values, dtype=np.int64)[
        quantities.sample(ls("quantity").uniform(key))
    ]
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
    tax_state = np.where(online, home, reference.places().state_index[stores.place(ctx, store)])
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
            "In the customer's state, or an Online store.",
            references="stores.store_id",
        ),
        Column(
            "employee_id",
            pa.string(),
            "Cashier working at that store then; null online.",
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
        Column("item_count", pa.int32(), "Number of lines, 1-10."),
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
    rows_per_driver=4.0,
    columns=(
        Column(
            "transaction_id", pa.string(), "The sale.", references="transactions.transaction_id"
        ),
        Column("line_number", pa.int32(), "1..item_count within the sale."),
        Column(
            "product_id",
            pa.string(),
            "A product launched before the sale.",
            references="products.product_id",
        ),
        Column("quantity", pa.int32(), "Units, mostly 1."),
        Column("unit_price", arrow.MONEY, "The product's list price (before discount)."),
        Column("discount_amount", arrow.MONEY, "Campaign or promotion discount of the line."),
        Column("tax_amount", arrow.MONEY, "Sales tax of the line."),
        Column("line_total", arrow.MONEY, "quantity x unit_price - discount_amount + tax_amount."),
    ),
)
