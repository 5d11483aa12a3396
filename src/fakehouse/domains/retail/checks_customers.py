"""Checks of customers over time: first purchases on registering, retention that falls and then
flattens, customers who buy once, and VIPs who earned their status.

Bounds follow the warehouse's parameters (the share buying on registration, the loyal shares
and lives of the segments) and widen by three standard errors at the warehouse's size, so small
warehouses are judged loosely and large ones closely. A cohort is pooled over every customer
who registered inside the window early enough to be seen for nine quarters; its activity in
quarter k is the share of it buying in days [91k, 91k + 91) after registering.
"""

from __future__ import annotations

import math

from fakehouse.core.checks import Check
from fakehouse.core.timeline import history_window
from fakehouse.domains.retail.checks_outcomes import DAY
from fakehouse.domains.retail.params import RetailParams

QUARTER = 91


def new_customer_survival(params: RetailParams, days: float) -> float:
    """Share of customers registering inside the window still alive `days` later: each
    band's loyal and short lives (exponential), weighted by the band's share of those
    registrations (registration_skew makes the active bands register earlier)."""
    c = params.customers
    years = history_window(params).days / 365.25
    before = c.registration_lead_years / (c.registration_lead_years + years)
    total, alive = 0.0, 0.0
    for s in params.segments.values():
        weight = s.share * (1.0 - before ** (1.0 / s.registration_skew))
        loyal = math.exp(-days / (c.loyal_life_years * 365.25))
        short = math.exp(-days / (c.life_months * 365.25 / 12))
        total += weight
        alive += weight * (s.loyal_share * loyal + (1.0 - s.loyal_share) * short)
    return alive / total if total > 0 else 1.0


def _quarterly(params: RetailParams) -> tuple[float, float]:
    """(early, late): expected retention per quarter between quarters 1 and 4 after
    registering, and between quarters 4 and 8 (at the quarters' middles)."""
    s = [new_customer_survival(params, QUARTER * (k + 0.5)) for k in (1, 4, 8)]
    return (s[1] / s[0]) ** (1 / 3), (s[2] / s[1]) ** (1 / 4)


#: active customers k1, k4, k8 (quarters 1, 4 and 8 after registering) of the cohort of n
COHORT = (
    "WITH c AS (SELECT customer_id, registration_date AS r FROM {s}.customers "
    f"WHERE registration_date >= {{start}} AND date_diff('day', registration_date, {{end}}) "
    f">= {9 * QUARTER - 1}), "
    "a AS (SELECT DISTINCT t.customer_id, "
    f"floor(date_diff('day', c.r, {DAY}) / {QUARTER}) AS q FROM {{s}}.transactions AS t "
    "JOIN c ON c.customer_id = t.customer_id), "
    "k AS (SELECT greatest(count(*) FILTER (WHERE q = 1), 1) AS k1, "
    "greatest(count(*) FILTER (WHERE q = 4), 1) AS k4, "
    "greatest(count(*) FILTER (WHERE q = 8), 1) AS k8 FROM a) "
)


def _first_purchase(params: RetailParams) -> Check:
    rate = params.customers.first_purchase_rate
    return Check(
        "customers.first_purchase",
        "customers",
        f"share of customers registering inside the window who buy that day is "
        f"{rate:g} (customers.first_purchase_rate) +- 0.03 + 3 standard errors",
        "WITH c AS (SELECT customer_id, registration_date AS r FROM {s}.customers "
        "WHERE registration_date BETWEEN {start} AND {end}), "
        "b AS (SELECT DISTINCT t.customer_id FROM {s}.transactions AS t "
        f"JOIN c ON c.customer_id = t.customer_id WHERE {DAY} = c.r), "
        "n AS (SELECT greatest(count(*), 1) AS n FROM c) "
        "SELECT (SELECT count(*) FROM b) / n AS value, "
        f"{rate!r} - 0.03 - 3 * sqrt({rate * (1 - rate)!r} / n) AS low, "
        f"{rate!r} + 0.03 + 3 * sqrt({rate * (1 - rate)!r} / n) AS high FROM n",
    )


def _retention(params: RetailParams) -> list[Check]:
    early, late = _quarterly(params)
    falls = early + (1.0 - early) / 2
    flattens = 1.0 + (late / early - 1.0) / 2 if late / early > 1.02 else 0.0
    early_sql = "pow(k4 / k1, 1.0 / 3)"
    late_sql = "pow(k8 / k4, 1.0 / 4)"
    return [
        Check(
            "customers.retention_falls",
            "customers",
            f"retention falls: of customers registering in the window, the share buying "
            f"falls per quarter from quarter 1 to 4 after registering to at most {falls:.2f} "
            f"(half the fall of the {early:.2f} the segments' lives give; + 3 standard errors)",
            COHORT + f"SELECT {early_sql} AS value, 0.0 AS low, "
            f"{falls!r} * exp(3 * sqrt(1.0 / k1 + 1.0 / k4) / 3) AS high FROM k",
        ),
        Check(
            "customers.retention_flattens",
            "customers",
            f"retention flattens (a loyal core): per-quarter retention from quarter 4 to 8 "
            f"over that from 1 to 4 is at least {flattens:.2f} (half the "
            f"{late / early:.2f} the segments' lives give; less 3 standard errors)",
            COHORT + f"SELECT {late_sql} / {early_sql} AS value, "
            f"{flattens!r} * exp(-3 * (sqrt(1.0 / k4 + 1.0 / k8) / 4 "
            "+ sqrt(1.0 / k1 + 1.0 / k4) / 3)) AS low, 'inf'::DOUBLE AS high FROM k",
        ),
    ]


def _one_time_buyers(params: RetailParams) -> Check:
    c = params.customers
    years = history_window(params).days / 365.25
    before = c.registration_lead_years / (c.registration_lead_years + years)
    weights = {k: s.share * (1.0 - before ** (1.0 / s.registration_skew)) for k, s in
               params.segments.items()}  # fmt: skip
    total = sum(weights.values()) or 1.0
    loyal = sum(w * params.segments[k].loyal_share for k, w in weights.items()) / total
    month = 1.0 - math.exp(-1.0 / c.life_months)
    low = 0.5 * (1.0 - loyal) * month
    high = 1.0 - 0.5 * loyal
    return Check(
        "customers.one_time_buyers",
        "customers",
        f"most new customers buy a few times, some once: of those who bought on registering "
        f"(at least half a year before the window's end), {low:.2f}-{high:.2f} never buy "
        "again (half the share churning within a month, to all but half the loyal share; "
        "+- 3 standard errors at the bounds)",
        "WITH c AS (SELECT customer_id, registration_date AS r FROM {s}.customers "
        "WHERE registration_date >= {start} "
        "AND date_diff('day', registration_date, {end}) >= 182), "
        "b AS (SELECT c.customer_id, count(*) FILTER (WHERE "
        f"{DAY} = c.r) AS first, count(*) AS n FROM {{s}}.transactions AS t "
        "JOIN c ON c.customer_id = t.customer_id GROUP BY c.customer_id), "
        "x AS (SELECT greatest(count(*), 1) AS n, count(*) FILTER (WHERE n = 1) AS once "
        "FROM b WHERE first > 0) "
        f"SELECT once / n AS value, {low!r} - 3 * sqrt({low * (1 - low)!r} / n) AS low, "
        f"{high!r} + 3 * sqrt({high * (1 - high)!r} / n) AS high FROM x",
    )


def _vip_spend() -> Check:
    return Check(
        "customers.vip_top_spenders",
        "customers",
        "VIP status is earned by spend: at least 60% of VIPs are among as many top "
        "spenders of the window (less 3 standard errors)",
        "WITH s AS (SELECT c.customer_id, c.customer_segment AS seg, "
        "coalesce(sum(t.total_amount), 0) AS spend FROM {s}.customers AS c "
        "LEFT JOIN {s}.transactions AS t ON t.customer_id = c.customer_id "
        "GROUP BY c.customer_id, c.customer_segment), "
        "r AS (SELECT seg, row_number() OVER (ORDER BY spend DESC, customer_id) AS k FROM s), "
        "v AS (SELECT count(*) AS vips FROM s WHERE seg = 'VIP') "
        "SELECT CASE WHEN vips = 0 THEN 1.0 ELSE "
        "count(*) FILTER (WHERE seg = 'VIP' AND k <= vips) / vips END AS value, "
        "0.6 - 3 * sqrt(0.24 / greatest(vips, 1)) AS low, 1.0 AS high FROM r, v GROUP BY vips",
    )


def checks(params: RetailParams) -> list[Check]:
    return [
        _first_purchase(params),
        *_retention(params),
        _one_time_buyers(params),
        _vip_spend(),
    ]
