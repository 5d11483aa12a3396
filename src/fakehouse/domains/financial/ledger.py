"""The transaction ledger of a range of customer groups: one simulation, several tables.

Transactions cover the last `ledger_days` of the window (two statement months by default).
Money flows as in a household's budget: income arrives on schedules (pay, benefits,
pensions, unemployment benefit, family support), fixed costs leave Checking on fixed days
(housing, utilities, insurance, subscriptions, loan instalments, saving), each card
statement is paid when due, and the rest of the income is everyday spending by debit card,
credit card, cash and transfers (`everyday`), so that Checking balances cycle with pay
periods instead of drifting. A group's exact share of rows is filled in three layers:

1. recurring rows on fixed schedules (the stages `_paychecks` .. `_openings_and_closings`;
   both sides of a transfer share one reference);
2. fraud episodes (`episodes`), whose detection is drawn per episode;
3. everyday activity filling the rest of the share (`everyday`), its amounts scaled so that
   each household spends its budget.

Rows of an account are ordered by time and balances run forward (`_settle`): card
statements are closed cycle by cycle and each payment pays its statement (in full, or a
revolver's part); a deposit account's opening balance is what makes it end at a log-normal
target, raised by a personal buffer where the path would dip below what is allowed. Amounts
are signed changes of the account's balance; on Credit Card and Loan accounts the balance is
the amount owed.

accounts, credit_cards, loans, transactions and fraud_cases form one table group (see
`common.GROUP`): a block's ledger is simulated once and all five read it, instead of any of
them reading another table. The planner's first pass uses `row_accounts`, which stops once
every row has its account.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fakehouse.core import people, segments
from fakehouse.core.distributions import Categorical
from fakehouse.core.table import Context
from fakehouse.core.timeline import SECONDS_PER_DAY, SECONDS_PER_HOUR, calendar
from fakehouse.domains.financial import episodes, everyday, groups, layout, merchants
from fakehouse.domains.financial.book import NAME, Book, spans
from fakehouse.domains.financial.layout import CARD, CD, CHECKING, LOAN, MONEY_MARKET, SAVINGS
from fakehouse.domains.financial.params import DEPOSIT_TYPES, MONTH_DAYS, SEGMENTS
from fakehouse.domains.financial.rows import (
    ANNUAL_FEE,
    BENEFIT,
    BILL,
    CARD_INTEREST,
    CARD_PAY_EXT,
    CARD_PAY_IN,
    CARD_PAY_OUT,
    CLOSE_OUT,
    COMPLETED,
    DISBURSE,
    FAILED,
    INTEREST,
    INVEST_OUT,
    LATE_FEE,
    LOAN_PAY_EXT,
    LOAN_PAY_IN,
    LOAN_PAY_OUT,
    MAINT_FEE,
    ONLINE,
    OPEN_DEPOSIT,
    PAYROLL,
    PENDING,
    PENSION,
    POS,
    SAVE_IN,
    SAVE_OUT,
    UNEMPLOYMENT,
    ZELLE_IN,
)

CYCLE_DAYS = 31  # a statement cycle lasts at most this many days
GRACE_DAYS = 21  # a card statement is due this many days after it closes (CARD Act minimum)
STATEMENT_HOUR = 2  # statements close, and card interest posts, at this hour
#: what a card's monthly subscription costs (cents), and the category of its merchants
SUBSCRIPTION_PRICES = np.array([999, 1099, 1299, 1549, 1799, 2299])
SUBSCRIPTION_CATEGORY = "Entertainment"
SUBSCRIPTION_MERCHANTS = np.array([1, 2, 4])  # its streaming, music and game services


@dataclass
class Ledger:
    layout: layout.Layout
    rows: dict[str, np.ndarray]  # sorted by account, then time
    balance: np.ndarray  # balance after each row, cents
    opening: np.ndarray  # per account: balance at the ledger start (0 if opened inside)
    current: np.ndarray  # per account: opening + completed amounts
    pending: np.ndarray  # per account: pending debits (cents, >= 0)
    group_rows: np.ndarray  # rows per group
    first_row: int  # global 0-based number of the first row
    episodes: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def number(self) -> np.ndarray:
        return self.first_row + np.arange(len(self.balance), dtype=np.int64)


def _month_start(month: int) -> int:
    return int(np.datetime64(np.datetime64(month - 1970 * 12, "M"), "D").astype(np.int64))


def _month_length(month: int) -> int:
    return _month_start(month + 1) - _month_start(month)


def _business_day(day: np.ndarray) -> np.ndarray:
    """Move weekend days back to the Friday before."""
    weekday = (day + 3) % 7
    return day - np.where(weekday == 5, 1, np.where(weekday == 6, 2, 0))


def _monthly(months: list[int], dom: np.ndarray, business: bool = False):
    """(entity, day) of day-of-month `dom` (1..31, clipped to month ends) in each month."""
    ent, days = [], []
    for m in months:
        start = _month_start(m)
        length = _month_start(m + 1) - start
        d = start + np.minimum(dom, length) - 1
        ent.append(np.arange(len(dom)))
        days.append(_business_day(d) if business else d)
    return np.concatenate(ent), np.concatenate(days)


def _seconds(day: np.ndarray, u: np.ndarray, h0: float, h1: float) -> np.ndarray:
    return day * SECONDS_PER_DAY + np.floor((h0 + u * (h1 - h0)) * SECONDS_PER_HOUR).astype(
        np.int64
    )


def simulate(ctx: Context, lay: layout.Layout) -> Ledger:
    """The ledger of the groups of `lay`."""
    return _simulate(ctx, lay, count_only=False)


def row_accounts(ctx: Context, lay: layout.Layout) -> np.ndarray:
    """The account of every ledger row of the groups of `lay`, unordered: the first pass of
    the planner needs only how many rows each customer gets."""
    return _simulate(ctx, lay, count_only=True)


def group_rows(ctx: Context, lay: layout.Layout) -> np.ndarray:
    """Rows per group of `lay`, for the planner's first pass. A group with an account that
    takes everyday activity fills exactly its share (everyday rows make up the difference);
    only for a group without one (never seen at default parameters) are its scheduled rows
    counted by a dry run of the simulation."""
    share = groups.allocation(ctx, NAME).counts(lay.g0, lay.g1)
    active = active_groups(ctx, lay)
    if active.all():
        return share
    rows = np.bincount(lay.account_group[row_accounts(ctx, lay)], minlength=lay.g1 - lay.g0)
    return np.where(active, share, rows)


def active_groups(ctx: Context, lay: layout.Layout) -> np.ndarray:
    """Per group: has an account that takes everyday activity during the ledger."""
    _, _, lo, hi, _ = spans(ctx, lay)
    takes = (lo < hi) & np.isin(lay.kind, (CHECKING, SAVINGS, MONEY_MARKET, CARD))
    return np.bincount(lay.account_group[takes], minlength=lay.g1 - lay.g0) > 0


def _simulate(ctx: Context, lay: layout.Layout, count_only: bool):
    """The ledger of the groups of `lay`, in stages: the recurring rows on fixed schedules,
    thinned to each group's share, then fraud episodes, then everyday activity filling the
    share; finally rows are ordered and balances run (`_settle`). With `count_only`, the
    account of every row, before anything is ordered."""
    book = Book.open(ctx, lay)
    drawn = _target_balances(book)
    paid = _paychecks(book)
    retired = _retirement_income(book)
    _other_income(book)
    _bills(book)
    _month_end(book, drawn, direct_deposit=paid | retired)
    _saving(book)
    _credit_cards(book)
    loan_opening = _loans(book)
    _openings_and_closings(book)

    recurring = book.rows.join()
    n_groups = lay.g1 - lay.g0
    budget = groups.allocation(ctx, NAME).counts(lay.g0, lay.g1)
    acc_group = lay.account_group
    r_counts = np.bincount(acc_group[recurring["acc"]], minlength=n_groups)
    keep = _thin(ctx, recurring, acc_group, budget, r_counts, lay.g0)
    if keep is not None:
        recurring = {k: v[keep] for k, v in recurring.items()}
        r_counts = np.bincount(acc_group[recurring["acc"]], minlength=n_groups)

    lo, hi, live = book.lo, book.hi, book.live
    fraud, found = episodes.inject(ctx, lay, lo, hi, live, budget - r_counts, drawn)
    f_counts = np.bincount(acc_group[fraud["acc"]], minlength=n_groups)

    spare = np.maximum(budget - r_counts - f_counts, 0)
    plan = everyday.plan(book, recurring)
    if count_only:
        return np.concatenate(
            [recurring["acc"], fraud["acc"], everyday.accounts(book, plan, spare)]
        )
    daily = everyday.activity(book, plan, spare)
    d_counts = np.bincount(acc_group[daily["acc"]], minlength=n_groups)

    rows = {k: np.concatenate([recurring[k], fraud[k], daily[k]]) for k in recurring}
    rows["status"] = _frozen_cards(lay, rows)
    group_rows = r_counts + f_counts + d_counts
    first_row = int(groups.allocation(ctx, NAME).cum(lay.g0))
    gone = lay.close_day < np.maximum(lay.open_day, book.d0) + (lay.close_day < book.d0)
    opening = np.zeros(len(lay.index), dtype=np.int64)
    opening[lay.kind == LOAN] = loan_opening
    drawn = np.where(gone, 0, drawn)
    led = _settle(book, rows, plan, opening, drawn, gone, group_rows, first_row)
    led.episodes = found
    return led


def _target_balances(book: Book) -> np.ndarray:
    """Per account: the balance (cents) a deposit account ends the ledger with, log-normal
    around a share of its owner's wealth (income with the wealth factor that also sets the
    segment; 0 for cards and loans)."""
    p = book.ctx.params.accounts
    kind = book.lay.kind
    income = book.lay.people.wealth[book.lay.owner]
    deposits = [p.deposits[t] for t in DEPOSIT_TYPES]
    med = np.array([d.balance_median for d in deposits] + [0, 0])[kind]
    sig = np.array([d.balance_sigma for d in deposits] + [0, 0])[kind]
    floor_ = np.array([d.balance_floor for d in deposits] + [0, 0])[kind]
    z = book.stream("opening").normal(book.account_keys)
    drawn = np.maximum(income * med * np.exp(sig * z), floor_)
    return np.where(kind < CARD, np.round(drawn * 100), 0).astype(np.int64)


def _paychecks(book: Book) -> np.ndarray:
    """Payroll into the primary Checking account: bi-weekly (every other Friday from a
    per-customer phase), semi-monthly (the 15th and the last business day) or monthly (the
    last business day), a stable net amount per customer. Returns who is paid."""
    pl = book.ctx.params.ledger
    f = book.lay.people
    s, ck, d0, d1 = book.stream, book.customer_keys, book.d0, book.d1
    cust = np.arange(len(f.idx))
    how = Categorical.of(pl.pay_frequency).sample(s("pay_frequency").uniform(ck))
    per_year = np.array([26, 24, 12])[how]
    paid = f.has_job & (book.checking >= 0)
    net = f.income * pl.net_pay_ratio / per_year
    first = d0 + ((1 + 7 * (s("pay_phase").uniform(ck) < 0.5) - d0) % 14)
    n_bi = (d1 - d0) // 14 + 2
    c_bi = np.repeat(cust, n_bi)
    day_bi = first[c_bi] + 14 * np.tile(np.arange(n_bi), len(cust))
    c_ld, day_ld = _monthly(book.months, np.full(len(cust), 31), business=True)
    c_15, day_15 = _monthly(book.months, np.full(len(cust), 15), business=True)
    c_pay = np.concatenate([c_bi, c_15, c_ld])
    day_pay = np.concatenate([day_bi, day_15, day_ld])
    rule = np.concatenate([np.zeros(len(c_bi)), np.ones(len(c_15)), np.full(len(c_ld), 2)])
    ok = paid[c_pay] & ((rule == how[c_pay]) | ((rule == 2) & (how[c_pay] == 1)))
    acc = book.checking[c_pay]
    ok &= book.in_span(acc, day_pay)
    c_pay, day_pay, acc = c_pay[ok], day_pay[ok], acc[ok]
    at = book.at(acc, day_pay)
    jitter = 1 + pl.pay_jitter * s("pay_jitter").normal(at)
    amount = np.round(net[c_pay] * jitter * 100).astype(np.int64)
    employer = merchants.employers(book.ctx, f.occupation, s("employer").uniform(ck))
    book.rows.add(
        acc,
        _seconds(day_pay, s("pay_time").uniform(at), 1, 6),
        PAYROLL,
        amount,
        book.identity(PAYROLL, at),
        merchant=-2 - employer[c_pay],
    )
    return paid


#: Social Security: claimed from 62; the largest monthly benefit (2025, claimed at 70)
SOCIAL_SECURITY_AGE, SOCIAL_SECURITY_MAX = 62, 5_108
#: those whose benefits started before May 1997 are paid on the 3rd of the month
SOCIAL_SECURITY_OLD_RULE = int(np.datetime64("1997-05-01").astype(np.int64))


def social_security_day(month: int, birth_day: np.ndarray, started: np.ndarray) -> np.ndarray:
    """The day Social Security pays in `month` (year x 12 + month - 1): the 2nd, 3rd or 4th
    Wednesday for a birth day of the month in 1-10, 11-20 or 21-31; the 3rd (the business
    day before, on a weekend) for benefits started before May 1997 (SSA publication
    05-10031, "Schedule of Social Security Payments")."""
    first = _month_start(month)
    wednesday = first + (2 - (first + 3) % 7) % 7  # epoch day 0 was a Thursday (3, Monday 0)
    dom = calendar(birth_day)[2]
    nth = np.select([dom <= 10, dom <= 20], [1, 2], 3)
    third = _business_day(np.full(len(birth_day), first + 2))
    return np.where(started < SOCIAL_SECURITY_OLD_RULE, third, wednesday + 7 * nth)


def _retirement_income(book: Book) -> np.ndarray:
    """Retirees' income: Social Security from 62, on its schedule (by birth day), and for
    some (`customers.pension_rate`) a pension on the 1st (the business day before on a
    weekend), which then carries 40% of their income. Returns who receives any of it."""
    f = book.lay.people
    p = book.ctx.params.customers
    s, ck = book.stream, book.customer_keys
    cust = np.arange(len(f.idx))
    has = f.retired & (book.checking >= 0)
    pension = has & (s("pension").uniform(ck) < p.pension_rate)
    benefit = has & (f.age >= SOCIAL_SECURITY_AGE)
    # benefits started at 62 at the earliest: someone born before May 1935 is on the old rule
    started = f.birth_day + int(SOCIAL_SECURITY_AGE * 365.25)
    monthly = f.income * 100 / 12
    amounts = {
        BENEFIT: np.minimum(monthly * np.where(pension, 0.6, 0.85), SOCIAL_SECURITY_MAX * 100),
        PENSION: monthly * 0.4,
    }
    for kind, name, who in ((BENEFIT, "benefit", benefit), (PENSION, "pension", pension)):
        if kind == BENEFIT:
            days = [social_security_day(m, f.birth_day, started) for m in book.months]
            c_b = np.tile(cust, len(book.months))
            day_b = np.concatenate(days)
        else:
            c_b, day_b = _monthly(book.months, np.full(len(cust), 1), business=True)
        acc = book.checking[c_b]
        ok = who[c_b] & book.in_span(acc, day_b)
        c_b, day_b, acc = c_b[ok], day_b[ok], acc[ok]
        at = book.at(acc, day_b)
        sec = _seconds(day_b, book.stream(f"{name}_time").uniform(at), 1, 6)
        amount = np.round(amounts[kind][c_b]).astype(np.int64)
        book.rows.add(acc, sec, kind, amount, book.identity(kind, at))
    return benefit | pension


def _other_income(book: Book) -> None:
    """Income of those without pay or benefits: an unemployment benefit every other
    Wednesday for some of the unemployed, a monthly transfer from family for most students.
    Their annual income is what these pay; the others live on deposits and transfers
    received."""
    pl = book.ctx.params.ledger
    f, s, ck = book.lay.people, book.stream, book.customer_keys
    labels = people.occupation_labels(book.ctx.params.people)
    cust = np.arange(len(f.idx))
    has = book.checking >= 0

    benefit = has & (f.occupation == labels.index(people.UNEMPLOYED))
    benefit &= s("unemployment").uniform(ck) < pl.unemployment_benefit_rate
    wednesday = book.d0 + (2 - (book.d0 + 3)) % 7  # the ledger's first Wednesday
    first = wednesday + 7 * (s("unemployment_phase").uniform(ck) < 0.5)
    n_pay = (book.d1 - book.d0) // 14 + 2
    c_w = np.repeat(cust, n_pay)
    day_w = first[c_w] + 14 * np.tile(np.arange(n_pay), len(cust))
    acc = book.checking[c_w]
    ok = benefit[c_w] & book.in_span(acc, day_w)
    c_w, day_w, acc = c_w[ok], day_w[ok], acc[ok]
    at = book.at(acc, day_w)
    book.rows.add(
        acc,
        _seconds(day_w, s("unemployment_time").uniform(at), 1, 6),
        UNEMPLOYMENT,
        np.round(f.income[c_w] / 26 * 100).astype(np.int64),
        book.identity(UNEMPLOYMENT, at),
    )

    family = has & (f.occupation == labels.index(people.STUDENT))
    family &= s("family").uniform(ck) < pl.family_support_rate
    c_m, day_m = _monthly(book.months, s("family_day").integers(ck, 1, 29))
    acc = book.checking[c_m]
    ok = family[c_m] & book.in_span(acc, day_m)
    c_m, day_m, acc = c_m[ok], day_m[ok], acc[ok]
    at = book.at(acc, day_m)
    amount = f.income[c_m] * 0.85 / 12 * (1 + 0.05 * s("family_amount").normal(at))
    book.rows.add(
        acc,
        _seconds(day_m, s("family_time").uniform(at), 8, 22),
        ZELLE_IN,
        np.round(amount / 5).astype(np.int64) * 500,
        book.identity(ZELLE_IN, at),
    )


def _bills(book: Book) -> None:
    """Bills paid from Checking on a fixed day of the month, each biller's level a share of
    the customer's income. Housing bills (rent, a mortgage held elsewhere) exclude each
    other, by one draw per customer, and nobody paying a mortgage to this bank has one."""
    pl = book.ctx.params.ledger
    v = merchants.of(book.ctx)
    lay, f, ck = book.lay, book.lay.people, book.customer_keys
    mortgage = np.zeros(len(f.idx), dtype=bool)
    mortgage[lay.owner[lay.kind == LOAN][lay.loans.kind == 0]] = True
    tenure = book.stream("housing").uniform(ck)
    housing_from = 0.0
    for bill, spec in pl.bills.items():
        share, amount_share, variation = spec.share, spec.income_share, spec.variation
        s = lambda column, bill=bill: book.stream(column).child(bill)  # noqa: E731
        if spec.housing:
            has = (tenure >= housing_from) & (tenure < housing_from + share) & ~mortgage
            housing_from += share
        else:
            has = s("bill").uniform(ck) < share
        has &= book.checking >= 0
        dom = s("bill_day").integers(ck, 1, 29)
        c_b, day_b = _monthly(book.months, dom)
        acc = book.checking[c_b]
        ok = has[c_b] & book.in_span(acc, day_b)
        c_b, day_b, acc = c_b[ok], day_b[ok], acc[ok]
        at = book.at(acc, day_b)
        level = f.income / 12 * amount_share * np.exp(0.25 * s("bill_level").normal(ck))
        amt = level[c_b] * (1 + variation * s("bill_var").normal(at))
        amt = np.maximum(amt, pl.bill_min)
        amt = np.round(amt) if spec.housing else amt
        merchant = v.bill_start[bill] + s("biller").integers(ck, 0, v.bill_count[bill])
        book.rows.add(
            acc,
            _seconds(day_b, s("bill_time").uniform(at), 0, 7),
            BILL,
            -np.round(amt * 100).astype(np.int64),
            book.identity(BILL, at, bill),
            merchant=merchant[c_b],
            category=v.categories.index(spec.category),
        )


def _month_end(book: Book, drawn: np.ndarray, direct_deposit: np.ndarray) -> None:
    """On the last day of each month: interest on savings, money market and CDs, and a
    maintenance fee on Checking without direct deposit (Students pay none)."""
    lay, f = book.lay, book.lay.people
    fee_cents = -int(book.ctx.params.ledger.maintenance_fee * 100)
    last_day = np.array([_month_start(m + 1) - 1 for m in book.months])
    for month, day in zip(book.months, last_day, strict=True):
        in_span = book.live & (day >= book.lo) & (day < book.hi)
        earn = in_span & np.isin(lay.kind, (SAVINGS, MONEY_MARKET, CD)) & (lay.rate > 0)
        pos = np.flatnonzero(earn)
        amt = np.maximum(np.round(drawn[pos] * lay.rate[pos] / 12), 1).astype(np.int64)
        at = np.full(len(pos), day * SECONDS_PER_DAY + 23 * SECONDS_PER_HOUR)
        book.rows.add(pos, at, INTEREST, amt, book.identity(INTEREST, book.at(pos, month)))
        owner = lay.owner
        fee = in_span & (lay.kind == CHECKING) & ~direct_deposit[owner] & (f.segment[owner] > 0)
        pos = np.flatnonzero(fee)
        at = np.full(len(pos), day * SECONDS_PER_DAY + 1800)
        book.rows.add(pos, at, MAINT_FEE, fee_cents, book.identity(MAINT_FEE, book.at(pos, month)))


def _saving(book: Book) -> None:
    """A monthly saving out of Checking on a fixed day, a share of monthly net income that
    rises with the segment: to the customer's Savings (auto-save; both sides share one
    reference) or, for the better-off without it, to a brokerage elsewhere."""
    pl = book.ctx.params.ledger
    f, s, ck = book.lay.people, book.stream, book.customer_keys
    checking, savings = book.checking, book.savings
    saver = (checking >= 0) & (savings >= 0) & (s("auto_save").uniform(ck) < pl.auto_save_rate)
    investor = (checking >= 0) & ~saver & (f.segment >= SEGMENTS.index("Mass Affluent"))
    investor &= s("invest").uniform(ck) < pl.invest_rate
    low, high = np.array([pl.saving[x] for x in SEGMENTS]).T[:, f.segment]
    share = low + (high - low) * s("auto_save_share").uniform(ck)
    save = np.round(book.monthly_net() * share / 5) * 5
    saver &= save >= 25
    investor &= save >= 25
    c_s, day_s = _monthly(book.months, s("auto_save_day").integers(ck, 1, 29))
    a_out, a_in = checking[c_s], np.where(saver, savings, checking)[c_s]
    ok = (
        (saver | investor)[c_s]
        & (day_s >= np.maximum(book.lo[a_out], book.lo[a_in]))
        & (day_s < np.minimum(book.hi[a_out], book.hi[a_in]))
    )
    c_s, day_s, a_out, a_in = c_s[ok], day_s[ok], a_out[ok], a_in[ok]
    at = book.at(a_out, day_s)
    sec = _seconds(day_s, s("auto_save_time").uniform(at), 6, 9)
    cents = (save[c_s] * 100).astype(np.int64)
    transfer = book.identity(SAVE_OUT, at)
    own = saver[c_s]
    book.rows.add(a_out[own], sec[own], SAVE_OUT, -cents[own], transfer[own], pair=transfer[own])
    book.rows.add(a_in[own], sec[own], SAVE_IN, cents[own], transfer[own], pair=transfer[own])
    book.rows.add(a_out[~own], sec[~own], INVEST_OUT, -cents[~own], transfer[~own])


def _statements(book: Book) -> tuple[np.ndarray, np.ndarray]:
    """(card, statement day) of every card statement that closes in the ledger or is due in
    it: one a month on the card's statement day, from the month before the ledger."""
    cards = book.lay.cards
    months = [book.months[0] - 1, *book.months]
    return _monthly(months, cards.statement_dom)


def _credit_cards(book: Book) -> None:
    """Credit cards: interest on revolving balances when a statement closes, the payment of
    each statement (in full, or a part for revolvers) from Checking or from outside
    `GRACE_DAYS` later, late fees for delinquent cards instead, annual fees in the card's
    anniversary month. Interest and payments are placeholders here: their amounts follow
    the statements, which `_card_cycles` closes once every row is known."""
    lay, s, d0, d1 = book.lay, book.stream, book.d0, book.d1
    cards = lay.cards
    card_pos = np.flatnonzero(lay.kind == CARD)
    delinquent = cards.delinquency > 0

    # a statement is paid (and charges interest) when the card was open a whole cycle
    # before it: the cycle then holds at least the card's subscription
    c_s, day_s = _statements(book)
    pos = card_pos[c_s]
    whole = day_s >= lay.open_day[pos] + CYCLE_DAYS
    ok = cards.revolver[c_s] & book.in_span(pos, day_s) & (day_s <= d1) & whole
    book.rows.add(
        pos[ok],
        day_s[ok] * SECONDS_PER_DAY + STATEMENT_HOUR * SECONDS_PER_HOUR,
        CARD_INTEREST,
        0,
        book.identity(CARD_INTEREST, book.at(pos[ok], day_s[ok])),
    )

    day_p = day_s + GRACE_DAYS
    ok = book.in_span(pos, day_p) & (day_p <= d1) & whole
    c_p, day_p, pos = c_s[ok], day_p[ok], pos[ok]
    at = book.at(pos, day_p)
    payment = book.identity(CARD_PAY_IN, at)
    late = delinquent[c_p]
    src = book.checking[lay.owner[pos]]
    src_ok = (src >= 0) & book.in_span(np.maximum(src, 0), day_p)
    sec = _seconds(day_p, s("card_pay_time").uniform(at), 7, 22)
    m = ~late & src_ok
    book.rows.add(src[m], sec[m], CARD_PAY_OUT, 0, payment[m], pair=payment[m])
    book.rows.add(pos[m], sec[m], CARD_PAY_IN, 0, payment[m], pair=payment[m])
    m = ~late & ~src_ok
    book.rows.add(pos[m], sec[m], CARD_PAY_EXT, 0, payment[m])
    book.rows.add(
        pos[late],
        day_p[late] * SECONDS_PER_DAY + 23 * SECONDS_PER_HOUR,
        LATE_FEE,
        int(book.ctx.params.cards.late_fee * 100),
        book.identity(LATE_FEE, at[late]),
    )

    # a subscription billed to the card every month, so that every statement has a charge
    v = merchants.of(book.ctx)
    streaming = v.categories.index(SUBSCRIPTION_CATEGORY)
    c_m, day_m = _monthly(book.months, cards.statement_dom % 28 + 1)  # the day after a closing
    pos = card_pos[c_m]
    ok = book.in_span(pos, day_m)
    c_m, day_m, pos = c_m[ok], day_m[ok], pos[ok]
    card_key = book.account_keys[card_pos]
    price = _subscriptions(book)
    at = book.at(pos, day_m)
    book.rows.add(
        pos,
        _seconds(day_m, s("subscription_time").uniform(at), 0, 6),
        ONLINE,
        price[c_m],
        book.identity(ONLINE, at),
        merchant=v.cat_start[streaming]
        + SUBSCRIPTION_MERCHANTS[s("subscription_merchant").integers(card_key, 0, 3)][c_m],
        category=streaming,
    )

    _, im, idom, _ = calendar(cards.issue_day)
    c_f, day_f = _monthly(book.months, idom)
    pos = card_pos[c_f]
    _, fm, _, _ = calendar(day_f)
    ok = (fm == im[c_f]) & (cards.annual_fee[c_f] > 0) & book.in_span(pos, day_f)
    ok &= cards.issue_day[c_f] < d0
    c_f, day_f, pos = c_f[ok], day_f[ok], pos[ok]
    book.rows.add(
        pos,
        day_f * SECONDS_PER_DAY + 3 * SECONDS_PER_HOUR,
        ANNUAL_FEE,
        cards.annual_fee[c_f],
        book.identity(ANNUAL_FEE, book.at(pos, day_f)),
    )


def _loans(book: Book) -> np.ndarray:
    """Loans: the instalments due during the ledger (from Checking, or from outside), split
    into the payment leaving Checking and the principal reducing the loan; disbursements of
    loans originated during the ledger. Returns each loan's balance (cents) at the ledger's
    start (0 for new loans, which start with their disbursement)."""
    lay, s, d0, d1 = book.lay, book.stream, book.d0, book.d1
    loans = lay.loans
    loan_pos = np.flatnonzero(lay.kind == LOAN)
    month0 = calendar(loans.origination)
    o_month = month0[0] * 12 + month0[1] - 1
    k_first = np.array(book.months[0]) - o_month - 1  # due dates before the ledger's first month
    n_k = len(book.months) + 2
    l_i = np.repeat(np.arange(len(loan_pos)), n_k)
    k = np.maximum(k_first[l_i], 0) + np.tile(np.arange(n_k), len(loan_pos))
    day_k = layout.due_day(o_month[l_i], loans.due_dom[l_i], k)
    ok = (k >= 1) & (k <= loans.payments_made[l_i]) & (day_k >= d0) & (day_k <= d1)
    l_i, k, day_k = l_i[ok], k[ok], day_k[ok]
    paid_before = loans.payments_made - np.bincount(l_i, minlength=len(loan_pos))
    pos = loan_pos[l_i]
    amount, rate, term = loans.amount[l_i], loans.rate[l_i], loans.term[l_i]
    principal = layout.schedule_balance(amount, rate, term, k - 1) - layout.schedule_balance(
        amount, rate, term, k
    )
    at = book.at(pos, k)
    sec = _seconds(day_k, s("loan_time").uniform(at), 3, 6)
    instalment = book.identity(LOAN_PAY_IN, at)
    src = book.checking[lay.owner[pos]]
    src_ok = (src >= 0) & book.in_span(np.maximum(src, 0), day_k)
    m, paid = src_ok, instalment[src_ok]
    book.rows.add(src[m], sec[m], LOAN_PAY_OUT, -loans.payment[l_i][m], paid, pair=paid)
    book.rows.add(pos[m], sec[m], LOAN_PAY_IN, -principal[m], paid, pair=paid)
    book.rows.add(pos[~m], sec[~m], LOAN_PAY_EXT, -principal[~m], instalment[~m])

    new = loans.origination >= d0
    pos = loan_pos[new]
    book.rows.add(
        pos,
        loans.origination[new] * SECONDS_PER_DAY + 11 * SECONDS_PER_HOUR,
        DISBURSE,
        loans.amount[new],
        book.identity(DISBURSE, book.at(pos, loans.origination[new])),
    )
    balance = layout.schedule_balance(loans.amount, loans.rate, loans.term, paid_before)
    return np.where(new, 0, balance)


def _openings_and_closings(book: Book) -> None:
    """Deposit accounts opened during the ledger get their initial deposit (its amount is
    set when balances run); those closed during it a withdrawal of what is left."""
    lay, acc_key = book.lay, book.account_keys
    pos = np.flatnonzero(book.opened_inside)
    book.rows.add(
        pos,
        _seconds(lay.open_day[pos], book.stream("open_time").uniform(acc_key[pos]), 9, 17),
        OPEN_DEPOSIT,
        0,
        book.identity(OPEN_DEPOSIT, book.at(pos, lay.open_day[pos])),
    )
    closing = (lay.kind < CARD) & (lay.close_day >= book.d0) & (lay.close_day <= book.d1)
    closing &= lay.close_day > lay.open_day
    pos = np.flatnonzero(closing)
    book.rows.add(
        pos,
        lay.close_day[pos] * SECONDS_PER_DAY + 17 * SECONDS_PER_HOUR,
        CLOSE_OUT,
        0,
        book.identity(CLOSE_OUT, book.at(pos, lay.close_day[pos])),
    )


def _thin(ctx, rows, acc_group, budget, r_counts, g0):
    """Drop random recurring events where a group's schedule alone exceeds its share."""
    over = r_counts - np.floor(budget * 0.8).astype(np.int64)
    if not (over > 0).any():
        return None
    # both sides of a pair are one event with one priority, so they go together
    event = np.where(rows["pair"] >= 0, rows["pair"], rows["key"])
    prio = ctx.stream(NAME, "thin").uniform(event)
    grp = acc_group[rows["acc"]]
    order = np.lexsort((event, prio, grp))
    rank = segments.positions(np.bincount(grp[order], minlength=len(budget)))
    drop = np.zeros(len(grp), dtype=bool)
    drop[order] = rank < np.maximum(over, 0)[grp[order]]
    paired = rows["pair"] >= 0
    dropped_pairs = np.unique(rows["pair"][drop & paired])
    drop |= paired & np.isin(rows["pair"], dropped_pairs)
    return ~drop


def _frozen_cards(lay: layout.Layout, rows: dict[str, np.ndarray]) -> np.ndarray:
    """Statuses with every purchase on a card from the day it was frozen declined: a frozen
    card takes no new charges (interest, fees and payments go on)."""
    frozen = np.full(len(lay.index), layout.NEVER, dtype=np.int64)
    frozen[lay.kind == CARD] = lay.cards.frozen_day
    stopped = np.isin(rows["kind"], (POS, ONLINE)) & (
        rows["sec"] >= frozen[rows["acc"]] * SECONDS_PER_DAY
    )
    return np.where(stopped, FAILED, rows["status"])


def _settle(book: Book, rows, plan, opening, drawn, gone, group_rows, first_row) -> Ledger:
    """Order rows by account and time, close the card statements and pay them, fix the
    deposit accounts' opening balances, run the balances."""
    ctx, lay = book.ctx, book.lay
    pa_ = ctx.params.accounts
    # one int64 sort key: account (20 bits), second in the ledger (25), kind (5), key (13)
    n_acc = len(lay.index)
    assert n_acc < 1 << 20
    rel = rows["sec"] - book.d0 * SECONDS_PER_DAY
    composite = (rows["acc"] << 43) | (rel << 18) | (rows["kind"] << 13) | (rows["key"] & 0x1FFF)
    order = np.argsort(composite, kind="stable")
    rows = {k: v[order] for k, v in rows.items()}
    acc = rows["acc"]
    lengths = np.bincount(acc, minlength=n_acc)
    kind_acc = lay.kind[acc]

    opening = opening.copy()
    opening[lay.kind == CARD] = _card_cycles(book, rows, plan)
    completed = rows["status"] == COMPLETED

    # deposits: the lowest point of the path decides the opening balance
    dep_rows = kind_acc < CARD
    flows = np.where(completed & dep_rows, rows["amount"], 0)
    low = np.minimum(segments.reduce(np.minimum, segments.cumsum(flows, acc), lengths, 0), 0)
    cushion = int(pa_.cushion * 100)
    # a personal buffer above what is allowed: balances never pile up at a floor
    buffer = np.round(drawn * 0.5 * book.stream("buffer").uniform(book.account_keys))
    need = np.where(lay.overdraft > 0, -low - lay.overdraft, -low + cushion) + buffer
    dep = lay.kind < CARD
    # `drawn` is the log-normal balance the account should end with; the opening balance is
    # what gets it there, raised where the path would otherwise dip below what is allowed
    total = segments.reduce(np.add, flows, lengths, 0)
    least = np.where(book.opened_inside, cushion, np.iinfo(np.int64).min)  # a first deposit
    start = np.where(dep, np.maximum(drawn - total, np.maximum(need, least)), opening)
    start = np.where(gone & dep, 0, start)  # closed before the ledger: emptied back then
    start = start.astype(np.int64)
    # accounts opened inside the ledger start at zero and receive it as the initial deposit
    first_amount = np.where(book.opened_inside, start, 0)
    start = np.where(book.opened_inside, 0, start)
    amount = rows["amount"]
    amount = np.where(rows["kind"] == OPEN_DEPOSIT, first_amount[acc], amount)
    # closing rows take out whatever is left
    is_close_row = rows["kind"] == CLOSE_OUT
    run = start[acc] + segments.cumsum(np.where(completed & ~is_close_row, amount, 0), acc)
    before_close = run - np.where(completed & ~is_close_row, amount, 0)
    amount = np.where(is_close_row, -before_close, amount)
    rows["amount"] = amount
    balance = start[acc] + segments.cumsum(np.where(completed, amount, 0), acc)
    current = start + segments.reduce(np.add, np.where(completed, amount, 0), lengths, 0)
    holds = (rows["status"] == PENDING) & np.where(kind_acc == CARD, amount > 0, amount < 0)
    pending = segments.reduce(np.add, np.where(holds, np.abs(amount), 0), lengths, 0)
    return Ledger(lay, rows, balance, start, current, pending, group_rows, first_row)


def _subscriptions(book: Book) -> np.ndarray:
    """Per card: the cents of the subscription billed to it every month."""
    keys = book.account_keys[book.lay.kind == CARD]
    return SUBSCRIPTION_PRICES[
        book.stream("subscription").integers(keys, 0, len(SUBSCRIPTION_PRICES))
    ]


def _card_cycles(book: Book, rows: dict, plan: everyday.Plan) -> np.ndarray:
    """Close each card's statements in time order and pay them; returns the cards' opening
    balances (what they owe at the ledger's start).

    A card owes its revolving debt (revolvers), plus the last statement before the ledger
    if its payment is still due, plus what it spent since. Statements close on the card's
    statement day: revolvers are charged a month's interest on the balance, and the payment
    `GRACE_DAYS` later pays the statement in full (transactors) or a part near the month's
    spending, at least the minimum (revolvers); the Checking side of a payment mirrors it.
    Round r settles what happens between the r-th and the next closing, so purchases that
    would take a card over its limit are declined in time order, cycle by cycle; they leave
    room for the interest and fees still to come, which are never declined.
    """
    lay, s = book.lay, book.stream
    cards = lay.cards
    card_pos = np.flatnonzero(lay.kind == CARD)
    sel = np.flatnonzero(lay.kind[rows["acc"]] == CARD)
    if len(card_pos) == 0:
        return np.zeros(0, dtype=np.int64)
    a = rows["acc"][sel]
    c = lay.card[a]  # card of each card row
    sec, kind = rows["sec"][sel], rows["kind"][sel]
    amount, status = rows["amount"][sel].copy(), rows["status"][sel].copy()
    d0 = book.d0
    # a month's spending: everyday purchases and the subscription (all of an idle card's)
    month_spend = plan.card_monthly[card_pos] + _subscriptions(book).astype(np.float64)

    # closings inside the ledger, per card (columns: the ledger's months, in order)
    close = np.stack(
        [
            (_month_start(m) + np.minimum(cards.statement_dom, _month_length(m)) - 1)
            * SECONDS_PER_DAY
            + STATEMENT_HOUR * SECONDS_PER_HOUR
            for m in book.months
        ],
        axis=1,
    )
    inside = (close >= d0 * SECONDS_PER_DAY) & (close < (book.d1 + 1) * SECONDS_PER_DAY)
    close = np.where(inside, close, np.iinfo(np.int64).max)
    close.sort(axis=1)  # closings inside first, in time order
    n_closed = inside.sum(axis=1)
    cycle = np.zeros(len(sel), dtype=np.int64)  # closings of its card at or before a row
    for j in range(close.shape[1]):
        cycle += close[c, j] <= sec

    # before the ledger: the last statement, and whether it was paid before the ledger
    first, before = book.months[0], book.months[0] - 1
    this_month = _month_start(first) + np.minimum(cards.statement_dom, _month_length(first)) - 1
    last = np.where(
        this_month < d0,
        this_month,
        _month_start(before) + np.minimum(cards.statement_dom, _month_length(before)) - 1,
    )
    revolving = np.where(cards.revolver, cards.utilization * cards.limit, 0.0)
    delinquent = cards.delinquency > 0
    spent = np.where(delinquent, 0.3, 1.0) * month_spend  # a delinquent card is cut back
    opened = lay.open_day[card_pos]
    statement = revolving + spent
    whole = opened <= last - CYCLE_DAYS  # the last statement is a whole cycle's, paid in time
    paid_before = whole & (last + GRACE_DAYS < d0) & ~delinquent
    owed = np.where(
        whole,
        np.where(paid_before, revolving, statement) + spent * (d0 - last) / MONTH_DAYS,
        spent * np.maximum(d0 - opened, 0) / MONTH_DAYS,  # a young card owes what it spent
    )
    # interest and fees are never declined: purchases leave room for all the ledger's
    late_fee = int(book.ctx.params.cards.late_fee * 100)
    charges = np.ceil(cards.limit * cards.apr / 12) + np.where(delinquent, late_fee, 0)
    reserve = n_closed * charges + cards.annual_fee * (1 + n_closed // 12)
    ceiling = cards.limit - reserve
    cap = np.minimum(np.round(cards.limit * 0.95), ceiling)
    owed = np.maximum(np.minimum(np.round(owed), cap), 0).astype(np.int64)
    statement = np.minimum(np.round(statement), cap).astype(np.int64)

    is_interest = kind == CARD_INTEREST
    is_payment = np.isin(kind, (CARD_PAY_IN, CARD_PAY_EXT))
    is_purchase = (amount > 0) & np.isin(kind, (POS, ONLINE))
    u_pay = s("card_pay").uniform(rows["key"][sel])
    order_key = (a << 40) | (sec - d0 * SECONDS_PER_DAY)  # rows are sorted by it
    for r in range(int(n_closed.max(initial=0)) + 1):
        if r > 0:  # the r-th closing: revolvers pay a month's interest on the balance
            run = owed[c] + segments.cumsum(np.where(status == COMPLETED, amount, 0), a)
            mine = is_interest & (cycle == r)
            amount[mine] = np.round(np.maximum(run[mine], 0) * cards.apr[c[mine]] / 12)
            run = owed[c] + segments.cumsum(np.where(status == COMPLETED, amount, 0), a)
            at = np.minimum(close[:, r - 1], (book.d1 + 1) * SECONDS_PER_DAY)
            probe = (card_pos << 40) | (at - d0 * SECONDS_PER_DAY)
            hit = np.searchsorted(order_key, probe, side="right") - 1
            found = (hit >= 0) & (a[np.maximum(hit, 0)] == card_pos)
            statement = np.where(found, run[np.maximum(hit, 0)], owed).astype(np.int64)
        mine = is_payment & (cycle == r)
        due = statement[c[mine]]
        part = month_spend[c[mine]] * (0.8 + 0.5 * u_pay[mine])
        minimum = np.minimum(np.maximum(0.02 * due, 2500), due)
        pay = np.where(cards.revolver[c[mine]], np.clip(part, minimum, due), due)
        amount[mine] = -np.round(np.maximum(pay, 0)).astype(np.int64)
        # purchases of this cycle that would take the card over its limit are declined
        run = owed[c] + segments.cumsum(np.where(status == COMPLETED, amount, 0), a)
        over = is_purchase & (cycle == r) & (status == COMPLETED) & (run > ceiling[c])
        status[over] = FAILED

    rows["amount"][sel] = amount
    rows["status"][sel] = status
    # the Checking side of each payment from Checking mirrors it
    paid = sel[kind == CARD_PAY_IN]
    out = np.flatnonzero(rows["kind"] == CARD_PAY_OUT)
    by_pair = np.argsort(rows["pair"][paid])
    match = paid[by_pair][np.searchsorted(rows["pair"][paid][by_pair], rows["pair"][out])]
    rows["amount"][out] = rows["amount"][match]
    return owed
