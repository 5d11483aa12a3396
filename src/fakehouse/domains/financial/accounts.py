"""financial_analytics.accounts: every product a customer holds, with ledger balances.

The layout of a customer group says who holds what (see `layout`); the group's ledger gives
each account's opening balance at the ledger start, its current balance (opening plus the
completed transactions) and pending holds. The table is generated in one task with the
transactions of the same customers (one table group, one ledger), so the two agree to the
cent; the first pass counts accounts per customer from the layout alone.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.table import Column, Context, Table
from fakehouse.domains.financial import common, customers, layout, ledger
from fakehouse.domains.financial.layout import CARD, CHECKING, LOAN, NEVER
from fakehouse.domains.financial.params import ACCOUNT_TYPES

NAME = "accounts"
STATUSES = ("Active", "Closed", "Dormant", "Frozen")


def _columns(ctx: Context, led: ledger.Ledger, sel: np.ndarray) -> dict:
    lay = led.layout
    w = ctx.window
    kind = lay.kind[sel]
    closed = lay.close_day[sel] <= w.end_day
    rows = np.bincount(led.rows["acc"], minlength=len(lay.index))[sel]
    frozen = np.zeros(len(sel), dtype=bool)
    card_pos = lay.card[sel]
    frozen[kind == CARD] = lay.cards.delinquency[card_pos[kind == CARD]] == 3
    loan_pos = lay.loan[sel]
    frozen[kind == LOAN] = lay.loans.status[loan_pos[kind == LOAN]] == layout.DEFAULT
    dormant = (kind < CARD) & (rows == 0) & (lay.open_day[sel] < w.end_day - 365)
    status = np.select([closed, frozen, dormant], [1, 3, 2], 0)
    current = led.current[sel]
    limit = np.zeros(len(sel), dtype=np.int64)
    limit[kind == CARD] = lay.cards.limit[card_pos[kind == CARD]]
    limit = np.where(kind == CHECKING, lay.overdraft[sel], limit)
    available = np.select(
        [kind == CARD, kind == LOAN, closed],
        [limit - current - led.pending[sel], 0, 0],
        current - led.pending[sel],
    )
    close = lay.close_day[sel]
    return {
        "account_id": TABLE.ids(lay.index[sel]),
        "customer_id": customers.ids(ctx, lay.customer[sel]),
        "account_type": arrow.labels(ACCOUNT_TYPES, kind),
        "account_status": arrow.labels(STATUSES, status),
        "open_date": arrow.dates(lay.open_day[sel]),
        "close_date": arrow.dates(np.where(close < NEVER, close, 0), mask=close >= NEVER),
        "opening_balance": arrow.money(led.opening[sel]),
        "current_balance": arrow.money(current),
        "available_balance": arrow.money(available),
        "credit_limit": arrow.money(limit, mask=limit <= 0),
        "overdraft_protection": lay.overdraft[sel] > 0,
        "interest_rate": lay.rate[sel],
    }


def counts(ctx: Context, start: int, stop: int) -> np.ndarray:
    return common.per_customer(ctx, start, stop, range(len(ACCOUNT_TYPES)))


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    parts = []
    for g0, g1 in common.customer_groups(ctx, start, stop):
        led = common.shared_ledger(ctx, g0, g1)
        cust = led.layout.customer
        sel = np.flatnonzero((cust >= start) & (cust < stop))
        parts.append(_columns(ctx, led, sel))
    return common.concat(parts, TABLE)


TABLE = Table(
    name=NAME,
    description="Deposit, card and loan accounts; balances agree with the transactions.",
    base_rows=20_000,  # exactly 20,000 x m, dealt to customers group by group
    block=block,
    primary_key=("account_id",),
    parents=("customers",),
    driver="customers",
    counts=counts,
    rows_per_driver=10.0,  # blocks are sized by the ledger rows they simulate
    group=common.GROUP,
    columns=(
        Column(
            "account_id",
            pa.string(),
            "Account key, ACC + 10 digits, dense from 1; a customer's accounts are consecutive.",
            unique=True,
            id_prefix="ACC",
        ),
        Column("customer_id", pa.string(), "Holder.", references="customers.customer_id"),
        Column(
            "account_type", pa.string(), "Checking, Savings, Money Market, CD, Credit Card or Loan."
        ),
        Column(
            "account_status",
            pa.string(),
            "Active, Closed, Dormant (no activity) or Frozen (90+ days past due, default).",
        ),
        Column(
            "open_date", pa.date32(), "On or after the customer's join_date; loans: origination."
        ),
        Column(
            "close_date", pa.date32(), "Closing day (loans: paid off), else null.", nullable=True
        ),
        Column(
            "opening_balance",
            arrow.MONEY,
            "Balance when the transaction ledger starts "
            "(0 for accounts opened inside it). Cards and loans: amount owed.",
        ),
        Column(
            "current_balance",
            arrow.MONEY,
            "opening_balance plus the account's completed "
            "transactions; deposits log-normal; cards and loans: amount owed.",
        ),
        Column(
            "available_balance",
            arrow.MONEY,
            "Current balance less pending holds; cards: "
            "credit limit less balance and holds; 0 for loans and closed accounts.",
        ),
        Column(
            "credit_limit",
            arrow.MONEY,
            "Card limit, or overdraft limit of a protected Checking account; else null.",
            nullable=True,
        ),
        Column(
            "overdraft_protection",
            pa.bool_(),
            "Checking may go below zero, down to minus credit_limit.",
        ),
        Column("interest_rate", pa.float64(), "Annual rate: deposit yield, card APR or loan rate."),
    ),
)
