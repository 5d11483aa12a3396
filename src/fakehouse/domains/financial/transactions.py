"""financial_analytics.transactions: every account's ledger rows, in time order.

Blocks are ranges of customers; each block simulates the whole customer groups it touches
(see `ledger`) and keeps the rows of the groups whose first customer it holds. Those are
contiguous because rows are ordered by account and accounts by customer, and a group fills
exactly its share, so the planner counts them without simulating. The data therefore never
depend on the block size. Both sides of a transfer between a customer's own accounts carry the same
reference and point at each other.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fakehouse.core import arrow, reference
from fakehouse.core.table import Column, Context, Table
from fakehouse.domains.financial import accounts, common, ledger, merchants, rows
from fakehouse.domains.financial.params import LEDGER_DAYS, ROWS_PER_LEDGER_DAY
from fakehouse.domains.financial.rows import CHANNELS, KINDS, PREFIXES, STATUSES, TYPES

NAME = "transactions"
_TYPE_CODE = np.array([TYPES.index(k[0]) for k in KINDS])
_CHANNEL_CODE = np.array([CHANNELS.index(k[1]) for k in KINDS])


def _slice(ctx: Context, start: int, stop: int):
    """(ledger, row positions) of the groups owned by customers [start, stop), per group
    chunk (`common.owned_groups`)."""
    og0, og1 = common.owned_groups(ctx, start, stop)
    for g0, g1 in common.customer_groups(ctx, start, stop):
        led = common.shared_ledger(ctx, g0, g1)
        group = g0 + led.layout.account_group[led.rows["acc"]]
        yield led, np.flatnonzero((group >= og0) & (group < og1))


def counts(ctx: Context, start: int, stop: int) -> np.ndarray:
    parts = [
        common.on_first_customers(
            ctx, start, stop, g0, ledger.group_rows(ctx, common.shared_layout(ctx, g0, g1))
        )
        for g0, g1 in common.customer_groups(ctx, start, stop)
    ]
    return np.sum(parts, axis=0)


def _columns(ctx: Context, led: ledger.Ledger, sel: np.ndarray, first_row: int) -> dict:
    r = {k: v[sel] for k, v in led.rows.items()}
    lay = led.layout
    n = len(sel)
    number = first_row + np.arange(n, dtype=np.int64)
    acc = r["acc"]
    kind = r["kind"]
    v = merchants.of(ctx)

    # both sides of a pair: same reference (the first side's number), each other's account
    pair = r["pair"]
    ref = np.full(n, -1, dtype=np.int64)
    other = np.full(n, -1, dtype=np.int64)
    paired = np.flatnonzero(pair >= 0)
    if len(paired):
        order = paired[np.lexsort((number[paired], pair[paired]))]
        starts = np.r_[True, pair[order][1:] != pair[order][:-1]]
        head = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
        ref[order] = number[order[head]]
        partner = np.where(starts, np.r_[order[1:], order[-1]], order[head])
        other[order] = lay.index[acc[partner]]

    merchant = r["merchant"]
    has_merchant = merchant >= 0
    merchant_name = arrow.null_where(
        arrow.labels(v.merchants, np.maximum(merchant, 0)), ~has_merchant
    )
    employer = arrow.labels(v.employers, np.maximum(-2 - merchant, 0))
    suffix = arrow.where(merchant <= -2, employer, merchant_name)
    place = r["place"]
    has_place = place >= 0
    places = reference.places()
    at = np.maximum(place, 0)
    city = arrow.null_where(arrow.take(places.city, at), ~has_place)
    state = arrow.null_where(arrow.take(places.state, at), ~has_place)
    atm_where = arrow.join(city, state, sep=" ")
    suffix = arrow.where(kind == rows.ATM, atm_where, suffix)
    description = pc.binary_join_element_wise(
        arrow.labels(PREFIXES, kind), suffix, arrow.literal(" "), null_handling="skip"
    )
    device = r["device"]
    return {
        "transaction_id": TABLE.ids(number),
        "account_id": accounts.TABLE.ids(lay.index[acc]),
        "transaction_date": arrow.timestamps(r["sec"]),
        "transaction_type": arrow.labels(TYPES, _TYPE_CODE[kind]),
        "amount": arrow.money(r["amount"]),
        "balance_after": arrow.money(led.balance[sel]),
        "description": description,
        "merchant_name": merchant_name,
        "merchant_category": arrow.null_where(
            arrow.labels(v.categories, np.maximum(r["category"], 0)), r["category"] < 0
        ),
        "channel": arrow.labels(CHANNELS, _CHANNEL_CODE[kind]),
        "status": arrow.labels(STATUSES, r["status"]),
        "is_fraud": r["fraud"] > 0,
        "reference": arrow.ids("REF", TABLE.id_width, ref + 1),
        "counterparty_account_id": accounts.TABLE.ids(other),
        "city": city,
        "state": state,
        "latitude": arrow.array(places.latitude[at], mask=~has_place),
        "longitude": arrow.array(places.longitude[at], mask=~has_place),
        "device_id": arrow.null_where(arrow.ids("DEV", 13, np.maximum(device, 0) + 1), device < 0),
    }


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    parts = []
    row = first_row
    for led, sel in _slice(ctx, start, stop):
        parts.append(_columns(ctx, led, sel, row))
        row += len(sel)
    return common.concat(parts, TABLE)


TABLE = Table(
    name=NAME,
    description="Account ledger rows in time order over the last two months of the window, "
    "with running balances and injected fraud.",
    # exactly 610,000 x m (61 days at 10,000 a day), dealt to customers group by group
    base_rows=LEDGER_DAYS * ROWS_PER_LEDGER_DAY,
    block=block,
    primary_key=("transaction_id",),
    parents=("accounts",),
    driver="customers",
    counts=counts,
    rows_per_driver=61.0,  # over 10,000 customers a multiplier
    group=common.GROUP,
    columns=(
        Column(
            "transaction_id",
            pa.string(),
            "Key, TXN + 11 digits, dense from 1; ordered by customer, account, then time.",
            unique=True,
            id_prefix="TXN",
        ),
        Column(
            "account_id",
            pa.string(),
            "The account whose balance changes.",
            references="accounts.account_id",
        ),
        Column(
            "transaction_date",
            arrow.TIMESTAMP,
            "Local time; inside the ledger window and the account's life.",
            varied=True,
        ),
        Column(
            "transaction_type",
            pa.string(),
            "Deposit, Withdrawal, Purchase, Transfer, Bill "
            "Payment, Payment, Loan Payment, Loan Disbursement, Interest or Fee.",
        ),
        Column(
            "amount",
            arrow.MONEY,
            "Signed change of the balance. Deposit accounts: money "
            "in is positive. Credit Card and Loan accounts (balance = amount owed): "
            "purchases, interest and fees positive, payments negative.",
            varied=True,
        ),
        Column(
            "balance_after",
            arrow.MONEY,
            "Running balance after this row (failed and pending rows leave it unchanged).",
            varied=True,
        ),
        Column("description", pa.string(), "Statement text."),
        Column("merchant_name", pa.string(), "Merchant or biller; null otherwise.", nullable=True),
        Column("merchant_category", pa.string(), "Category of purchases and bills.", nullable=True),
        Column(
            "channel",
            pa.string(),
            "POS, Online, ATM, Mobile, Online Banking, ACH, Branch or System.",
        ),
        Column("status", pa.string(), "Completed, Pending (recent card activity) or Failed."),
        Column("is_fraud", pa.bool_(), "Part of an injected fraud episode (about 0.1%)."),
        Column(
            "reference",
            pa.string(),
            "Shared by both sides of a transfer or payment "
            "between the customer's own accounts; null otherwise.",
            nullable=True,
        ),
        Column(
            "counterparty_account_id",
            pa.string(),
            "The other side of an own-account transfer or payment; else null.",
            nullable=True,
            references="accounts.account_id",
        ),
        Column(
            "city",
            pa.string(),
            "Where it happened (merchant, ATM or device location); "
            "null for card-not-present and automated rows.",
            nullable=True,
        ),
        Column("state", pa.string(), "State of city.", nullable=True),
        Column("latitude", pa.float64(), "Latitude of city's ZIP code.", nullable=True),
        Column("longitude", pa.float64(), "Longitude of city's ZIP code.", nullable=True),
        Column(
            "device_id",
            pa.string(),
            "Device of a mobile or online-banking session; null otherwise.",
            nullable=True,
        ),
    ),
)
