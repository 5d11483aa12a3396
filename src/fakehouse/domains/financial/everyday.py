"""Everyday activity: what a household spends its income on, beyond its fixed costs.

`plan` turns each household's recurring rows into a monthly budget: its income (pay,
benefits, pensions, unemployment benefit, family support) plus everyday deposits, less its
fixed costs (housing, utilities, insurance, subscriptions, loan instalments, saving) and a
personal surplus or deficit, is what it spends. Cardholders put a share of that on their
credit cards, whose statements Checking pays the month after. Spending therefore scales
with income and segment (the better-off save more), and a month's outflows roughly balance
its inflows.

`activity` fills a group's remaining rows: card purchases by merchant category (log-normal
amounts, long tail), ATM withdrawals in $20 multiples, deposits and person-to-person
transfers, dealt over accounts by activity, by how much each household spends, and by how
it splits that between debit and credit cards. Amounts are then scaled per account so that
each household spends its budget (within a factor of `MAX_SCALE` either way: one with very
few rows spends less than planned, and its balance shows it).

Genuine behaviour that fraud imitates and exaggerates: shopping sprees (an activity follows
the previous one within minutes, and chains of them make bursts), trips (in-person and
mobile activity at a destination far from home), night owls who shop and bank online late
at night, occasional large cash withdrawals and large one-off transfers, new phones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fakehouse.core import reference, segments
from fakehouse.core.distributions import Categorical, poisson, zipf_rank
from fakehouse.core.rng import Stream
from fakehouse.core.timeline import SECONDS_PER_DAY
from fakehouse.domains.financial import groups, merchants
from fakehouse.domains.financial.book import NAME, Book
from fakehouse.domains.financial.clock import intensity
from fakehouse.domains.financial.layout import CARD, CHECKING, MONEY_MARKET, SAVINGS
from fakehouse.domains.financial.params import ACTIVITY, MONTH_DAYS
from fakehouse.domains.financial.rows import (
    ATM,
    CHECK_DEPOSIT,
    COMPLETED,
    DIGITAL,
    EXTERNAL_OUT,
    FAILED,
    FIXED,
    INCOME,
    ONLINE,
    PENDING,
    POS,
    ZELLE_IN,
    ZELLE_OUT,
    Rows,
)

REFERENCE = 200_000  # cents: a typical household's everyday spending a month
MAX_SCALE = 3.0  # amounts are scaled to the budget by at most this factor either way
NEAR = 12  # in-person activity near home happens within this many ZIP codes of it
DEBIT, CREDIT, CASH, DEPOSIT, P2P = range(len(ACTIVITY))
LARGE_CASH = (600, 700, 800, 900, 1000)  # dollars: what a large ATM withdrawal takes
LARGE_PAYMENT = (0.2, 1.2)  # months of net income: what a large one-off payment takes
#: how many times the everyday deposits of a household without regular income (its only
#: income) outnumber others'
NO_INCOME_DEPOSITS = 8.0
MAX_TRIPS = 4  # trips of one customer in a ledger, at most
#: devices of a genuine customer: `customer x DEVICES + k` (phone, computer, new phone)
PHONE, COMPUTER, NEW_PHONE = range(3)
DEVICES = 4


@dataclass(frozen=True)
class Plan:
    """Each household's everyday budget, in cents a month."""

    spending: np.ndarray  # per customer: everyday spending
    card_share: np.ndarray  # per customer: the share of it on credit cards
    deposits: np.ndarray  # per customer: everyday deposits (all the income of those without)
    card_monthly: np.ndarray  # per account: a credit card's spending (0 for other accounts)
    weights: np.ndarray  # per account and activity kind: how much everyday activity it gets


def near_place(home: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A ZIP code of the same state close to `home` in ZIP order (so, usually nearby)."""
    places = reference.places()
    state = places.state_index[home]
    lo, hi = places.state_start[state], places.state_stop[state] - 1
    return np.clip(home + np.floor((u - 0.5) * (2 * NEAR + 1)).astype(np.int64), lo, hi)


def _stream(book: Book, column: str) -> Stream:
    return book.stream(f"activity.{column}")


def _months(book: Book) -> np.ndarray:
    """Per account: the months of the ledger it takes activity in."""
    return np.where(book.live, book.hi - book.lo, 0) / MONTH_DAYS


def plan(book: Book, recurring: dict[str, np.ndarray]) -> Plan:
    """The everyday budgets of the households of `book`, from their recurring rows."""
    pl = book.ctx.params.ledger
    lay, f = book.lay, book.lay.people
    n = len(f.idx)
    s, ck = lambda c: _stream(book, c), book.customer_keys
    months = _months(book)
    chk = book.checking
    has = chk >= 0
    chk_months = np.where(has, months[np.maximum(chk, 0)], 0.0)

    acc, kind, amount = recurring["acc"], recurring["kind"], recurring["amount"]
    cust = lay.owner[acc]
    # family support is the only recurring transfer received
    income = np.bincount(
        cust, weights=np.where(np.isin(kind, (*INCOME, ZELLE_IN)), amount, 0), minlength=n
    )
    fixed = -np.bincount(
        cust,
        weights=np.where(np.isin(kind, FIXED) & (lay.kind[acc] == CHECKING), amount, 0),
        minlength=n,
    )
    net = book.monthly_net() * 100
    deposits = np.where(income > 0, pl.side_income_share * net, net)
    per_month = np.divide(income - fixed, chk_months, out=np.zeros(n), where=chk_months > 0)
    drift = pl.spending_drift * net * s("drift").normal(ck)
    # what large one-offs cost on average comes out of everyday spending
    one_offs = (
        pl.large_payment_rate * np.mean(LARGE_PAYMENT) * net
        + pl.large_cash_rate * np.mean(LARGE_CASH) * 100
    )
    spending = np.maximum(per_month + deposits - drift - one_offs, pl.spending_floor * net)
    spending = np.where(has, spending, 0.4 * net)  # banking elsewhere: card spending only

    # cards that pay in full may sit in a drawer: only their subscription is billed to them
    card = (lay.kind == CARD) & book.live
    drawer = card & ~lay.cards.revolver[np.maximum(lay.card, 0)]
    drawer &= s("idle_card").uniform(book.account_keys) < pl.idle_card_rate
    card &= ~drawer
    n_cards = np.bincount(lay.owner[card], minlength=n)
    low, high = pl.card_share
    share = np.where(n_cards > 0, low + (high - low) * s("card_share").uniform(ck), 0.0)
    owner = lay.owner
    card_monthly = np.where(card, share[owner] * spending[owner] / np.maximum(n_cards, 1)[owner], 0)

    # how much everyday activity each account gets: more for households that spend more
    mix = np.array([pl.discretionary_mix[k] for k in ACTIVITY])
    level = (spending / REFERENCE) ** pl.frequency_elasticity
    activity = np.exp(0.5 * s("level").normal(ck)) * level
    cash = np.exp(0.8 * s("cash").normal(ck))
    delinquent = np.zeros(len(owner), dtype=bool)
    delinquent[card] = lay.cards.delinquency[lay.card[card]] > 0
    k_ = lay.kind
    checking = k_ == CHECKING
    weights = np.stack(
        [
            checking * (1 - share[owner]) * activity[owner],
            card * share[owner] / np.maximum(n_cards, 1)[owner] * activity[owner],
            checking * cash[owner],
            (checking + 0.3 * np.isin(k_, (SAVINGS, MONEY_MARKET)))
            * np.where(income > 0, 1.0, NO_INCOME_DEPOSITS)[owner],
            checking * activity[owner],
        ],
        axis=1,
    )
    weights *= mix * np.where(delinquent, 0.3, 1.0)[:, None]
    weights *= (months * book.live)[:, None]
    return Plan(spending, share, deposits, np.round(card_monthly), weights)


def _deal(book: Book, plan: Plan, spare: np.ndarray):
    """`spare[g]` everyday rows per group over (account, kind) slots by the plan's weights:
    (row keys, account, kind of activity)."""
    lay = book.lay
    n_groups = lay.g1 - lay.g0
    flat = plan.weights.ravel()
    cum = np.cumsum(flat)
    per_group = np.bincount(lay.account_group, minlength=n_groups) * len(ACTIVITY)
    g_start = segments.starts(per_group)
    g_stop = g_start + per_group
    has = segments.reduce(np.add, flat, per_group, 0.0) > 0
    spare = np.where(has, spare, 0)
    row_group = segments.ids(spare)
    first = groups.allocation(book.ctx, NAME).cum(np.arange(lay.g0, lay.g1))
    rk = first[row_group] + segments.positions(spare)  # global keys of these rows
    slot = segments.draws(
        cum, g_start[row_group], g_stop[row_group], _stream(book, "slot").uniform(rk)
    )
    return rk, slot // len(ACTIVITY), slot % len(ACTIVITY)


def accounts(book: Book, plan: Plan, spare: np.ndarray) -> np.ndarray:
    """The account of every everyday row (the planner's first pass needs no more)."""
    return _deal(book, plan, spare)[1]


def activity(book: Book, plan: Plan, spare: np.ndarray) -> dict[str, np.ndarray]:
    """`spare[g]` everyday rows per group, their amounts scaled to the households' budgets."""
    pl = book.ctx.params.ledger
    lay = book.lay
    v = merchants.of(book.ctx)
    s = lambda column: _stream(book, column)  # noqa: E731
    rk, acc, what = _deal(book, plan, spare)
    order = np.lexsort((rk, acc))  # an account's rows in key order (sessions chain them)
    rk, acc, what = rk[order], acc[order], what[order]
    o = lay.owner[acc]
    is_card = lay.kind[acc] == CARD
    purchase = what <= CREDIT

    # purchases: a category, then a long-tailed amount that grows with the budget
    cats = Categorical.of({c: x.share for c, x in pl.categories.items()})
    cat = cats.sample(s("category").uniform(rk))
    medians = np.array([x.median for x in pl.categories.values()])[cat]
    sigmas = np.array([x.sigma for x in pl.categories.values()])[cat]
    ticket = (plan.spending[o] / REFERENCE) ** (1 - pl.frequency_elasticity)
    price = medians * ticket * np.exp(sigmas * s("amount").normal(rk))
    online_share = np.array([pl.categories[c].online_share for c in cats.values])
    online = s("online").uniform(rk) < online_share[cat]
    merchant = v.cat_start[cat] + np.minimum(
        zipf_rank(s("merchant").uniform(rk), 64, 1.1), v.cat_count[cat] - 1
    )
    # an account's first cash withdrawal (transfer sent) may be a large one, now and then
    first = _first_of_kind(acc, what)
    odds = 1 - np.exp(
        -_months(book)[acc] * np.where(what == CASH, pl.large_cash_rate, pl.large_payment_rate)
    )
    large = first & np.isin(what, (CASH, P2P)) & (s("large").uniform(rk) < odds)
    atm_mix = Categorical.of(pl.atm_amounts)
    cash = np.asarray(atm_mix.values, dtype=np.float64)[atm_mix.sample(s("atm").uniform(rk))]
    big_cash = np.asarray(LARGE_CASH, dtype=np.float64)[
        s("large_cash").integers(rk, 0, len(LARGE_CASH))
    ]
    cash = np.where(large, big_cash, cash)
    deposit = np.exp(np.log(pl.deposit_median) + pl.deposit_sigma * s("deposit").normal(rk))
    p2p = np.exp(np.log(pl.p2p_median) + pl.p2p_sigma * s("p2p").normal(rk)) * ticket
    low, high = LARGE_PAYMENT
    big_payment = (low + (high - low) * s("large_payment").uniform(rk)) * book.monthly_net()[o]
    p2p = np.where(large, big_payment, p2p)

    u_kind = s("kind").uniform(rk)
    kind = np.select(
        [
            purchase & online,
            purchase,
            what == CASH,
            (what == DEPOSIT) & (u_kind < 0.35),
            what == DEPOSIT,
            (what == P2P) & (u_kind < np.where(large, 0.5, 0.25)),
        ],
        [ONLINE, POS, ATM, ZELLE_IN, CHECK_DEPOSIT, EXTERNAL_OUT],
        ZELLE_OUT,
    )
    raw = np.select([purchase, what == CASH, what == DEPOSIT], [price, cash, deposit], p2p)
    amount = _to_budget(book, plan, acc, what, raw, large)
    amount = np.where((what == DEPOSIT) | is_card, amount, -amount)

    sec = _times(book, rk, acc, kind)
    place, device = _where(book, rk, acc, kind, sec)
    end = (book.d1 + 1) * SECONDS_PER_DAY
    recent = sec >= end - int(pl.pending_days * SECONDS_PER_DAY)
    pending = recent & np.isin(kind, (POS, ONLINE)) & (s("pending").uniform(rk) < pl.pending_rate)
    u_failed = s("failed").uniform(rk)
    failed = (amount < 0) & ~is_card & (u_failed < pl.failed_rate)
    failed |= is_card & (u_failed < pl.failed_rate / 2)
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


def _first_of_kind(acc: np.ndarray, what: np.ndarray) -> np.ndarray:
    """Per row (sorted by account): the account's first row of its kind of activity."""
    by_kind = np.lexsort((np.arange(len(acc)), what, acc))
    a, w = acc[by_kind], what[by_kind]
    out = np.zeros(len(acc), dtype=bool)
    out[by_kind] = np.r_[True, (a[1:] != a[:-1]) | (w[1:] != w[:-1])] if len(a) else []
    return out


def _to_budget(book: Book, plan: Plan, acc, what, raw, large) -> np.ndarray:
    """Cents of everyday rows: per account, purchases and transfers sent are scaled to what
    the household spends that way (less its cash), card purchases to the card's spending,
    and deposits into Checking to the household's everyday deposits. Cash, large one-offs
    and deposits into savings keep their drawn amounts."""
    lay = book.lay
    n_acc = len(lay.index)
    owner = lay.owner
    months = _months(book)
    checking = lay.kind[acc] == CHECKING
    group = np.select(
        [large | (what == CASH) | ~(checking | (what == CREDIT)), what == CREDIT, what == DEPOSIT],
        [3, 1, 2],
        0,
    )
    at = acc * 3 + np.minimum(group, 2)
    raw_sum = np.bincount(at, weights=np.where(group < 3, raw, 0), minlength=3 * n_acc)
    cash = np.bincount(acc, weights=np.where((what == CASH) & ~large, raw, 0), minlength=n_acc)
    spend = plan.spending[owner] * months
    budget = (
        np.stack(
            [
                (1 - plan.card_share[owner]) * spend - cash * 100,
                plan.card_monthly * months,
                plan.deposits[owner] * months,
            ],
            axis=1,
        ).ravel()
        / 100
    )
    scale = np.clip(
        np.divide(budget, raw_sum, out=np.ones(3 * n_acc), where=raw_sum > 0),
        1 / MAX_SCALE,
        MAX_SCALE,
    )
    dollars = raw * np.where(group < 3, scale[at], 1.0)
    return np.maximum(np.round(dollars * 100), 1).astype(np.int64)


def _times(book: Book, rk, acc, kind) -> np.ndarray:
    """Seconds of everyday rows: in-person ones by the in-person hour profile, online and
    mobile ones by the online profile (late at night for night owls); a row follows the
    account's previous one within minutes with chance `trip_rate` (sprees are chains)."""
    pl = book.ctx.params.ledger
    s = lambda column: _stream(book, column)  # noqa: E731
    lo, hi = book.lo[acc] * SECONDS_PER_DAY, book.hi[acc] * SECONDS_PER_DAY
    owl = s("night_owl").uniform(book.customer_keys) < pl.night_owl_rate
    in_person = np.isin(kind, (POS, ATM))
    profile = np.where(in_person, 0, np.where(owl[book.lay.owner[acc]], 2, 1))
    u = s("time").uniform(rk)
    sec = np.empty(len(rk), dtype=np.int64)
    for code, name in enumerate(("in_person", "online", "night")):
        mine = profile == code
        sec[mine] = intensity(book.ctx, name).sample(u[mine], lo[mine], hi[mine])
    follows = np.r_[False, acc[1:] == acc[:-1]] & (s("trip").uniform(rk) < pl.trip_rate)
    session = np.cumsum(~follows) - 1
    head = np.flatnonzero(~follows)
    gap = np.where(follows, 60 + np.floor(1140 * s("trip_gap").uniform(rk)), 0).astype(np.int64)
    return np.minimum(sec[head][session] + segments.cumsum(gap, session), hi - 1)


def _where(book: Book, rk, acc, kind, sec) -> tuple[np.ndarray, np.ndarray]:
    """(place, device) of everyday rows. In-person rows happen near home, or near a trip's
    destination while the customer travels; mobile and online-banking sessions at home or
    nearby (at the destination while travelling), on the customer's phone or computer, or
    on a new phone from the day they switch; online purchases have no place."""
    pl = book.ctx.params.ledger
    s = lambda column: _stream(book, column)  # noqa: E731
    f, ck = book.lay.people, book.customer_keys
    o = book.lay.owner[acc]
    home = f.place[o]
    months = (book.d1 + 1 - book.d0) / MONTH_DAYS
    trips = poisson(s("trips").uniform(ck), pl.travel_rate * months, cap=MAX_TRIPS)
    away = np.full(len(rk), -1, dtype=np.int64)
    low, high = pl.travel_days
    for j in range(MAX_TRIPS):
        at = (ck, j)
        start = (book.d0 + s("trip_start").integers(at, 0, book.d1 + 1 - book.d0)) * SECONDS_PER_DAY
        length = s("trip_days").integers(at, low, high + 1) * SECONDS_PER_DAY
        there = reference.places().sample(s("destination").uniform(at))
        inside = (j < trips[o]) & (sec >= start[o]) & (sec < start[o] + length[o])
        away = np.where(inside, there[o], away)
    travelling = away >= 0
    centre = np.where(travelling, away, home)
    u_place = s("near").uniform(rk)
    in_person = near_place(centre, u_place)
    digital = np.isin(kind, DIGITAL)
    session = np.where(travelling | (u_place < 0.35), in_person, home)
    place = np.select([np.isin(kind, (POS, ATM)), digital], [in_person, session], -1)

    switch = s("new_phone").uniform(ck) < 1 - np.exp(-pl.new_device_rate * months)
    switch_at = (
        book.d0 + s("new_phone_day").integers(ck, 0, book.d1 + 1 - book.d0)
    ) * SECONDS_PER_DAY
    phone = np.where(switch[o] & (sec >= switch_at[o]), NEW_PHONE, PHONE)
    computer = np.isin(kind, (EXTERNAL_OUT,)) & (s("device").uniform(rk) < 0.5)
    device = np.where(digital, f.idx[o] * DEVICES + np.where(computer, COMPUTER, phone), -1)
    return place, device
