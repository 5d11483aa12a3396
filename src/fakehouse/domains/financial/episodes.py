"""Fraud episodes injected into the ledger, as typologies that exaggerate genuine behaviour.

Genuine customers shop in sprees, travel, shop online late at night, take out large sums
and send large one-off transfers, and get new phones (`everyday`). Each typology pushes some
of that further, and `fraud.disguise` says how far: at 0 every row shows its typology's
signals, at 1 most signals are drawn as a genuine row's would be.

- card not present: a burst of online purchases, mostly at night, larger than the victim's
  usual tickets, at electronics, online shops and travel sites;
- account takeover: sessions on a new device, often far from home, draining the account by
  external transfer or Zelle;
- ATM skimming: large withdrawals from a cloned card, mostly far from home, often at night;
- card testing: tiny online charges a minute or two apart, then a large one;
- stolen card: in-person purchases near home, in the day, in quick succession;
- authorised push payment: the victim, tricked, sends one to three large transfers from
  their own phone at home over a day or two (nothing but the amounts stands out).

Whether an episode will be detected is drawn here (not in `fraud`), because every transaction
of a detected episode gets its own case: a group's rows of detectable episodes must fit its
exact share of cases, so whole detectable episodes beyond that share are dropped (with
default parameters about 9 fraud rows meet 25.6 cases a group, so this hardly ever binds).
An account is the victim of one episode at most, so that its investigation covers all its
fraud. Episodes carry their key (an identity drawn from their group and number there),
typology, size, whether they are detectable and the second of their last row, from which
detection lags.
"""

from __future__ import annotations

import numpy as np

from fakehouse.core import reference, segments
from fakehouse.core.distributions import Categorical, choice, cumulative, zipf_rank
from fakehouse.core.rng import path
from fakehouse.core.segments import Allocation
from fakehouse.core.table import Context
from fakehouse.core.timeline import SECONDS_PER_DAY, SECONDS_PER_HOUR
from fakehouse.domains.financial import groups, merchants
from fakehouse.domains.financial.everyday import DEVICES, PHONE, near_place
from fakehouse.domains.financial.layout import CARD, CHECKING, MONEY_MARKET, SAVINGS, Layout
from fakehouse.domains.financial.params import TYPOLOGIES
from fakehouse.domains.financial.rows import (
    ATM,
    COMPLETED,
    EXTERNAL_OUT,
    FAILED,
    ONLINE,
    POS,
    ZELLE_OUT,
    Rows,
)

NAME = "transactions"
CNP, TAKEOVER, SKIMMING, TESTING, STOLEN, PUSH = (
    TYPOLOGIES.index(t)
    for t in (
        "card_not_present",
        "account_takeover",
        "atm_skimming",
        "card_testing",
        "stolen_card",
        "authorised_push_payment",
    )
)
#: hour-of-day weights of fraud: mostly at night, when the victim sleeps
FRAUD_HOURS = np.array(
    [
        *(2.2, 2.6, 2.8, 2.8, 2.4, 1.6, 0.8, 0.5, 0.4, 0.4, 0.5, 0.5),  # 0:00-11:00
        *(0.5, 0.5, 0.5, 0.5, 0.5, 0.6, 0.6, 0.7, 0.8, 1.0, 1.4, 1.8),  # 12:00-23:00
    ]
)
DEVICE_BASE = 1 << 40  # device codes above this are fraudsters' devices
MAX_EPISODES = 256  # fraud episodes of one customer group, at most (numbers their devices)
#: mean seconds between an episode's rows, by typology
GAPS = {CNP: 8 * 60, TAKEOVER: 20 * 60, SKIMMING: 40 * 60, TESTING: 90, STOLEN: 15 * 60}
PUSH_GAP = 14 * SECONDS_PER_HOUR  # a scam unfolds over a day or two
#: how many times the victim's usual ticket a fraud purchase is, before disguise
EXAGGERATION = 3.0
SKIM_AMOUNTS = np.array([200, 300, 400, 500, 600, 700, 800]) * 100


def inject(ctx: Context, lay: Layout, lo, hi, live, room, drawn):
    """Fraud rows and episodes of the groups of `lay`: `room[g]` bounds a group's fraud rows,
    `drawn` (each deposit account's balance) sizes what a drain or a scam takes."""
    p = ctx.params
    pf = p.fraud
    disguise = pf.disguise
    s = lambda column: ctx.stream(NAME, f"fraud.{column}")  # noqa: E731
    gk = np.arange(lay.g0, lay.g1, dtype=np.int64)
    cases = groups.allocation(ctx, "fraud_cases").counts(lay.g0, lay.g1)
    typologies = [pf.typologies[t] for t in TYPOLOGIES]  # codes index TYPOLOGIES
    typo = Categorical.of({t: x.share for t, x in zip(TYPOLOGIES, typologies, strict=True)})
    sizes = np.array([x.size for x in typologies])
    mean_size = float(np.dot(typo.cum - np.r_[0, typo.cum[:-1]], sizes.mean(axis=1)))
    # episodes are dealt to groups as exact shares, so fraud rows vary only by episode size
    rows_total = groups.allocation(ctx, NAME).total
    episodes_total = round(pf.rate * rows_total / mean_size)
    share = Allocation(episodes_total, ctx.sizes["customers"], groups.size(ctx))
    n_ep = np.minimum(share.counts(lay.g0, lay.g1), MAX_EPISODES)
    n_ep = np.minimum(n_ep, np.maximum(room, 0) // (4 * int(sizes[:, 1].max())))
    ep_group = segments.ids(n_ep)
    eg, en = gk[ep_group], segments.positions(n_ep)  # an episode: its group, its number there
    ek = path(eg, en)  # the episodes' draw index
    kind = typo.sample(s("typology").uniform(ek))
    lo_sz, hi_sz = sizes[kind, 0], sizes[kind, 1]
    size = lo_sz + np.floor(s("size").uniform(ek) * (hi_sz - lo_sz + 1)).astype(np.int64)

    victim, found = _victims(lay, lo, hi, live, ep_group, kind, s("victim").uniform(ek))
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

    # start: a day in the victim's span, an hour from the typology's profile (or, disguised,
    # from genuine activity's)
    start_day = lo[victim] + np.floor(s("day").uniform(ek) * (hi[victim] - lo[victim])).astype(
        np.int64
    )
    c = p.calendar
    in_person = cumulative(np.array(list(c.pos_hours.values())))
    online = cumulative(np.array(list(c.online_hours.values())))
    u_hour = s("hour").uniform(ek)
    genuine_hour = np.where(
        np.isin(kind, (STOLEN, SKIMMING)), choice(u_hour, in_person), choice(u_hour, online)
    )
    disguised = np.isin(kind, (STOLEN, PUSH)) | (s("disguised_hour").uniform(ek) < disguise)
    hour = np.where(disguised, genuine_hour, choice(u_hour, cumulative(FRAUD_HOURS)))
    t0 = (
        start_day * SECONDS_PER_DAY
        + hour * SECONDS_PER_HOUR
        + s("minute").integers(ek, 0, SECONDS_PER_HOUR)
    )
    r_ep = segments.ids(size)
    j = segments.positions(size)
    rk = path(eg[r_ep], en[r_ep], j)  # a row: its episode and its number there
    rkind = kind[r_ep]
    gap_mean = np.array([GAPS.get(t, PUSH_GAP) for t in range(len(TYPOLOGIES))])[rkind]
    gap = np.where(j == 0, 0, np.floor(-gap_mean * np.log(s("gap").uniform(rk))).astype(np.int64))
    last = j == size[r_ep] - 1
    gap = np.where((rkind == TESTING) & last & (j > 0), 600 + gap * 10, gap)  # the big one later
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

    amount = _amounts(ctx, lay, rk, rkind, j, last, acc, drawn, s)
    row_kind = np.select(
        [rkind == TAKEOVER, rkind == SKIMMING, rkind == STOLEN, rkind == PUSH],
        [EXTERNAL_OUT, ATM, POS, EXTERNAL_OUT],
        ONLINE,
    )
    zelle = np.isin(rkind, (TAKEOVER, PUSH)) & (s("ato_channel").uniform(rk) < 0.4)
    row_kind = np.where(zelle, ZELLE_OUT, row_kind)
    amount = np.where(is_card, amount, -amount)
    # merchants: fraudsters favour electronics, online shops and digital goods
    v = merchants.of(ctx)
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
            [rkind == TESTING, rkind == STOLEN],
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
    # far away (a random place in the country) for skimmed ATMs and takeover sessions,
    # unless disguised as local; a scam's victim is at home
    far = reference.places().sample(s("far").uniform(ek))[r_ep]
    local = s("local").uniform(ek)[r_ep] < disguise / 2
    near = near_place(home, s("near").uniform(rk))
    away = np.isin(rkind, (TAKEOVER, SKIMMING)) & ~local
    place = np.select(
        [away, np.isin(rkind, (TAKEOVER, SKIMMING, STOLEN)), rkind == PUSH], [far, near, home], -1
    )
    device = np.select(
        [rkind == TAKEOVER, rkind == PUSH],
        [DEVICE_BASE + eg[r_ep] * MAX_EPISODES + en[r_ep], f.idx[owner] * DEVICES + PHONE],
        -1,
    )
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


def _victims(lay: Layout, lo, hi, live, ep_group, kind, u):
    """(account, whether one was found) of each episode: an eligible account of its group
    for its typology, live for a day or more."""
    k_ = lay.kind
    card_or_checking = np.where(k_ == CARD, 2.0, np.where(k_ == CHECKING, 1.0, 0.0))
    checking = np.where(k_ == CHECKING, 1.0, 0.0)
    eligible = {
        CNP: card_or_checking,
        TAKEOVER: np.where(np.isin(k_, (CHECKING, SAVINGS, MONEY_MARKET)), 1.0, 0.0),
        SKIMMING: checking,
        TESTING: card_or_checking,
        STOLEN: np.where(np.isin(k_, (CARD, CHECKING)), 1.0, 0.0),
        PUSH: checking,
    }
    span_days = np.where(live, hi - lo, 0)
    n_groups = lay.g1 - lay.g0
    acc_group = lay.account_group
    g_start = segments.starts(np.bincount(acc_group, minlength=n_groups))
    g_stop = g_start + np.bincount(acc_group, minlength=n_groups)
    victim = np.zeros(len(kind), dtype=np.int64)
    found = np.zeros(len(kind), dtype=bool)
    for t_i, weights in eligible.items():
        w = weights * (span_days >= 1)
        mine = kind == t_i
        if not len(w):
            continue
        g = ep_group[mine]
        pick = segments.draws(
            np.cumsum(w), g_start[g], np.maximum(g_stop[g], g_start[g] + 1), u[mine]
        )
        pick = np.minimum(pick, len(w) - 1)
        victim[mine] = pick
        found[mine] = w[pick] > 0
    return victim, found


def _amounts(ctx: Context, lay: Layout, rk, rkind, j, last, acc, drawn, s) -> np.ndarray:
    """Cents each fraud row takes, by typology, exaggerated by EXAGGERATION ** (1 -
    disguise) over what the victim usually spends."""
    pl = ctx.params.ledger
    disguise = ctx.params.fraud.disguise
    f = lay.people
    owner = lay.owner[acc]
    boost = EXAGGERATION ** (1 - disguise)
    habit = (f.income[owner] / 60_000) ** (1 - pl.frequency_elasticity)
    z = s("amount").normal(rk)
    cnp = np.exp(np.log(140) + 0.8 * z) * habit * boost
    testing = np.where(
        last, np.exp(np.log(160) + 0.6 * z) * habit * boost, 0.5 + 4.5 * s("tiny").uniform(rk)
    )
    stolen = np.exp(np.log(90) + 0.8 * z) * habit * boost
    skim = SKIM_AMOUNTS[
        np.minimum(
            np.floor(len(SKIM_AMOUNTS) * s("atm").uniform(rk) ** (1 / (1 + 2 * (1 - disguise)))),
            len(SKIM_AMOUNTS) - 1,
        ).astype(np.int64)
    ]
    # a drain or a scam takes a share of what the account holds and a month's income
    capacity = drawn[acc] + f.income[owner] * 100 / 12 * 0.7
    drain = np.where(j == 0, 0.5, 0.3) * capacity * (0.5 + 0.5 * s("drain").uniform(rk))
    drain = np.maximum(drain * (1 - 0.5 * disguise), 20_000)
    push = (0.15 + 0.35 * s("push").uniform(rk)) * capacity
    push = np.maximum(push, 30_000)
    cents = np.select(
        [rkind == CNP, rkind == TAKEOVER, rkind == SKIMMING, rkind == STOLEN, rkind == PUSH],
        [
            np.round(cnp * 100),
            np.round(drain / 100) * 100,
            skim,
            np.round(stolen * 100),
            np.round(push / 100) * 100,
        ],
        np.round(testing * 100),
    )
    return cents.astype(np.int64)
