"""Who holds which account: the accounts, cards and loans of a range of customer groups.

A group's exact shares of accounts, credit cards and loans (see `groups`) are dealt to its
customers by systematic sampling in a shuffled order, with weights from each customer's
facts: nearly everyone holds Checking, affluent customers more Savings, Money Market and CD,
good scores more cards, mid-life borrowers more loans. Accounts are numbered customer by
customer (Checking, Savings, Money Market, CD, Credit Card, Loan), so a customer's accounts
and a group's accounts are contiguous; card k and loan k are the k-th Credit Card and Loan
accounts in that order. Everything is a pure function of the group range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fakehouse.core import segments
from fakehouse.core.distributions import Categorical, choice, cumulative, geometric
from fakehouse.core.rng import path
from fakehouse.core.table import Context
from fakehouse.core.timeline import calendar, uniform_days
from fakehouse.domains.financial import customers, groups
from fakehouse.domains.financial.params import (
    ACCOUNT_TYPES,
    CARD_TIERS,
    DEPOSIT_TYPES,
    LOAN_TYPES,
    RISKS,
    SEGMENTS,
)

CHECKING, SAVINGS, MONEY_MARKET, CD, CARD, LOAN = range(6)
NEVER = np.iinfo(np.int32).max  # close day of an open account
LOAN_STATUSES = ("Current", "Late", "Default", "Paid Off")
CURRENT, LATE, DEFAULT, PAID_OFF = range(4)
DELINQUENCY = ("Current", "30 Days", "60 Days", "90+ Days")

ACC = "accounts"


@dataclass(frozen=True)
class Cards:
    """Credit card facts, one row per Credit Card account of the layout."""

    index: np.ndarray  # global card index
    network: np.ndarray
    tier: np.ndarray
    limit: np.ndarray  # cents
    apr: np.ndarray
    annual_fee: np.ndarray  # cents
    issue_day: np.ndarray
    expiry_day: np.ndarray
    revolver: np.ndarray
    utilization: np.ndarray
    delinquency: np.ndarray  # index into DELINQUENCY
    frozen_day: np.ndarray  # day the card was frozen (90+ days past due), else NEVER
    statement_dom: np.ndarray  # statement day of month (1..28)


@dataclass(frozen=True)
class Loans:
    """Loan facts, one row per Loan account of the layout."""

    index: np.ndarray  # global loan index
    kind: np.ndarray  # index into LOAN_TYPES
    amount: np.ndarray  # cents
    rate: np.ndarray  # annual
    term: np.ndarray  # months
    payment: np.ndarray  # cents
    origination: np.ndarray  # day
    due_dom: np.ndarray  # day of month of payments
    elapsed: np.ndarray  # due dates passed by the end date
    payments_made: np.ndarray
    status: np.ndarray  # index into LOAN_STATUSES
    maturity: np.ndarray  # day of the last due date


@dataclass(frozen=True)
class Layout:
    g0: int
    g1: int
    people: customers.Facts  # customers of the groups, in index order
    group: np.ndarray  # per customer: group number relative to g0
    # accounts, in global order
    index: np.ndarray  # global account index
    owner: np.ndarray  # position of the owner in `people`
    kind: np.ndarray  # index into ACCOUNT_TYPES
    open_day: np.ndarray
    close_day: np.ndarray  # NEVER while open
    rate: np.ndarray  # interest rate (APR for cards, loan rate for loans)
    overdraft: np.ndarray  # overdraft limit in cents (0 without protection)
    card: np.ndarray  # position in `cards` or -1
    loan: np.ndarray  # position in `loans` or -1
    cards: Cards
    loans: Loans

    @property
    def customer(self) -> np.ndarray:
        return self.people.idx[self.owner]

    @property
    def account_group(self) -> np.ndarray:
        return self.group[self.owner]


def _shuffled_counts(ctx, weights, group, totals, key_index, name, g0):
    """Systematic sampling of `totals` per group over items in a keyed random order."""
    key = ctx.stream(ACC, f"{name}.order").uniform(key_index)
    order = np.argsort(group + key)  # group is whole, key in (0, 1): one float sort
    u = ctx.stream(ACC, f"{name}.start").uniform(np.arange(len(totals)) + g0)
    counts = np.empty(len(weights), dtype=np.int64)
    counts[order] = segments.systematic(weights[order], group[order], totals, u)
    return counts


def _month_day(year_month: np.ndarray, dom: np.ndarray) -> np.ndarray:
    """Epoch day of day-of-month `dom` (<= 28) in months counted from year 0."""
    months = (year_month - 1970 * 12).astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64) + dom - 1


def build(ctx: Context, g0: int, g1: int) -> Layout:
    p = ctx.params
    pa_ = p.accounts
    w = ctx.window
    idx = groups.customers(ctx, g0, g1)
    f = customers.facts(ctx, idx)
    group = idx // groups.size(ctx) - g0
    n = len(idx)
    n_groups = g1 - g0
    a_counts = groups.allocation(ctx, "accounts").counts(g0, g1)
    c_counts = groups.allocation(ctx, "credit_cards").counts(g0, g1)
    l_counts = groups.allocation(ctx, "loans").counts(g0, g1)
    d_counts = np.maximum(a_counts - c_counts - l_counts, 0)
    c_counts = np.minimum(c_counts, a_counts)
    l_counts = a_counts - c_counts - d_counts
    s = lambda column: ctx.stream(ACC, column)  # noqa: E731
    live = np.where(f.active, 1.0, 1e-9)

    # credit cards: by score, fewer for students
    lo, hi = pa_.card_score_range
    w_card = np.clip((f.credit_score - lo) / (hi - lo), 0.03, 1.0) * np.where(
        f.segment == 0, 0.45, 1.0
    )
    n_cards = _shuffled_counts(ctx, w_card * live + 1e-9, group, c_counts, idx, "card", g0)
    # loans: by age band and debt load
    # lenders lend to those who can pay: the weight falls steeply below a modest income
    w_loan = (
        np.array(list(p.loans.age_weights.values()))[f.band]
        * np.clip(f.dti / p.customers.dti_median, 0.3, 3.0)
        * np.clip(f.income / 25_000, 0.01, 1.0) ** 2
    )
    n_loans = _shuffled_counts(ctx, w_loan * live + 1e-9, group, l_counts, idx, "loan", g0)
    # deposit products: slots (customer, type)
    seg = f.segment
    w_dep = (
        np.stack(
            [
                np.full(n, pa_.checking_rate),
                np.array([pa_.segments[x].savings for x in SEGMENTS])[seg],
                np.array([pa_.segments[x].money_market for x in SEGMENTS])[seg],
                np.array([pa_.segments[x].cd for x in SEGMENTS])[seg]
                * np.clip((f.age - 20) / 40, 0.2, 1.5),
            ],
            axis=1,
        ).ravel()
        + 1e-9
    )
    slot_group = np.repeat(group, 4)
    slot_key = path(np.repeat(idx, 4), np.tile(np.arange(4), n))  # (customer, deposit type)
    # customers without a card or a loan almost surely keep a Checking account
    w_dep[0::4] = np.where((n_cards + n_loans) > 0, pa_.checking_rate, 0.995)
    n_dep = _shuffled_counts(ctx, w_dep, slot_group, d_counts, slot_key, "deposit", g0)
    counts = np.concatenate([n_dep.reshape(n, 4), n_cards[:, None], n_loans[:, None]], axis=1)

    slot = segments.ids(counts.ravel())
    owner = slot // 6
    kind = slot % 6
    first = int(groups.allocation(ctx, "accounts").cum(g0))
    index = first + np.arange(len(slot), dtype=np.int64)
    is_card, is_loan = kind == CARD, kind == LOAN
    card_pos = np.where(is_card, np.cumsum(is_card) - 1, -1)
    loan_pos = np.where(is_loan, np.cumsum(is_loan) - 1, -1)
    card_index = int(groups.allocation(ctx, "credit_cards").cum(g0)) + np.arange(is_card.sum())
    loan_index = int(groups.allocation(ctx, "loans").cum(g0)) + np.arange(is_loan.sum())

    # dates
    # accounts open once the customer's identity is verified (the newest customers still
    # pending may hold accounts opened on joining)
    join = np.where(f.verified, f.kyc_day, f.join_day)[owner]
    leave = f.leave_day[owner]
    last_open = np.minimum(leave - 1, w.end_day)
    u_open = s("open_date").uniform(index)
    open_day = np.where(
        kind == CHECKING,
        np.minimum(join + geometric(u_open, 1 / 8.0), last_open),
        uniform_days(u_open**0.8, join, np.maximum(last_open, join)),
    )
    open_day = np.minimum(open_day, w.end_day)
    closes = (s("closed").uniform(index) < pa_.closed_rate) & (kind < CARD)
    close_day = np.where(
        closes & (open_day + 30 < w.end_day),
        uniform_days(s("close_date").uniform(index), open_day + 30, w.end_day),
        NEVER,
    )
    close_day = np.where(
        (leave <= w.end_day) & (kind < CARD), np.minimum(close_day, leave), close_day
    )
    close_day = np.where(close_day < NEVER, np.maximum(close_day, open_day), NEVER)

    dep = kind < CARD
    low = np.array([pa_.deposits[t].interest_rate[0] for t in DEPOSIT_TYPES] + [0, 0])[kind]
    high = np.array([pa_.deposits[t].interest_rate[1] for t in DEPOSIT_TYPES] + [0, 0])[kind]
    rate = np.round(low + (high - low) * s("interest_rate").uniform(index), 4)
    od = Categorical.of(pa_.overdraft_limits)
    overdraft = np.where(
        (kind == CHECKING)
        & (s("overdraft").uniform(index) < pa_.overdraft_rate)
        & (f.risk[owner] < 2),
        np.asarray(od.values, dtype=np.int64)[od.sample(s("overdraft_limit").uniform(index))] * 100,
        0,
    )

    cards = _cards(ctx, f, owner[is_card], open_day[is_card], card_index)
    loans = _loans(ctx, f, owner[is_loan], join[is_loan], loan_index)
    rate = np.where(is_card, 0.0, rate)
    rate[is_card] = cards.apr
    rate[is_loan] = loans.rate
    open_day[is_loan] = loans.origination
    close_day[is_loan] = np.where(loans.status == PAID_OFF, loans.maturity, NEVER)
    del dep, n_groups
    return Layout(
        g0,
        g1,
        f,
        group,
        index,
        owner,
        kind,
        open_day.astype(np.int64),
        close_day.astype(np.int64),
        rate,
        overdraft,
        card_pos,
        loan_pos,
        cards,
        loans,
    )


def _cards(ctx: Context, f, owner, open_day, index) -> Cards:
    p = ctx.params.cards
    w = ctx.window
    s = lambda column: ctx.stream("credit_cards", column)  # noqa: E731
    score = f.credit_score[owner]
    income = f.income[owner]
    risk = f.risk[owner]
    quality = np.clip((score - 300) / 550, 0, 1)
    networks = Categorical.of({k: n.share for k, n in p.networks.items()})
    network = networks.sample(s("network").uniform(index))
    upper = [p.tiers[t] for t in CARD_TIERS[1:]]
    by_score = np.searchsorted(np.array([t.min_score for t in upper]), score, side="right")
    by_income = np.searchsorted(np.array([t.min_income for t in upper]), income, side="right")
    bump = (s("tier").uniform(index) < 0.15).astype(np.int64)
    tier = np.clip(np.minimum(by_score, by_income) + bump * (by_score > by_income), 0, 3)
    lo, hi = p.limit_income_share
    share = lo + (hi - lo) * quality**2 * np.exp(0.25 * s("limit").normal(index))
    limit = np.clip(np.round(income * share / 100) * 100, *p.limit_range).astype(np.int64) * 100
    apr_lo, apr_hi = p.apr_range
    apr = apr_hi - (apr_hi - apr_lo) * quality**1.5 + 0.01 * s("apr").normal(index)
    apr = np.round(np.clip(apr, apr_lo - 0.02, apr_hi + 0.02), 4)
    fee = (np.array([p.tiers[t].annual_fee for t in CARD_TIERS]) * 100).astype(np.int64)[tier]
    fee = np.where(s("fee_waived").uniform(index) < 0.3, 0, fee)
    years = s("validity").integers(index, p.validity_years[0], p.validity_years[1] + 1)
    period = np.floor(years * 365.25).astype(np.int64)
    issue = open_day + ((w.end_day - open_day) // period) * period
    expiry_month = issue.astype("datetime64[D]").astype("datetime64[M]") + years * 12 + 1
    expiry = expiry_month.astype("datetime64[D]").astype(np.int64) - 1  # month end
    by_risk = [p.risks[r] for r in RISKS]
    revolver = s("revolver").uniform(index) < np.array([r.revolver_rate for r in by_risk])[risk]
    # revolvers' utilisation is logit-normal around the risk's median: most carry a part of
    # their limit, some run close to it; the others owe only their last statement
    median = np.array([r.utilization for r in by_risk])[risk]
    logit = np.log(median / (1 - median)) + p.utilization_sigma * s("utilization").normal(index)
    util = np.where(revolver, np.clip(1 / (1 + np.exp(-logit)), 0.01, 0.97), 0.0)
    rate = np.array([r.delinquency_rate for r in by_risk])[risk] * np.exp(
        p.delinquency_weight * (util - p.delinquency_reference)
    )
    late = s("delinquent").uniform(index) < np.minimum(rate, 0.9)
    buckets = Categorical.of(p.delinquency_mix)
    delinquency = np.where(late, 1 + buckets.sample(s("delinquency").uniform(index)), 0)
    # a card is 30 days past due a month after its first statement at the earliest
    delinquency = np.minimum(delinquency, np.clip((w.end_day - open_day) // 30 - 1, 0, 3))
    # one 90+ days past due was frozen when it reached 90 days: 90-179 days past due now
    overdue = s("days_past_due").integers(index, 90, 180)
    frozen = np.maximum(w.end_day - (overdue - 90), open_day + 120)
    frozen = np.where(delinquency == 3, frozen, NEVER)
    statement = s("statement_day").integers(index, 1, 29)
    return Cards(
        index,
        network,
        tier,
        limit,
        apr,
        fee,
        issue,
        expiry,
        revolver | late,
        util,
        delinquency,
        frozen,
        statement,
    )


def amortised_payment(principal_cents, rate, term) -> np.ndarray:
    """Monthly payment in cents: P = L r / (1 - (1 + r)^-n) with r = rate / 12."""
    r = np.asarray(rate) / 12
    n = np.asarray(term, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        pay = np.where(r > 0, principal_cents * r / (1 - (1 + r) ** -n), principal_cents / n)
    return np.round(pay).astype(np.int64)


def schedule_balance(principal_cents, rate, term, k) -> np.ndarray:
    """Balance in cents after k payments: L ((1+r)^n - (1+r)^k) / ((1+r)^n - 1)."""
    r = np.asarray(rate) / 12
    n = np.asarray(term, dtype=np.float64)
    k = np.minimum(np.asarray(k, dtype=np.float64), n)
    with np.errstate(divide="ignore", invalid="ignore"):
        grown = np.where(
            r > 0,
            principal_cents * ((1 + r) ** n - (1 + r) ** k) / ((1 + r) ** n - 1),
            principal_cents * (1 - k / n),
        )
    return np.round(grown).astype(np.int64)


def due_day(loans_origination_month, due_dom, k) -> np.ndarray:
    """Epoch day of the k-th due date (k >= 1), one month apart from origination."""
    return _month_day(loans_origination_month + k, due_dom)


def market_rate(params, kind: np.ndarray, term: np.ndarray, year: np.ndarray) -> np.ndarray:
    """The market rate of loans of `kind` (index into LOAN_TYPES) and `term` originated in
    `year`: the year's 30-year mortgage rate (the nearest year's outside the table) plus the
    type's margin, less the short-term discount for terms of 15 years or less."""
    p = params.loans
    years = np.array(list(p.mortgage_rates), dtype=np.int64)
    table = np.array(list(p.mortgage_rates.values()))
    base = table[np.clip(year - years[0], 0, len(years) - 1)]
    margin = np.array([p.types[t].margin for t in LOAN_TYPES])[kind]
    return base + margin - np.where(term <= 180, p.mortgage_short_term, 0.0)


def risk_spread(params, kind: np.ndarray, risk: np.ndarray) -> np.ndarray:
    p = params.loans
    scale = np.array([p.types[t].spread_scale for t in LOAN_TYPES])[kind]
    return scale * np.array([p.risks[r].spread for r in RISKS])[risk]


def default_chance(params, kind: np.ndarray, risk: np.ndarray, pti: np.ndarray) -> np.ndarray:
    """Chance a loan defaults: the type's rate x the risk's factor, rising exponentially with
    the payment over income."""
    p = params.loans
    rate = np.array([p.types[t].default_rate for t in LOAN_TYPES])[kind]
    factor = np.array([p.risks[r].default_factor for r in RISKS])[risk]
    rise = np.exp(p.payment_to_income_weight * (pti - p.reference_payment_to_income))
    return np.clip(rate * factor * rise, 0.0, 0.95)


def affordable(principal_per_payment: np.ndarray, rate, term) -> np.ndarray:
    """Principal (cents) a monthly payment (cents) pays off: the annuity formula inverted."""
    r = np.asarray(rate) / 12
    n = np.asarray(term, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            r > 0,
            principal_per_payment * (1 - (1 + r) ** -n) / r,
            principal_per_payment * n,
        )


def _loans(ctx: Context, f, owner, join, index) -> Loans:
    """Underwriting: type by age and what the borrower can afford, the year's market rate
    plus a risk spread, an amount cut to the payment caps (per type, and for all of a
    borrower's loans together), defaults from type, risk and payment over income."""
    p = ctx.params.loans
    w = ctx.window
    s = lambda column: ctx.stream("loans", column)  # noqa: E731
    age = f.age[owner]
    income = f.income[owner]
    monthly = income * 100 / 12  # cents
    risk = f.risk[owner]
    specs = [p.types[t] for t in LOAN_TYPES]
    n = len(index)

    earliest = np.maximum(join, w.end_day - int(p.origination_years * 365.25))
    origination = uniform_days(
        s("origination").uniform(index), earliest, np.maximum(earliest, w.end_day - 1)
    )
    oy, om, od, _ = calendar(origination)
    u_term = s("term").uniform(index)
    terms = np.zeros((n, len(specs)), dtype=np.int64)  # the term each type would take
    for k, t in enumerate(specs):
        values = np.array(list(t.terms), dtype=np.int64)
        terms[:, k] = values[choice(u_term, cumulative(list(t.terms.values())))]
    noise = p.rate_noise * s("rate").normal(index)
    kinds = np.arange(len(specs))
    rates = np.round(
        np.clip(
            market_rate(ctx.params, kinds[None, :], terms, oy[:, None])
            + risk_spread(ctx.params, kinds[None, :], risk[:, None])
            + noise[:, None],
            0.01,
            0.36,
        ),
        4,
    )
    lowest = np.array([t.amount_range[0] for t in specs]) * 100
    cap = np.array([t.max_payment_to_income for t in specs])

    # a borrower's loans in turn (they are consecutive): each within its type's cap and what
    # is left of the borrower's debt-to-income budget
    rank = np.arange(n) - np.searchsorted(owner, owner)  # owners are in order
    left = p.max_debt_to_income * monthly  # cents a month, per loan row (its borrower's budget)
    kind = np.zeros(n, dtype=np.int64)
    amount = np.zeros(n, dtype=np.int64)
    payment = np.zeros(n, dtype=np.int64)
    u_type = s("loan_type").uniform(index)
    z_amount = s("amount").normal(index)
    for j in range(int(rank.max()) + 1 if n else 0):
        at = np.flatnonzero(rank == j)
        budget = np.minimum(cap[None, :] * monthly[at, None], left[at, None])
        fits = budget >= amortised_payment(lowest[None, :], rates[at], terms[at])
        allowed = (age[at, None] >= [t.min_age for t in specs]) & (
            age[at, None] <= [t.max_age for t in specs]
        )
        median = np.array([t.amount_median for t in specs])
        sigma = np.array([t.amount_sigma for t in specs])
        want = (
            median[None, :]
            * (income[at, None] / 60_000) ** p.amount_income_weight
            * np.exp(sigma[None, :] * z_amount[at, None])
        )
        want = np.clip(want, *np.array([t.amount_range for t in specs]).T) * 100
        # people apply for what they can afford: a type whose usual loan would not fit is
        # less likely, one whose smallest loan would not fit practically never chosen
        comfortable = budget >= amortised_payment(want, rates[at], terms[at])
        weights = (
            np.array([t.share for t in specs])
            * allowed
            * np.where(fits, np.where(comfortable, 1.0, 0.3), 1e-4)
            + 1e-9
        )
        cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
        k = np.minimum((cum < u_type[at, None]).sum(axis=1), len(specs) - 1)
        rows = np.arange(len(at))
        want = want[rows, k]
        most = affordable(budget[rows, k], rates[at, k], terms[at, k])
        # whole $100, and at least $500 (borrowers are dealt by income, so the floor
        # practically never takes a payment over the cap)
        cents = np.maximum(np.floor(np.minimum(want, most) / 10_000), 5) * 10_000
        cents = cents.astype(np.int64)
        kind[at], amount[at] = k, cents
        payment[at] = amortised_payment(cents, rates[at, k], terms[at, k])
        # what is left for the borrower's next loans
        following = np.flatnonzero(rank > j)
        spent = np.zeros(len(f.idx))
        np.add.at(spent, owner[at], payment[at])
        left[following] -= spent[owner[following]]
    rows = np.arange(n)
    term, rate = terms[rows, kind], rates[rows, kind]

    month = oy * 12 + om - 1
    dom = np.minimum(od, 28)
    ey, em, _, _ = calendar(np.array([w.end_day]))
    k_max = (ey[0] * 12 + em[0] - 1) - month
    elapsed = np.where(due_day(month, dom, k_max) <= w.end_day, k_max, k_max - 1)
    elapsed = np.clip(elapsed, 0, None)
    pti = payment / np.maximum(monthly, 1)
    default = s("default").uniform(index) < default_chance(ctx.params, kind, risk, pti)
    late_rate = np.array([p.risks[r].late_rate for r in RISKS])[risk]
    late = s("late").uniform(index) < late_rate
    paid_off = elapsed >= term
    missed_default = np.minimum(3 + s("missed").integers(index, 0, 10), elapsed)
    missed_late = 1 + (s("missed_late").uniform(index) < 0.3)
    status = np.select(
        [paid_off, default & (elapsed >= 4), late & (elapsed >= 2)],
        [PAID_OFF, DEFAULT, LATE],
        CURRENT,
    )
    made = np.select(
        [status == PAID_OFF, status == DEFAULT, status == LATE],
        [term, elapsed - missed_default, elapsed - missed_late],
        elapsed,
    )
    maturity = due_day(month, dom, term)
    return Loans(
        index,
        kind,
        amount,
        rate,
        term,
        payment,
        origination,
        dom,
        elapsed,
        np.clip(made, 0, term),
        status,
        maturity,
    )


def account_types() -> tuple[str, ...]:
    return ACCOUNT_TYPES
