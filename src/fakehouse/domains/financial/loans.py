"""financial_analytics.loans: one loan per Loan account, on an amortisation schedule.

Loan k is the k-th Loan account in account order (see `layout`). Underwriting: the rate is
the origination year's market rate for the type plus a risk spread; the amount is cut so
that the payment stays within the type's cap of the borrower's income and all of a
borrower's loans within a debt-to-income cap; defaults depend on type (mortgages least,
unsecured personal loans most), risk and payment over income. The monthly payment follows
the annuity formula
P = L r / (1 - (1 + r)^-n); remaining_balance is the schedule's balance after payments_made
(Late loans missed one or two instalments, defaulted ones three or more), and equals the
Loan account's current balance.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.table import Column, Context, Table
from fakehouse.domains.financial import accounts, common, customers, layout
from fakehouse.domains.financial.layout import LOAN, LOAN_STATUSES
from fakehouse.domains.financial.params import LOAN_TYPES

NAME = "loans"


def counts(ctx: Context, start: int, stop: int) -> np.ndarray:
    return common.per_customer(ctx, start, stop, (LOAN,))


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.loans
    collateral_of = tuple(p.types[t].collateral or "" for t in LOAN_TYPES)
    parts = []
    for g0, g1 in common.customer_groups(ctx, start, stop):
        lay = common.shared_layout(ctx, g0, g1)
        loans = lay.loans
        sel, pos = common.accounts_of(lay, LOAN, start, stop)
        kind = loans.kind[sel]
        amount = loans.amount[sel]
        remaining = layout.schedule_balance(
            amount, loans.rate[sel], loans.term[sel], loans.payments_made[sel]
        )
        secured = np.array([c != "" for c in collateral_of])[kind]
        ltv = 0.7 + 0.25 * ctx.stream(NAME, "ltv").uniform(loans.index[sel])
        value = np.round(amount / ltv / 10_000) * 10_000
        parts.append(
            {
                "loan_id": TABLE.ids(loans.index[sel]),
                "customer_id": customers.ids(ctx, lay.customer[pos]),
                "account_id": accounts.TABLE.ids(lay.index[pos]),
                "loan_type": arrow.labels(LOAN_TYPES, kind),
                "loan_amount": arrow.money(amount),
                "interest_rate": loans.rate[sel],
                "term_months": loans.term[sel].astype(np.int32),
                "monthly_payment": arrow.money(loans.payment[sel]),
                "origination_date": arrow.dates(loans.origination[sel]),
                "maturity_date": arrow.dates(loans.maturity[sel]),
                "remaining_balance": arrow.money(remaining),
                "payments_made": loans.payments_made[sel].astype(np.int32),
                "loan_status": arrow.labels(LOAN_STATUSES, loans.status[sel]),
                "collateral": arrow.null_where(arrow.labels(collateral_of, kind), ~secured),
                "collateral_value": arrow.money(value.astype(np.int64), mask=~secured),
            }
        )
    return common.concat(parts, TABLE)


TABLE = Table(
    name=NAME,
    description="Amortising loans, each with its own Loan account.",
    base_rows=3_000,  # exactly 3,000 x m, dealt to customers group by group
    block=block,
    primary_key=("loan_id",),
    parents=("customers", "accounts"),
    driver="customers",
    counts=counts,
    rows_per_driver=10.0,
    group=common.GROUP,
    columns=(
        Column(
            "loan_id",
            pa.string(),
            "Loan key, LOAN + 9 digits, dense from 1.",
            unique=True,
            id_prefix="LOAN",
        ),
        Column("customer_id", pa.string(), "Borrower.", references="customers.customer_id"),
        Column(
            "account_id",
            pa.string(),
            "The borrower's Loan account for this loan.",
            unique=True,
            references="accounts.account_id",
        ),
        Column("loan_type", pa.string(), "Mortgage, Auto, Personal, Student or Home Equity."),
        Column(
            "loan_amount",
            arrow.MONEY,
            "Principal; type-specific, rising with income, capped by debt-to-income.",
        ),
        Column(
            "interest_rate",
            pa.float64(),
            "Annual rate: the origination year's market rate for the type plus a risk spread.",
        ),
        Column("term_months", pa.int32(), "Type-specific terms."),
        Column("monthly_payment", arrow.MONEY, "L r / (1 - (1 + r)^-n), r = rate / 12."),
        Column("origination_date", pa.date32(), "On or after the borrower joined."),
        Column("maturity_date", pa.date32(), "Due date of the last instalment."),
        Column("remaining_balance", arrow.MONEY, "Schedule balance after payments_made."),
        Column("payments_made", pa.int32(), "Instalments paid by the end date."),
        Column(
            "loan_status",
            pa.string(),
            "Current, Late, Default or Paid Off, from the instalments missed; defaults 5-10% "
            "overall, least for mortgages, rising with risk and payment over income.",
        ),
        Column(
            "collateral",
            pa.string(),
            "Vehicle for Auto, Residential Property for Mortgage and Home Equity; else null.",
            nullable=True,
        ),
        Column(
            "collateral_value",
            arrow.MONEY,
            "Appraised value at origination (loan to value 70-95%).",
            nullable=True,
        ),
    ),
)
