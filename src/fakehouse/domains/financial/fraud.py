"""financial_analytics.fraud_cases: investigations of flagged transactions.

Each group has an exact share of cases (see `groups`). Detection is decided per fraud episode
(in the ledger, which caps a group's rows of detectable episodes by its share of cases) and
lags the episode's last transaction; an episode whose detection would fall after the end date
is not detected yet. Every transaction of a detected episode, declined attempts included,
gets its own case resolved 'Confirmed Fraud', all with the episode's detection date and
method (one alert), so analysts can join cases to transactions one to one. The rest of the
share are false alarms: legitimate transactions picked with weights that favour what alerting
rules flag (large amounts for the account, night hours, far from home). Cases are ordered by
account and time, so a block of customers holds its cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, reference, segments
from fakehouse.core.distributions import Categorical
from fakehouse.core.geo import haversine_km
from fakehouse.core.rng import path
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import SECONDS_PER_DAY, SECONDS_PER_HOUR
from fakehouse.domains.financial import accounts, common, customers, groups, ledger, transactions
from fakehouse.domains.financial.params import TYPOLOGIES
from fakehouse.domains.financial.rows import (
    ATM,
    CHECK_DEPOSIT,
    COMPLETED,
    EXTERNAL_OUT,
    KINDS,
    ONLINE,
    POS,
    ZELLE_OUT,
)

NAME = "fraud_cases"
FRAUD_TYPES = (
    "Card Not Present",
    "Account Takeover",
    "ATM Skimming",
    "Card Testing",
    "Lost or Stolen Card",
    "Authorised Push Payment",
    "Check Fraud",
)
INVESTIGATION = ("Open", "Under Investigation", "Escalated", "Closed")
OPEN, REVIEW, ESCALATED, CLOSED = range(4)
RESOLUTIONS = ("Confirmed Fraud", "False Positive", "Pending Review")
FALSE_ALARM = "false_alarm"
FLAGGABLE = (
    POS,
    ONLINE,
    ATM,
    ZELLE_OUT,
    EXTERNAL_OUT,
    CHECK_DEPOSIT,
)
SUSPECTED = {
    POS: 4,
    ONLINE: 0,
    ATM: 2,
    ZELLE_OUT: 1,
    EXTERNAL_OUT: 1,
    CHECK_DEPOSIT: FRAUD_TYPES.index("Check Fraud"),
}


@dataclass(frozen=True)
class Cases:
    row: np.ndarray  # ledger row position of the investigated transaction
    fraud_type: np.ndarray
    occurred: np.ndarray
    detected: np.ndarray
    involved: np.ndarray  # cents
    method: np.ndarray  # index into METHODS
    status: np.ndarray
    resolution: np.ndarray
    recovered: np.ndarray


def _methods_of(ctx: Context, which: str) -> dict[str, float]:
    """Detection methods of typology `which`, or of false alarms (`FALSE_ALARM`)."""
    pf = ctx.params.fraud
    return pf.false_alarm_methods if which == FALSE_ALARM else pf.typologies[which].methods


def methods(ctx: Context) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(m for which in (*TYPOLOGIES, FALSE_ALARM) for m in _methods_of(ctx, which))
    )


def _method(ctx: Context, which: str, u: np.ndarray) -> np.ndarray:
    mix = _methods_of(ctx, which)
    labels = methods(ctx)
    return np.array([labels.index(m) for m in mix])[Categorical.of(mix).sample(u)]


def cases(ctx: Context, led: ledger.Ledger) -> Cases:
    pf = ctx.params.fraud
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    lay = led.layout
    rows = led.rows
    n_groups = lay.g1 - lay.g0
    end = ctx.window.end_second
    amount = np.abs(rows["amount"])
    acc = rows["acc"]
    number = led.first_row + np.arange(len(acc), dtype=np.int64)  # global keys of rows

    # confirmed: every row of each detected episode. The ledger drew which episodes are
    # detectable; detection lags the episode's last row, and one after the end date has
    # not happened yet. All cases of an episode share its detection (one alert).
    eps = led.episodes
    mean_lag = np.array([pf.typologies[t].detection_hours for t in TYPOLOGIES])[eps["kind"]]
    lag = np.floor(-mean_lag * SECONDS_PER_HOUR * np.log(s("lag").uniform(eps["key"])))
    found_at = eps["last"] + lag.astype(np.int64) + 60
    found = eps["detectable"] & (found_at < end)
    ep = rows["episode"]
    flagged = np.flatnonzero(ep >= 0)
    flagged = flagged[found[ep[flagged]]]
    e = ep[flagged]
    confirmed = np.bincount(lay.account_group[acc[flagged]], minlength=n_groups)

    # false alarms: legitimate rows weighted by what alerting rules look at
    share = groups.allocation(ctx, NAME).counts(lay.g0, lay.g1)
    share = np.where(ledger.active_groups(ctx, lay), share, 0)
    need = np.maximum(share - confirmed, 0)
    # every legitimate row may be flagged, flaggable kinds far more than the rest
    cand = np.flatnonzero(rows["fraud"] == 0)
    n_acc = len(lay.index)
    flows = np.isin(rows["kind"], FLAGGABLE)
    habit = np.bincount(acc, weights=amount * flows, minlength=n_acc) / np.maximum(
        np.bincount(acc, weights=flows, minlength=n_acc), 1
    )
    # the features of flaggable rows only (the rest keep a token weight)
    flag = cand[flows[cand]]
    ratio = amount[flag] / np.maximum(habit[acc[flag]], 100)
    hour = (rows["sec"][flag] // SECONDS_PER_HOUR) % 24
    night = (hour < 6) | (hour >= 23)
    place = rows["place"][flag]
    places = reference.places()
    home = lay.people.place[lay.owner[acc[flag]]]
    far = (place >= 0) & (
        haversine_km(
            places.latitude[np.maximum(place, 0)],
            places.longitude[np.maximum(place, 0)],
            places.latitude[home],
            places.longitude[home],
        )
        > 150
    )
    weight = np.full(len(cand), 1e-9)
    weight[flows[cand]] = ratio**2 * np.where(night, 4.0, 1.0) * np.where(far, 6.0, 1.0) + 1e-6
    grp = lay.account_group[acc[cand]]
    key = s("alarm_order").uniform(number[cand])
    order = np.argsort(grp + key)  # by group, then key: a float sort, 3x a lexsort
    u = s("alarm_start").uniform(np.arange(lay.g0, lay.g1))
    picks = np.zeros(len(cand), dtype=np.int64)
    picks[order] = segments.systematic(weights_sorted := weight[order], grp[order], need, u)
    del weights_sorted
    alarm = np.repeat(cand, picks)  # a row drawn twice is investigated twice (rare)
    alarm_at = path(number[alarm], _repeat_position(picks))

    def draws(column: str, confirmed: np.ndarray) -> np.ndarray:
        """Per case: a draw keyed by its episode (or transaction), or by its alarm."""
        return np.r_[s(column).uniform(confirmed), s(f"alarm.{column}").uniform(alarm_at)]

    # one array per column: confirmed first, then alarms, then sorted by account and time.
    # An investigation (method, review, escalation) is per episode or alarm, recovery per
    # transaction: each attempt is its own chargeback or reversal.
    row = np.concatenate([flagged, alarm])
    is_fraud = np.r_[np.ones(len(flagged), bool), np.zeros(len(alarm), bool)]
    episode = eps["key"][e]
    occurred = rows["sec"][row]
    alarm_lag = (
        np.floor(
            -pf.alert_lag_hours * SECONDS_PER_HOUR * np.log(s("alarm_lag").uniform(alarm_at))
        ).astype(np.int64)
        + 60
    )
    alerted = np.r_[found_at[e], rows["sec"][alarm] + alarm_lag]
    detected = np.minimum(alerted, np.maximum(end - 1, occurred))
    review = np.floor(-pf.review_days * SECONDS_PER_DAY * np.log(draws("review", episode)))
    closed = detected + review < end
    escalate = draws("escalate", episode) < 0.15
    status = np.where(
        is_fraud,
        np.where(closed & ~escalate, CLOSED, ESCALATED),
        np.where(closed, CLOSED, np.where(draws("opened", episode) < 0.5, OPEN, REVIEW)),
    )
    resolution = np.where(is_fraud, 0, np.where(status == CLOSED, 1, 2))
    typ = np.r_[
        eps["kind"][e],
        np.array([SUSPECTED.get(k, 0) for k in range(len(KINDS))])[rows["kind"][alarm]],
    ].astype(np.int64)
    involved = amount[row]
    # a declined attempt lost nothing, so nothing is recovered; false alarms lost nothing
    lost = np.where(is_fraud & (rows["status"][row] == COMPLETED), involved, 0)
    recovery = np.array([pf.typologies[t].recovery for t in TYPOLOGIES])
    low, high = recovery[typ.clip(0, len(TYPOLOGIES) - 1)].T
    frac = low + (high - low) * draws("recovered", rows["key"][flagged])
    frac = np.where(status == CLOSED, frac, frac * 0.3)
    recovered = np.minimum(np.round(lost * frac), involved).astype(np.int64)
    u_method = draws("method", episode)
    method = np.where(
        is_fraud,
        _fraud_method(ctx, typ, u_method),
        _method(ctx, FALSE_ALARM, u_method),
    )
    order = np.lexsort((occurred, acc[row]))
    return Cases(
        row[order],
        typ[order],
        occurred[order],
        detected[order],
        involved[order],
        method[order],
        status[order],
        resolution[order],
        recovered[order],
    )


def _repeat_position(picks: np.ndarray) -> np.ndarray:
    """0..k-1 for an item drawn k times, in np.repeat order."""
    return segments.positions(picks[picks > 0])


def _fraud_method(ctx: Context, typ: np.ndarray, u: np.ndarray) -> np.ndarray:
    out = np.zeros(len(typ), dtype=np.int64)
    for t_i, t in enumerate(TYPOLOGIES):
        mine = typ == t_i
        out[mine] = _method(ctx, t, u[mine])
    return out


def _cases_of(ctx: Context, start: int, stop: int) -> dict[str, np.ndarray]:
    """Cases of the groups owned by customers [start, stop), in case order."""
    og0, og1 = common.owned_groups(ctx, start, stop)
    parts = []
    for g0, g1 in common.customer_groups(ctx, start, stop):
        led = common.shared_ledger(ctx, g0, g1)
        c = cases(ctx, led)
        lay = led.layout
        acc = led.rows["acc"][c.row]
        group = lay.g0 + lay.account_group[acc]
        keep = (group >= og0) & (group < og1)
        parts.append(
            {
                "account": lay.index[acc][keep],
                "customer": lay.customer[acc][keep],
                "transaction": led.first_row + c.row[keep],
                "fraud_type": c.fraud_type[keep],
                "occurred": c.occurred[keep],
                "detected": c.detected[keep],
                "involved": c.involved[keep],
                "method": c.method[keep],
                "status": c.status[keep],
                "resolution": c.resolution[keep],
                "recovered": c.recovered[keep],
            }
        )
    return common.concat(parts) if parts else {}


def counts(ctx: Context, start: int, stop: int) -> np.ndarray:
    """A group's cases, all counted on its first customer: its share, if it has activity."""
    parts = []
    for g0, g1 in common.customer_groups(ctx, start, stop):
        lay = common.shared_layout(ctx, g0, g1)
        share = groups.allocation(ctx, NAME).counts(g0, g1)
        share = np.where(ledger.active_groups(ctx, lay), share, 0)
        parts.append(common.on_first_customers(ctx, start, stop, g0, share))
    return np.sum(parts, axis=0)


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    c = _cases_of(ctx, start, stop)
    if not c:
        return common.concat([], TABLE)
    return {
        "case_id": TABLE.ids(first_row + np.arange(len(c["account"]))),
        "account_id": accounts.TABLE.ids(c["account"]),
        "customer_id": customers.ids(ctx, c["customer"]),
        "transaction_id": transactions.TABLE.ids(c["transaction"]),
        "fraud_type": arrow.labels(FRAUD_TYPES, c["fraud_type"]),
        "occurrence_date": arrow.timestamps(c["occurred"]),
        "detection_date": arrow.timestamps(c["detected"]),
        "amount_involved": arrow.money(c["involved"]),
        "detection_method": arrow.labels(methods(ctx), c["method"]),
        "investigation_status": arrow.labels(INVESTIGATION, c["status"]),
        "resolution": arrow.labels(RESOLUTIONS, c["resolution"]),
        "amount_recovered": arrow.money(c["recovered"]),
    }


TABLE = Table(
    name=NAME,
    description="Fraud investigations: every transaction of a detected fraud episode, plus "
    "false alarms.",
    base_rows=1_000,  # exactly 1,000 x m, dealt to customers group by group
    block=block,
    primary_key=("case_id",),
    parents=("transactions",),
    driver="customers",
    counts=counts,
    rows_per_driver=10.0,  # blocks are sized by the ledger rows they simulate
    group=common.GROUP,
    columns=(
        Column(
            "case_id",
            pa.string(),
            "Case key, CASE + 9 digits, dense from 1.",
            unique=True,
            id_prefix="CASE",
        ),
        Column(
            "account_id",
            pa.string(),
            "Account of the investigated transaction.",
            references="accounts.account_id",
        ),
        Column(
            "customer_id",
            pa.string(),
            "Holder of that account.",
            references="customers.customer_id",
        ),
        Column(
            "transaction_id",
            pa.string(),
            "The investigated transaction: one attempt of a detected fraud episode, or a "
            "legitimate one flagged by alerting.",
            references="transactions.transaction_id",
        ),
        Column(
            "fraud_type",
            pa.string(),
            "Typology of a confirmed case; the suspected one for a false alarm.",
        ),
        Column("occurrence_date", arrow.TIMESTAMP, "The transaction's transaction_date."),
        Column(
            "detection_date",
            arrow.TIMESTAMP,
            "When the alert or report came in (shared by the cases of one fraud episode, "
            "after its last attempt); never before occurrence_date, never after the end date.",
        ),
        Column(
            "amount_involved",
            arrow.MONEY,
            "The transaction's absolute amount (declined attempts included).",
        ),
        Column(
            "detection_method",
            pa.string(),
            "ML Model, Rule Engine, Customer Report, Manual Review or Merchant Report.",
        ),
        Column(
            "investigation_status", pa.string(), "Open, Under Investigation, Escalated or Closed."
        ),
        Column(
            "resolution",
            pa.string(),
            "Confirmed Fraud iff the transaction is_fraud; "
            "else False Positive (closed) or Pending Review.",
        ),
        Column(
            "amount_recovered",
            arrow.MONEY,
            "Chargebacks and reversals; 0 <= recovered <= amount_involved, 0 for a "
            "declined attempt or a false alarm (nothing was lost).",
        ),
    ),
)
