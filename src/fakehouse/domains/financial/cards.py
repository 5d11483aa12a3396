"""financial_analytics.credit_cards: one card per Credit Card account.

Card k is the k-th Credit Card account in account order (see `layout`). Limit, APR and tier
follow the holder's credit score and income; the balance is the account's ledger balance,
so available_credit = credit_limit - current_balance holds to the cent. Utilisation is
logit-normal for those carrying a balance (most near zero otherwise), delinquency rises with
utilisation and risk, and a card 90+ days past due was frozen on the day it reached 90 days
(`frozen_date`): the ledger declines its purchases from then on. Card numbers are
Luhn-valid and lie inside the issuer prefixes of the networks' published test cards.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, luhn
from fakehouse.core.permutation import Permutation
from fakehouse.core.table import Column, Context, Table
from fakehouse.domains.financial import accounts, common, customers, layout
from fakehouse.domains.financial.layout import CARD, DELINQUENCY, NEVER
from fakehouse.domains.financial.params import CARD_TIERS

NAME = "credit_cards"
ACCOUNT_DIGITS = 8  # account digits between the 6-digit prefix and the check digit (Amex)


def numbers(ctx: Context, index: np.ndarray, network: np.ndarray) -> np.ndarray:
    """Luhn-valid card numbers: test prefix + permuted account number + check digit."""
    p = ctx.params.cards
    networks = tuple(p.networks)
    prefix = np.array([p.networks[n].test_bin for n in networks], dtype=np.int64)[network]
    amex = np.array([n == "American Express" for n in networks])[network]
    space = 10**ACCOUNT_DIGITS
    account = Permutation(space, ctx.stream(NAME, "number").key).forward(index % space)
    body = np.where(amex, prefix * space + account, prefix * space * 10 + account)
    return body * 10 + luhn.check_digit(body)


def counts(ctx: Context, start: int, stop: int) -> np.ndarray:
    return common.per_customer(ctx, start, stop, (CARD,))


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    networks = tuple(ctx.params.cards.networks)
    parts = []
    for g0, g1 in common.customer_groups(ctx, start, stop):
        led = common.shared_ledger(ctx, g0, g1)
        lay = led.layout
        c = lay.cards
        c_sel, pos = common.accounts_of(lay, CARD, start, stop)
        balance = led.current[pos]
        limit = c.limit[c_sel]
        frozen = c.frozen_day[c_sel]
        parts.append(
            {
                "card_id": TABLE.ids(c.index[c_sel]),
                "customer_id": customers.ids(ctx, lay.customer[pos]),
                "account_id": accounts.TABLE.ids(lay.index[pos]),
                "card_number": arrow.number_strings(numbers(ctx, c.index[c_sel], c.network[c_sel])),
                "card_type": arrow.labels(networks, c.network[c_sel]),
                "card_tier": arrow.labels(CARD_TIERS, c.tier[c_sel]),
                "issue_date": arrow.dates(c.issue_day[c_sel]),
                "expiry_date": arrow.dates(c.expiry_day[c_sel]),
                "credit_limit": arrow.money(limit),
                "current_balance": arrow.money(balance),
                "available_credit": arrow.money(limit - balance),
                "interest_rate": c.apr[c_sel],
                "annual_fee": arrow.money(c.annual_fee[c_sel]),
                "delinquency_status": arrow.labels(DELINQUENCY, c.delinquency[c_sel]),
                "frozen_date": arrow.dates(
                    np.where(frozen < NEVER, frozen, 0), mask=frozen >= NEVER
                ),
            }
        )
    return common.concat(parts, TABLE)


TABLE = Table(
    name=NAME,
    description="Credit cards, each with its own Credit Card account.",
    base_rows=5_000,  # exactly 5,000 x m, dealt to customers group by group
    block=block,
    primary_key=("card_id",),
    parents=("customers", "accounts"),
    driver="customers",
    counts=counts,
    rows_per_driver=10.0,
    group=common.GROUP,
    columns=(
        Column(
            "card_id",
            pa.string(),
            "Card key, CARD + 9 digits, dense from 1.",
            unique=True,
            id_prefix="CARD",
        ),
        Column("customer_id", pa.string(), "Cardholder.", references="customers.customer_id"),
        Column(
            "account_id",
            pa.string(),
            "The holder's Credit Card account for this card.",
            unique=True,
            references="accounts.account_id",
        ),
        Column(
            "card_number",
            pa.string(),
            "Luhn-valid, inside the prefixes of published "
            "processor test cards (Visa 400000, Mastercard 222300, Amex 378282, "
            "Discover 601100); never a live card.",
            unique=True,
        ),
        Column("card_type", pa.string(), "Visa, Mastercard, American Express or Discover."),
        Column(
            "card_tier", pa.string(), "Classic, Gold, Platinum or Signature, by score and income."
        ),
        Column("issue_date", pa.date32(), "Latest (re)issue, on or after the account opened."),
        Column("expiry_date", pa.date32(), "Month end 3-5 years after issue."),
        Column("credit_limit", arrow.MONEY, "Rises with income and credit score."),
        Column("current_balance", arrow.MONEY, "Amount owed: the account's ledger balance."),
        Column("available_credit", arrow.MONEY, "credit_limit - current_balance."),
        Column("interest_rate", pa.float64(), "Purchase APR, falling with credit score."),
        Column("annual_fee", arrow.MONEY, "By tier; waived for some."),
        Column(
            "delinquency_status",
            pa.string(),
            "Current, 30 Days, 60 Days or 90+ Days past due; more frequent for riskier holders "
            "and fuller cards.",
        ),
        Column(
            "frozen_date",
            pa.date32(),
            "Day the card was frozen on reaching 90 days past due (no purchases from then on); "
            "null for cards not frozen.",
            nullable=True,
        ),
    ),
)
del layout
