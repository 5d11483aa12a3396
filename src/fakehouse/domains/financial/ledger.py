"""The transaction ledger of a range of customer groups: one simulation, several tables.

Transactions cover the last `ledger_days` of the window. A group's exact share of rows is
filled in three layers, all pure functions of the group:

1. recurring rows on fixed schedules: paychecks (bi-weekly, semi-monthly or monthly, a
   stable amount per customer) and benefits, bills on fixed days, auto-save transfers,
   card payments, loan instalments (both sides of a transfer share one reference), interest
   and fees by account type, initial deposits and closing withdrawals;
2. fraud episodes injected as typologies (card-not-present burst, account takeover with a
   new device far from home and a drain, ATM skimming far from home, card testing: many
   tiny charges before a large one); detection is drawn per episode, and a group's rows of
   detectable episodes are capped by its share of cases, so each of them gets a case;
3. discretionary rows filling the rest: card purchases (merchant categories, long-tailed
   amounts), ATM withdrawals in $20 multiples, deposits and person-to-person transfers,
   dealt over accounts by activity.

Rows of an account are ordered by time; `balance_after` is a segmented running sum of
completed amounts from the opening balance. Deposit opening balances are log-normal draws,
raised where needed so that no account without overdraft protection ever goes below a small
cushion (and a protected one never below its overdraft limit). Amounts are signed changes of
the account's balance; on Credit Card and Loan accounts the balance is the amount owed.

accounts, credit_cards, loans, transactions and fraud_cases form one table group (see
`common.GROUP`): a block's ledger is simulated once and all five read it, instead of any of
them reading another table. The planner's first pass uses `row_accounts`, which stops once
every row has its account.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from fakehouse.core import people, reference, segments
from fakehouse.core.distributions import Categorical, choice, cumulative, poisson, zipf_rank
from fakehouse.core.rng import Stream, path
from fakehouse.core.table import Context
from fakehouse.core.timeline import SECONDS_PER_DAY, SECONDS_PER_HOUR, calendar
from fakehouse.domains.financial import groups, layout
from fakehouse.domains.financial.clock import intensity, ledger
from fakehouse.domains.financial.layout import CARD, CD, CHECKING, LOAN, MONEY_MARKET, SAVINGS
from fakehouse.domains.financial.params import DEPOSIT_TYPES, TYPOLOGIES

NAME = "transactions"
COMPLETED, PENDING, FAILED = range(3)
STATUSES = ("Completed", "Pending", "Failed")

#: row kinds: (transaction_type, channel, description prefix)
KINDS = (
    ("Deposit", "ACH", "PAYROLL DIRECT DEPOSIT"),  # 0
    ("Deposit", "ACH", "SOCIAL SECURITY BENEFIT"),  # 1
    ("Bill Payment", "ACH", "AUTOPAY"),  # 2
    ("Fee", "System", "MONTHLY MAINTENANCE FEE"),  # 3
    ("Interest", "System", "INTEREST PAYMENT"),  # 4
    ("Transfer", "Online Banking", "TRANSFER TO SAVINGS"),  # 5
    ("Transfer", "Online Banking", "TRANSFER FROM CHECKING"),  # 6
    ("Payment", "Online Banking", "CREDIT CARD PAYMENT"),  # 7
    ("Payment", "Online Banking", "PAYMENT - THANK YOU"),  # 8
    ("Payment", "ACH", "PAYMENT - THANK YOU"),  # 9
    ("Interest", "System", "INTEREST CHARGE ON PURCHASES"),  # 10
    ("Fee", "System", "LATE PAYMENT FEE"),  # 11
    ("Fee", "System", "ANNUAL MEMBERSHIP FEE"),  # 12
    ("Loan Payment", "ACH", "LOAN PAYMENT"),  # 13
    ("Loan Payment", "ACH", "PAYMENT RECEIVED"),  # 14
    ("Loan Payment", "ACH", "PAYMENT RECEIVED"),  # 15
    ("Loan Disbursement", "Branch", "LOAN DISBURSEMENT"),  # 16
    ("Deposit", "Branch", "INITIAL DEPOSIT"),  # 17
    ("Withdrawal", "Branch", "ACCOUNT CLOSING WITHDRAWAL"),  # 18
    ("Purchase", "POS", "POS PURCHASE"),  # 19
    ("Purchase", "Online", "ONLINE PURCHASE"),  # 20
    ("Withdrawal", "ATM", "ATM WITHDRAWAL"),  # 21
    ("Deposit", "Mobile", "MOBILE CHECK DEPOSIT"),  # 22
    ("Transfer", "Mobile", "ZELLE PAYMENT SENT"),  # 23
    ("Transfer", "Online Banking", "EXTERNAL TRANSFER"),  # 24
    ("Deposit", "Mobile", "ZELLE PAYMENT RECEIVED"),  # 25
    ("Deposit", "ACH", "PENSION DEPOSIT"),  # 26
)
(
    PAYROLL,
    BENEFIT,
    BILL,
    MAINT_FEE,
    INTEREST,
    SAVE_OUT,
    SAVE_IN,
    CARD_PAY_OUT,
    CARD_PAY_IN,
    CARD_PAY_EXT,
    CARD_INTEREST,
    LATE_FEE,
    ANNUAL_FEE,
    LOAN_PAY_OUT,
    LOAN_PAY_IN,
    LOAN_PAY_EXT,
    DISBURSE,
    OPEN_DEPOSIT,
    CLOSE_OUT,
    POS,
    ONLINE,
    ATM,
    CHECK_DEPOSIT,
    ZELLE_OUT,
    EXTERNAL_OUT,
    ZELLE_IN,
    PENSION,
) = range(len(KINDS))
TYPES = tuple(dict.fromkeys(k[0] for k in KINDS))
CHANNELS = tuple(dict.fromkeys(k[1] for k in KINDS))
PREFIXES = tuple(k[2] for k in KINDS)
DIGITAL = (
    CHECK_DEPOSIT,
    ZELLE_OUT,
    EXTERNAL_OUT,
    ZELLE_IN,
    SAVE_OUT,
    SAVE_IN,
    CARD_PAY_OUT,
    CARD_PAY_IN,
)
#: hour-of-day weights of fraud: mostly at night, when the victim sleeps
FRAUD_HOURS = np.array(
    [
        2.2,
        2.6,
        2.8,
        2.8,
        2.4,
        1.6,
        0.8,
        0.5,
        0.4,
        0.4,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        0.6,
        0.6,
        0.7,
        0.8,
        1.0,
        1.4,
        1.8,
    ]
)
NEAR = 12  # legit in-person activity happens within this many ZIP codes of home
DEVICE_BASE = 1 << 40  # device codes above this are fraudsters' devices
MAX_EPISODES = 256  # fraud episodes of one customer group, at most (numbers their devices)


@dataclass(frozen=True)
class Vocab:
    categories: tuple[str, ...]
    merchants: tuple[str, ...]  # all merchant names, categories first, then billers
    cat_start: np.ndarray
    cat_count: np.ndarray
    bill_start: dict[str, int]
    bill_count: dict[str, int]
    bill_categories: tuple[str, ...]
    employers: tuple[str, ...]
    employer_spans: dict[str, tuple[int, int]]  # occupation -> (start, count) in employers


@cache
def vocab(categories: tuple[str, ...], bills: tuple[tuple[str, str], ...]) -> Vocab:
    text = resources.files("fakehouse.domains.financial").joinpath("data/merchants.json")
    raw = json.loads(text.read_text())
    names: list[str] = []
    start, count = [], []
    for c in categories:
        start.append(len(names))
        count.append(len(raw["categories"][c]))
        names.extend(raw["categories"][c])
    bill_start, bill_count = {}, {}
    for b, _ in bills:
        bill_start[b] = len(names)
        bill_count[b] = len(raw["billers"][b])
        names.extend(raw["billers"][b])
    all_categories = tuple(dict.fromkeys([*categories, *(c for _, c in bills)]))
    return Vocab(
        all_categories,
        tuple(names),
        np.array(start),
        np.array(count),
        bill_start,
        bill_count,
        all_categories,
        *_employers(),
    )


def _employers() -> tuple[tuple[str, ...], dict[str, tuple[int, int]]]:
    """All payroll employers, and per occupation (or 'Other') the (start, count) of its own
    among them (data/employers.json)."""
    text = resources.files("fakehouse.domains.financial").joinpath("data/employers.json")
    raw = {k: v for k, v in json.loads(text.read_text()).items() if not k.startswith("_")}
    names: list[str] = []
    spans = {}
    for occupation, employers in raw.items():
        spans[occupation] = (len(names), len(employers))
        names.extend(employers)
    return tuple(names), spans


def employers(ctx: Context, occupation: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index into `Vocab.employers` of the payroll employer of people with `occupation`
    (index into the occupation labels), one of the occupation's own picked by `u`."""
    v = _vocab(ctx)
    labels = people.occupation_labels(ctx.params.people)
    other = v.employer_spans["Other"]
    spans = np.array([v.employer_spans.get(o, other) for o in labels])
    start, count = spans[occupation, 0], spans[occupation, 1]
    return start + np.floor(u * count).astype(np.int64)


def _vocab(ctx: Context) -> Vocab:
    p = ctx.params.ledger
    return vocab(tuple(p.categories), tuple((b, v.category) for b, v in p.bills.items()))


class Rows:
    """Columns of ledger rows, appended part by part and joined once.

    `key` is a row's identity (random bits from a named stream, or a row's number among the
    group's everyday rows): it breaks ties between an account's rows of the same second and
    keys the fraud cases' draws. The two sides of a transfer share it, and their `pair`.
    """

    FIELDS = (
        "acc",
        "sec",
        "kind",
        "amount",
        "pair",
        "fraud",
        "merchant",
        "category",
        "place",
        "device",
        "status",
        "key",
        "episode",
    )

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {f: [] for f in self.FIELDS}

    def add(self, acc, sec, kind, amount, key, **extra) -> None:
        n = len(acc)
        defaults = {
            "pair": -1,
            "fraud": 0,
            "merchant": -1,
            "category": -1,
            "place": -1,
            "device": -1,
            "status": COMPLETED,
            "episode": -1,
        }
        values = {
            "acc": acc,
            "sec": sec,
            "kind": kind,
            "amount": amount,
            "key": key,
            **defaults,
            **extra,
        }
        for f in self.FIELDS:
            self.parts[f].append(
                np.broadcast_to(np.asarray(values[f], dtype=np.int64), (n,)).copy()
            )

    def join(self) -> dict[str, np.ndarray]:
        return {
            f: (np.concatenate(v) if v else np.zeros(0, dtype=np.int64))
            for f, v in self.parts.items()
        }


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


def _months(d0: int, d1: int) -> list[int]:
    """Month numbers (year * 12 + month - 1) overlapping days [d0, d1]."""
    y0, m0, _, _ = calendar(np.array([d0]))
    y1, m1, _, _ = calendar(np.array([d1]))
    return list(range(int(y0[0] * 12 + m0[0] - 1), int(y1[0] * 12 + m1[0])))


def _month_start(month: int) -> int:
    return int(np.datetime64(np.datetime64(month - 1970 * 12, "M"), "D").astype(np.int64))


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


def _near_place(home: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A ZIP code of the same state close to `home` in ZIP order (so, usually nearby)."""
    places = reference.places()
    state = places.state_index[home]
    lo, hi = places.state_start[state], places.state_stop[state] - 1
    return np.clip(home + np.floor((u - 0.5) * (2 * NEAR + 1)).astype(np.int64), lo, hi)


def _seconds(day: np.ndarray, u: np.ndarray, h0: float, h1: float) -> np.ndarray:
    return day * SECONDS_PER_DAY + np.floor((h0 + u * (h1 - h0)) * SECONDS_PER_HOUR).astype(
        np.int64
    )


def _primary(lay: layout.Layout, mask: np.ndarray) -> np.ndarray:
    """Per customer: position of its first account in `mask`, or -1."""
    n = len(lay.people.idx)
    out = np.full(n, np.iinfo(np.int64).max)
    pos = np.flatnonzero(mask)
    np.minimum.at(out, lay.owner[pos], pos)
    return np.where(out == np.iinfo(np.int64).max, -1, out)


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
    _, _, lo, hi, _ = _spans(ctx, lay)
    takes = (lo < hi) & np.isin(lay.kind, (CHECKING, SAVINGS, MONEY_MARKET, CARD))
    return np.bincount(lay.account_group[takes], minlength=lay.g1 - lay.g0) > 0


def _spans(ctx: Context, lay: layout.Layout):
    lw = ledger(ctx)
    d0, d1 = lw.start_day, lw.end_day
    opened_inside = (lay.open_day >= d0) & (lay.kind < CARD)
    lo = np.maximum(lay.open_day + (lay.open_day >= d0), d0)
    hi = np.minimum(lay.close_day, d1 + 1)  # exclusive; closing rows sit on the close day
    return d0, d1, lo, hi, opened_inside


@dataclass
class _Book:
    """What the stages of one simulation share: the layout of its customer groups, the
    ledger's days and calendar months, each account's live span [lo, hi) of days, the
    customers' primary Checking and Savings accounts, and the rows written so far."""

    ctx: Context
    lay: layout.Layout
    d0: int  # first and last day of the ledger
    d1: int
    lo: np.ndarray  # per account: first day it takes activity, first day it no longer does
    hi: np.ndarray
    opened_inside: np.ndarray  # per account: a deposit account opened during the ledger
    months: list[int]
    checking: np.ndarray  # per customer: position of the primary account of that type, or -1
    savings: np.ndarray
    rows: Rows = field(default_factory=Rows)

    @classmethod
    def open(cls, ctx: Context, lay: layout.Layout) -> _Book:
        d0, d1, lo, hi, opened_inside = _spans(ctx, lay)
        live = lo < hi
        return cls(
            ctx,
            lay,
            d0,
            d1,
            lo,
            hi,
            opened_inside,
            _months(d0, d1),
            _primary(lay, (lay.kind == CHECKING) & live),
            _primary(lay, (lay.kind == SAVINGS) & live),
        )

    @property
    def live(self) -> np.ndarray:
        return self.lo < self.hi

    @property
    def account_keys(self) -> np.ndarray:
        """Global account indices: they key account-level draws."""
        return self.lay.index

    @property
    def customer_keys(self) -> np.ndarray:
        return self.lay.people.idx

    def stream(self, column: str) -> Stream:
        return self.ctx.stream(NAME, column)

    def at(self, acc: np.ndarray, counter: np.ndarray) -> np.ndarray:
        """The draw index of events of accounts `acc` (positions in the layout) on `counter`
        (their day, month or instalment): the path (account, counter)."""
        return path(self.account_keys[acc], counter)

    def identity(self, kind: int, at: np.ndarray, *names: str) -> np.ndarray:
        """Identities of rows of `kind` (and of `names`, a biller) at draw indices `at`:
        random and distinct in practice, they pair the two sides of a transfer and order an
        account's rows of the same second."""
        return self.stream("row").child(kind, *names).ids(at)

    def in_span(self, acc: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Whether accounts `acc` take activity on `day`."""
        return (day >= self.lo[acc]) & (day < self.hi[acc])


def _simulate(ctx: Context, lay: layout.Layout, count_only: bool):
    """The ledger of the groups of `lay`, in stages: the recurring rows on fixed schedules,
    thinned to each group's share, then fraud episodes, then everyday activity filling the
    share; finally rows are ordered and balances run (`_settle`). With `count_only`, the
    account of every row, before anything is ordered."""
    book = _Book.open(ctx, lay)
    drawn = _target_balances(book)
    paid = _paychecks(book)
    retired = _retirement_income(book)
    _bills(book)
    _month_end(book, drawn, direct_deposit=paid | retired)
    _auto_save(book)
    opening = drawn.copy()
    opening[lay.kind == CARD] = _credit_cards(book)
    opening[lay.kind == LOAN] = _loans(book)
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
    fraud, episodes = _fraud(ctx, lay, lo, hi, live, budget - r_counts, drawn)
    f_counts = np.bincount(acc_group[fraud["acc"]], minlength=n_groups)

    spare = budget - r_counts - f_counts
    everyday = _discretionary(ctx, lay, lo, hi, live, np.maximum(spare, 0), count_only)
    if count_only:
        return np.concatenate([recurring["acc"], fraud["acc"], everyday])
    d_counts = np.bincount(acc_group[everyday["acc"]], minlength=n_groups)

    rows = {k: np.concatenate([recurring[k], fraud[k], everyday[k]]) for k in recurring}
    rows["status"] = _frozen_cards(lay, rows)
    group_rows = r_counts + f_counts + d_counts
    first_row = int(groups.allocation(ctx, NAME).cum(lay.g0))
    gone = lay.close_day < np.maximum(lay.open_day, book.d0) + (lay.close_day < book.d0)
    opening = np.where(gone & (lay.kind < CARD), 0, opening)
    drawn = np.where(gone, 0, drawn)
    led = _settle(ctx, lay, rows, opening, drawn, book.opened_inside, gone, group_rows, first_row)
    led.episodes = episodes
    return led


def _target_balances(book: _Book) -> np.ndarray:
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


def _paychecks(book: _Book) -> np.ndarray:
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
    employer = employers(book.ctx, f.occupation, s("employer").uniform(ck))
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


def _retirement_income(book: _Book) -> np.ndarray:
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


def _bills(book: _Book) -> None:
    """Bills paid from Checking on a fixed day of the month, each biller's level a share of
    the customer's income (no rent for home owners with a mortgage, nor for retirees)."""
    pl = book.ctx.params.ledger
    v = _vocab(book.ctx)
    lay, f, ck = book.lay, book.lay.people, book.customer_keys
    mortgage = np.zeros(len(f.idx), dtype=bool)
    mortgage[lay.owner[lay.kind == LOAN][lay.loans.kind == 0]] = True
    for bill, spec in pl.bills.items():
        share, amount_share, variation = spec.share, spec.income_share, spec.variation
        s = lambda column, bill=bill: book.stream(column).child(bill)  # noqa: E731
        has = (s("bill").uniform(ck) < share) & (book.checking >= 0)
        if bill == "Rent":
            has &= ~mortgage & ~f.retired
        dom = s("bill_day").integers(ck, 1, 29)
        c_b, day_b = _monthly(book.months, dom)
        acc = book.checking[c_b]
        ok = has[c_b] & book.in_span(acc, day_b)
        c_b, day_b, acc = c_b[ok], day_b[ok], acc[ok]
        at = book.at(acc, day_b)
        level = f.income / 12 * amount_share * np.exp(0.25 * s("bill_level").normal(ck))
        amt = level[c_b] * (1 + variation * s("bill_var").normal(at))
        amt = np.maximum(amt, pl.bill_min)
        amt = np.round(amt) if bill == "Rent" else amt
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


def _month_end(book: _Book, drawn: np.ndarray, direct_deposit: np.ndarray) -> None:
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


def _auto_save(book: _Book) -> None:
    """A monthly transfer from Checking to Savings on a fixed day: both sides share one
    reference."""
    pl = book.ctx.params.ledger
    f, s, ck = book.lay.people, book.stream, book.customer_keys
    checking, savings = book.checking, book.savings
    saver = (checking >= 0) & (savings >= 0) & (s("auto_save").uniform(ck) < pl.auto_save_rate)
    lo_s, hi_s = pl.auto_save_share
    monthly_net = np.where(f.has_job, f.income * pl.net_pay_ratio / 12, 600.0)
    save = monthly_net * (lo_s + (hi_s - lo_s) * s("auto_save_share").uniform(ck))
    save = np.maximum(np.round(save / 5) * 5, 25)
    c_s, day_s = _monthly(book.months, s("auto_save_day").integers(ck, 1, 29))
    a_out, a_in = checking[c_s], savings[c_s]
    ok = (
        saver[c_s]
        & (day_s >= np.maximum(book.lo[a_out], book.lo[a_in]))
        & (day_s < np.minimum(book.hi[a_out], book.hi[a_in]))
    )
    c_s, day_s, a_out, a_in = c_s[ok], day_s[ok], a_out[ok], a_in[ok]
    at = book.at(a_out, day_s)
    sec = _seconds(day_s, s("auto_save_time").uniform(at), 6, 9)
    cents = (save[c_s] * 100).astype(np.int64)
    transfer = book.identity(SAVE_OUT, at)
    book.rows.add(a_out, sec, SAVE_OUT, -cents, transfer, pair=transfer)
    book.rows.add(a_in, sec, SAVE_IN, cents, transfer, pair=transfer)


def _credit_cards(book: _Book) -> np.ndarray:
    """Credit cards: interest on revolving balances on the statement day, the payment (in
    full, or a part for revolvers) from Checking or from outside on the due day, late fees
    for delinquent cards, annual fees in the card's anniversary month. Returns each card's
    owed balance (cents) at the ledger's start (0 for cards issued during it)."""
    lay, s, d0 = book.lay, book.stream, book.d0
    cards = lay.cards
    card_pos = np.flatnonzero(lay.kind == CARD)
    acc_key = book.account_keys
    income = lay.people.income[lay.owner]
    spend = income[card_pos] / 12 * 0.1 * np.exp(0.6 * s("card_spend").normal(acc_key[card_pos]))
    owed = cards.utilization * cards.limit + np.where(cards.delinquency > 0, 0.3, 1.0) * spend * 100
    card_open = np.minimum(np.round(owed), np.round(cards.limit * 0.95)).astype(np.int64)
    card_open = np.where(lay.open_day[card_pos] >= d0, 0, card_open)
    revolving = cards.revolver & (cards.delinquency == 0)
    delinquent = cards.delinquency > 0

    c_i, day_i = _monthly(book.months, cards.statement_dom)
    pos = card_pos[c_i]
    ok = book.in_span(pos, day_i) & (cards.revolver[c_i]) & (card_open[c_i] > 0)
    c_i, day_i, pos = c_i[ok], day_i[ok], pos[ok]
    book.rows.add(
        pos,
        day_i * SECONDS_PER_DAY + 2 * SECONDS_PER_HOUR,
        CARD_INTEREST,
        np.round(card_open[c_i] * cards.apr[c_i] / 12).astype(np.int64),
        book.identity(CARD_INTEREST, book.at(pos, day_i)),
    )

    due_dom = (cards.statement_dom + 20) % 28 + 1
    c_p, day_p = _monthly(book.months, due_dom)
    pos = card_pos[c_p]
    ok = book.in_span(pos, day_p) & (card_open[c_p] > 0)
    c_p, day_p, pos = c_p[ok], day_p[ok], pos[ok]
    at = book.at(pos, day_p)
    payment = book.identity(CARD_PAY_IN, at)
    late = delinquent[c_p]
    frac = np.where(revolving[c_p], 0.03 + 0.3 * s("card_pay").uniform(at) ** 2, 1.0)
    pay = np.where(
        revolving[c_p], np.maximum(np.round(card_open[c_p] * frac), 2500), card_open[c_p]
    )
    pay = np.minimum(pay, card_open[c_p]).astype(np.int64)
    src = book.checking[lay.owner[pos]]
    src_ok = (src >= 0) & book.in_span(np.maximum(src, 0), day_p)
    sec = _seconds(day_p, s("card_pay_time").uniform(at), 7, 22)
    m = ~late & src_ok
    book.rows.add(src[m], sec[m], CARD_PAY_OUT, -pay[m], payment[m], pair=payment[m])
    book.rows.add(pos[m], sec[m], CARD_PAY_IN, -pay[m], payment[m], pair=payment[m])
    m = ~late & ~src_ok
    book.rows.add(pos[m], sec[m], CARD_PAY_EXT, -pay[m], payment[m])
    book.rows.add(
        pos[late],
        day_p[late] * SECONDS_PER_DAY + 23 * SECONDS_PER_HOUR,
        LATE_FEE,
        int(book.ctx.params.cards.late_fee * 100),
        book.identity(LATE_FEE, at[late]),
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
    return card_open


def _loans(book: _Book) -> np.ndarray:
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


def _openings_and_closings(book: _Book) -> None:
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


def _fraud(ctx, lay, lo, hi, live, room, drawn):
    """Fraud episodes per group: count, typology, victim, times, amounts, places.

    Whether an episode will be detected is drawn here (not in `fraud`), because every
    transaction of a detected episode gets its own case: a group's rows of detectable
    episodes must fit its exact share of cases, so whole detectable episodes beyond that
    share are dropped (with default parameters about 2.6 fraud rows meet 25.6 cases a group,
    so this never binds). An account is the victim of one episode at most, so that its
    investigation covers all its fraud. Episodes carry their key (an identity drawn from their
    group and number there), typology, size, whether they are detectable and the second of
    their last row, from which detection lags.
    """
    p = ctx.params
    pf = p.fraud
    v = _vocab(ctx)
    s = lambda column: ctx.stream(NAME, f"fraud.{column}")  # noqa: E731
    n_groups = lay.g1 - lay.g0
    gk = np.arange(lay.g0, lay.g1, dtype=np.int64)
    budget = groups.allocation(ctx, NAME).counts(lay.g0, lay.g1)
    cases = groups.allocation(ctx, "fraud_cases").counts(lay.g0, lay.g1)
    typologies = [pf.typologies[t] for t in TYPOLOGIES]  # codes index TYPOLOGIES
    typo = Categorical.of({t: x.share for t, x in zip(TYPOLOGIES, typologies, strict=True)})
    sizes = np.array([x.size for x in typologies])
    mean_size = float(np.dot(typo.cum - np.r_[0, typo.cum[:-1]], sizes.mean(axis=1)))
    lam = pf.rate * budget / mean_size
    n_ep = poisson(s("episodes").uniform(gk), lam, cap=MAX_EPISODES)
    n_ep = np.minimum(n_ep, np.maximum(room, 0) // (4 * int(sizes[:, 1].max())))
    ep_group = segments.ids(n_ep)
    eg, en = gk[ep_group], segments.positions(n_ep)  # an episode: its group, its number there
    ek = path(eg, en)  # the episodes' draw index
    kind = typo.sample(s("typology").uniform(ek))
    lo_sz, hi_sz = sizes[kind, 0], sizes[kind, 1]
    size = lo_sz + np.floor(s("size").uniform(ek) * (hi_sz - lo_sz + 1)).astype(np.int64)

    # victims: an eligible account of the group for the typology
    k_ = lay.kind
    span_days = np.where(live, hi - lo, 0)
    eligible = [
        np.where(k_ == CARD, 2.0, np.where(k_ == CHECKING, 1.0, 0.0)),
        np.where(np.isin(k_, (CHECKING, SAVINGS, MONEY_MARKET)), 1.0, 0.0),
        np.where(k_ == CHECKING, 1.0, 0.0),
        np.where(k_ == CARD, 2.0, np.where(k_ == CHECKING, 1.0, 0.0)),
        np.where(k_ == CARD, 1.0, np.where(k_ == CHECKING, 1.0, 0.0)),
    ]
    acc_group = lay.account_group
    g_start = segments.starts(np.bincount(acc_group, minlength=n_groups))
    g_stop = g_start + np.bincount(acc_group, minlength=n_groups)
    victim = np.zeros(len(eg), dtype=np.int64)
    found = np.zeros(len(eg), dtype=bool)
    u = s("victim").uniform(ek)
    for t_i in range(len(TYPOLOGIES)):
        w = eligible[t_i] * (span_days >= 1)
        cum = np.cumsum(w)
        mine = kind == t_i
        g = ep_group[mine]
        pick = segments.draws(cum, g_start[g], np.maximum(g_stop[g], g_start[g] + 1), u[mine])
        pick = np.minimum(pick, len(w) - 1) if len(w) else pick
        victim[mine] = pick
        found[mine] = (len(w) > 0) & (w[pick] > 0) if len(w) else False
    grp = ep_group[found]
    eg, en, ek = eg[found], en[found], ek[found]
    kind, size, victim = kind[found], size[found], victim[found]
    # one episode per victim account (the first drawn), so that a detected account has all
    # its fraud investigated: a later draw on the same account is dropped (rare)
    first = np.zeros(len(eg), dtype=bool)
    first[np.unique(victim, return_index=True)[1]] = True
    # detectable episodes, in episode order, while their rows fit the group's cases
    detectable = s("detected").uniform(ek) < pf.detected_rate
    fits = segments.cumsum(size * (detectable & first), grp) <= cases[grp]
    keep = first & (~detectable | fits)
    eg, en, ek = eg[keep], en[keep], ek[keep]
    kind, size, victim, detectable = kind[keep], size[keep], victim[keep], detectable[keep]
    n = len(eg)
    episodes = {
        "key": s("episode").ids(ek),
        "kind": kind,
        "size": size,
        "detectable": detectable,
        "last": np.zeros(n, dtype=np.int64),
    }
    if n == 0:
        return Rows().join(), episodes

    # start time: a day in the victim's span, an hour from the fraud profile
    start_day = lo[victim] + np.floor(s("day").uniform(ek) * (hi[victim] - lo[victim])).astype(
        np.int64
    )
    day_hours = cumulative(np.array(list(p.calendar.pos_hours.values())))
    hour = np.where(
        kind == 4,
        choice(s("hour").uniform(ek), day_hours),
        choice(s("hour").uniform(ek), cumulative(FRAUD_HOURS)),
    )
    t0 = (
        start_day * SECONDS_PER_DAY
        + hour * SECONDS_PER_HOUR
        + s("minute").integers(ek, 0, SECONDS_PER_HOUR)
    )
    r_ep = segments.ids(size)
    j = segments.positions(size)
    rk = path(eg[r_ep], en[r_ep], j)  # a row: its episode and its number there
    rkind = kind[r_ep]
    gap_mean = np.array([8 * 60, 20 * 60, 25 * 60, 90, 15 * 60])[rkind]
    gap = np.where(j == 0, 0, np.floor(-gap_mean * np.log(s("gap").uniform(rk))).astype(np.int64))
    last = j == size[r_ep] - 1
    gap = np.where((rkind == 3) & last & (j > 0), 600 + gap * 10, gap)  # the big one comes later
    elapsed = segments.cumsum(gap, r_ep)
    duration = segments.reduce(np.maximum, elapsed, size, 0)
    t0 = np.maximum(
        np.minimum(t0, hi[victim] * SECONDS_PER_DAY - duration - 1), lo[victim] * SECONDS_PER_DAY
    )
    sec = t0[r_ep] + elapsed
    episodes["last"] = t0 + duration
    acc = victim[r_ep]
    is_card = lay.kind[acc] == CARD
    f = lay.people
    owner = lay.owner[acc]
    home = f.place[owner]

    # amounts by typology
    habit = f.income[owner] ** ctx.params.ledger.spend_income_elasticity / 60_000 ** (
        ctx.params.ledger.spend_income_elasticity
    )
    z = s("amount").normal(rk)
    cnp = np.exp(np.log(380) + 0.7 * z) * (0.7 + 0.6 * habit)
    testing = np.where(last, np.exp(np.log(520) + 0.6 * z), 0.5 + 4.5 * s("tiny").uniform(rk))
    atm_amt = np.array([200, 300, 400, 500, 600, 800])[s("atm").integers(rk, 0, 6)] * 100
    capacity = drawn[acc] + f.income[owner] * 100 / 12 * 0.7
    ato = np.where(j == 0, 0.55, 0.35) * capacity * (0.7 + 0.6 * s("drain").uniform(rk))
    ato = np.maximum(ato, 20_000)
    stolen = np.exp(np.log(230) + 0.8 * z) * (0.7 + 0.6 * habit)
    cents = np.select(
        [rkind == 0, rkind == 1, rkind == 2, rkind == 4],
        [np.round(cnp * 100), np.round(ato / 100) * 100, atm_amt, np.round(stolen * 100)],
        np.round(testing * 100),
    ).astype(np.int64)
    amount = np.where(is_card, cents, -cents)
    row_kind = np.select([rkind == 1, rkind == 2, rkind == 4], [EXTERNAL_OUT, ATM, POS], ONLINE)
    row_kind = np.where((rkind == 1) & (s("ato_channel").uniform(rk) < 0.3), ZELLE_OUT, row_kind)
    # merchants: fraudsters favour electronics, online shops and digital goods
    cat_names = (
        "Electronics",
        "Online Shopping",
        "Travel",
        "Entertainment",
        "Retail",
        "Gas Stations",
        "Restaurants",
    )
    cat = np.array([v.categories.index(c) for c in cat_names])[
        np.select(
            [rkind == 3, rkind == 4],
            [np.where(last, 0, 3), np.where(j == 0, 5, s("cat").integers(rk, 4, 7))],
            s("cat").integers(rk, 0, 3),
        )
    ]
    merchant = v.cat_start[cat] + np.minimum(
        zipf_rank(s("merchant").uniform(rk), 64, 1.1), v.cat_count[cat] - 1
    )
    purchase = np.isin(row_kind, (ONLINE, POS))
    merchant = np.where(purchase, merchant, -1)
    cat = np.where(purchase, cat, -1)
    # far away: a random place in the country for skimmed ATMs and takeover sessions
    far = reference.places().sample(s("far").uniform(ek))[r_ep]
    near = _near_place(home, s("near").uniform(rk))
    place = np.select([np.isin(rkind, (1, 2)), rkind == 4], [far, near], -1)
    device = np.where(rkind == 1, DEVICE_BASE + eg[r_ep] * MAX_EPISODES + en[r_ep], -1)
    declined = s("declined").uniform(rk) < pf.declined_rate
    status = np.where(declined, FAILED, COMPLETED)
    rows = Rows()
    rows.add(
        acc,
        sec,
        row_kind,
        amount,
        s("row").ids(rk),
        fraud=1 + rkind,
        merchant=merchant,
        category=cat,
        place=place,
        device=device,
        status=status,
        episode=np.arange(n)[r_ep],
    )
    return rows.join(), episodes


def _discretionary(ctx, lay, lo, hi, live, spare, count_only=False):
    """`spare[g]` single-row activities per group, dealt over (account, kind) by activity."""
    pl = ctx.params.ledger
    v = _vocab(ctx)
    s = lambda column: ctx.stream(NAME, f"activity.{column}")  # noqa: E731
    f = lay.people
    n_groups = lay.g1 - lay.g0
    owner = lay.owner
    mix = pl.discretionary_mix
    activity = np.exp(0.6 * s("level").normal(f.idx))[owner]
    span = np.where(live, hi - lo, 0) / max(ctx.params.history.ledger_days, 1)
    k_ = lay.kind
    slot_kinds = ("debit_purchase", "credit_purchase", "atm", "deposit", "p2p")
    weights = (
        np.stack(
            [
                mix["debit_purchase"] * (k_ == CHECKING),
                mix["credit_purchase"] * (k_ == CARD) * 1.6,
                mix["atm"] * (k_ == CHECKING),
                mix["deposit"] * ((k_ == CHECKING) + 0.3 * np.isin(k_, (SAVINGS, MONEY_MARKET))),
                mix["p2p"] * (k_ == CHECKING),
            ],
            axis=1,
        )
        * (activity * span)[:, None]
    )
    flat = weights.ravel()
    cum = np.cumsum(flat)
    acc_group = lay.account_group
    per_group = np.bincount(acc_group, minlength=n_groups) * len(slot_kinds)
    g_start = segments.starts(per_group)
    g_stop = g_start + per_group
    has = segments.reduce(np.add, flat, per_group, 0.0) > 0
    spare = np.where(has, spare, 0)
    row_group = segments.ids(spare)
    first = groups.allocation(ctx, NAME).cum(np.arange(lay.g0, lay.g1))
    rk = first[row_group] + segments.positions(spare)  # global keys of these rows
    slot = segments.draws(cum, g_start[row_group], g_stop[row_group], s("slot").uniform(rk))
    acc = slot // len(slot_kinds)
    if count_only:
        return acc
    what = slot % len(slot_kinds)
    o = owner[acc]
    is_card = lay.kind[acc] == CARD

    # purchases
    cats = Categorical.of({c: x.share for c, x in pl.categories.items()})
    cat = cats.sample(s("category").uniform(rk))
    medians = np.array([x.median for x in pl.categories.values()])[cat]
    sigmas = np.array([x.sigma for x in pl.categories.values()])[cat]
    scale = (f.income[o] / 60_000) ** pl.spend_income_elasticity
    price = np.maximum(medians * scale * np.exp(sigmas * s("amount").normal(rk)), 1.0)
    online_share = np.array([pl.categories[c].online_share for c in cats.values])
    online = s("online").uniform(rk) < online_share[cat]
    purchase = what <= 1
    travel = s("travel").uniform(rk) < pl.travel_rate
    home = f.place[o]
    merchant = v.cat_start[cat] + np.minimum(
        zipf_rank(s("merchant").uniform(rk), 64, 1.1), v.cat_count[cat] - 1
    )
    place_pos = _near_place(home, s("near").uniform(rk))
    place_pos[travel] = reference.places().sample(s("away").uniform(rk[travel]))
    atm_mix = Categorical.of(pl.atm_amounts)
    atm = np.asarray(atm_mix.values, dtype=np.int64)[atm_mix.sample(s("atm").uniform(rk))] * 100
    dep_amt = np.exp(np.log(pl.deposit_median) + pl.deposit_sigma * s("deposit").normal(rk))
    p2p_amt = np.exp(np.log(pl.p2p_median) + pl.p2p_sigma * s("p2p").normal(rk))
    zelle_in = s("deposit_kind").uniform(rk) < 0.35
    external = s("p2p_kind").uniform(rk) < 0.25

    kind = np.select(
        [purchase & online, purchase, what == 2, (what == 3) & zelle_in, what == 3, external],
        [ONLINE, POS, ATM, ZELLE_IN, CHECK_DEPOSIT, EXTERNAL_OUT],
        ZELLE_OUT,
    )
    cents = np.select(
        [purchase, what == 2, what == 3],
        [np.round(price * 100), atm, np.round(dep_amt * 100)],
        np.round(np.maximum(p2p_amt, 5) * 100),
    ).astype(np.int64)
    inflow = what == 3
    amount = np.where(inflow | is_card, cents, -cents)
    in_person = (kind == POS) | (kind == ATM)
    sec = np.empty(len(rk), dtype=np.int64)
    u_time = s("time").uniform(rk)
    for where, model in (
        (in_person, intensity(ctx, online=False)),
        (~in_person, intensity(ctx, online=True)),
    ):
        sec[where] = model.sample(
            u_time[where], lo[acc[where]] * SECONDS_PER_DAY, hi[acc[where]] * SECONDS_PER_DAY
        )
    # shopping trips: some activity follows the account's previous activity within minutes
    order = np.lexsort((rk, acc))
    same = np.r_[False, acc[order][1:] == acc[order][:-1]]
    prev = np.r_[0, sec[order][:-1]]
    trip = same & (s("trip").uniform(rk[order]) < pl.trip_rate)
    gap = np.floor(60 + 1800 * s("trip_gap").uniform(rk[order])).astype(np.int64)
    follow = np.where(trip, np.minimum(prev + gap, hi[acc[order]] * SECONDS_PER_DAY - 1), -1)
    sec[order] = np.where(trip, follow, sec[order])
    place = np.select(
        [np.isin(kind, (POS, ATM)), np.isin(kind, DIGITAL)],
        [place_pos, home],
        -1,
    )
    device = np.where(np.isin(kind, DIGITAL), f.idx[o] * 2 + (s("device").uniform(rk) < 0.3), -1)
    lw = ledger(ctx)
    end = (lw.end_day + 1) * SECONDS_PER_DAY
    recent = sec >= end - int(pl.pending_days * SECONDS_PER_DAY)
    pending = recent & np.isin(kind, (POS, ONLINE)) & (s("pending").uniform(rk) < pl.pending_rate)
    failed = (amount < 0) & ~is_card & (s("failed").uniform(rk) < pl.failed_rate)
    failed |= is_card & (s("failed").uniform(rk) < pl.failed_rate / 2)
    status = np.where(failed, FAILED, np.where(pending, PENDING, COMPLETED))
    rows = Rows()
    rows.add(
        acc,
        sec,
        kind,
        amount,
        rk,
        merchant=np.where(purchase, merchant, -1),
        category=np.where(purchase, cat, -1),
        place=place,
        device=device,
        status=status,
    )
    return rows.join()


def _frozen_cards(lay: layout.Layout, rows: dict[str, np.ndarray]) -> np.ndarray:
    """Statuses with every purchase on a card from the day it was frozen declined: a frozen
    card takes no new charges (interest, fees and payments go on)."""
    frozen = np.full(len(lay.index), layout.NEVER, dtype=np.int64)
    frozen[lay.kind == CARD] = lay.cards.frozen_day
    stopped = np.isin(rows["kind"], (POS, ONLINE)) & (
        rows["sec"] >= frozen[rows["acc"]] * SECONDS_PER_DAY
    )
    return np.where(stopped, FAILED, rows["status"])


def _settle(ctx, lay, rows, opening, drawn, opened_inside, gone, group_rows, first_row) -> Ledger:
    """Order rows by account and time, fix opening balances, run the balances."""
    pa_ = ctx.params.accounts
    # one int64 sort key: account (20 bits), second in the ledger (25), kind (5), key (13)
    n_acc = len(lay.index)
    assert n_acc < 1 << 20
    rel = rows["sec"] - ledger(ctx).start_day * SECONDS_PER_DAY
    composite = (rows["acc"] << 43) | (rel << 18) | (rows["kind"] << 13) | (rows["key"] & 0x1FFF)
    order = np.argsort(composite, kind="stable")
    rows = {k: v[order] for k, v in rows.items()}
    acc = rows["acc"]
    n_acc = len(lay.index)
    lengths = np.bincount(acc, minlength=n_acc)
    kind_acc = lay.kind[acc]
    completed = rows["status"] == COMPLETED
    amount = rows["amount"]

    # cards: decline purchases that would take the owed balance over the limit
    card_rows = kind_acc == CARD
    if card_rows.any():
        limit = np.zeros(n_acc, dtype=np.int64)
        limit[lay.kind == CARD] = lay.cards.limit
        run = opening[acc] + segments.cumsum(np.where(completed, amount, 0), acc)
        over = card_rows & (amount > 0) & (run > limit[acc]) & completed
        rows["status"] = np.where(over, FAILED, rows["status"])
        completed = rows["status"] == COMPLETED

    # deposits: the lowest point of the path decides the opening balance
    dep_rows = kind_acc < CARD
    flows = np.where(completed & dep_rows, amount, 0)
    path = segments.cumsum(flows, acc)
    low = np.minimum(segments.reduce(np.minimum, path, lengths, 0), 0)
    cushion = int(pa_.cushion * 100)
    need = np.where(lay.overdraft > 0, -low - lay.overdraft, -low + cushion)
    dep = lay.kind < CARD
    # `drawn` is the log-normal balance the account should end with; the opening balance is
    # what gets it there, raised where the path would otherwise dip below what is allowed
    total = segments.reduce(np.add, flows, lengths, 0)
    least = np.where(opened_inside, cushion, 0)  # an initial deposit is never zero
    start = np.where(dep, np.maximum(drawn - total, np.maximum(need, least)), opening)
    start = np.where(gone & dep, 0, start)  # closed before the ledger: emptied back then
    # accounts opened inside the ledger start at zero and receive it as the initial deposit
    first_amount = np.where(opened_inside, start, 0)
    start = np.where(opened_inside, 0, start)
    is_open_row = rows["kind"] == OPEN_DEPOSIT
    amount = np.where(is_open_row, first_amount[acc], amount)
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
