"""Checks of marketing: campaigns report exactly the sales attributed to them, those sales
happen in the campaign's channel and reach only customers it may reach, and costs vary by
campaign and season.

Which types reach only opted-in customers and which channel each works in are read from
the warehouse's parameters (campaigns.types).
"""

from __future__ import annotations

import math

import numpy as np

from fakehouse.core.checks import Check, quoted, violations
from fakehouse.domains.retail.params import RetailParams

CPM = "ln(actual_spend / impressions * 1000)"
#: campaigns whose CPM is read (fewer impressions: rounding of spend dominates)
SHOWN = "impressions >= 1000 AND actual_spend > 0"


def _types(params: RetailParams, **where) -> list[str]:
    return [
        k
        for k, t in params.campaigns.types.items()
        if all(getattr(t, f) == v for f, v in where.items())
    ]


def _in(types: list[str]) -> str:
    return f"IN ({quoted(types)})" if types else "IS NULL AND false"


def _attributed() -> Check:
    margin = (
        "SELECT i.transaction_id, sum(i.line_total - i.tax_amount - i.quantity * p.unit_cost) "
        "AS margin FROM {s}.transaction_items AS i JOIN {s}.products AS p "
        "ON p.product_id = i.product_id GROUP BY i.transaction_id"
    )
    return violations(
        "marketing_campaigns.attributed_sales",
        "marketing_campaigns",
        "conversions, revenue_generated and margin_generated are the count, total_amount and "
        "margin of the sales whose campaign_id is the campaign",
        f"WITH m AS ({margin}), a AS (SELECT t.campaign_id, count(*) AS n, "
        "sum(t.total_amount) AS revenue, sum(m.margin) AS margin FROM {s}.transactions AS t "
        "JOIN m ON m.transaction_id = t.transaction_id WHERE t.campaign_id IS NOT NULL "
        "GROUP BY t.campaign_id) "
        "SELECT count(*) FROM {s}.marketing_campaigns AS c LEFT JOIN a "
        "ON a.campaign_id = c.campaign_id WHERE NOT (c.conversions = coalesce(a.n, 0) "
        "AND c.revenue_generated = coalesce(a.revenue, 0) "
        "AND c.margin_generated = coalesce(a.margin, 0))",
    )


def _reach(params: RetailParams) -> list[Check]:
    opt_in = _types(params, opt_in_only=True)
    online, in_store = _types(params, channel="Online"), _types(params, channel="In-Store")
    listed = ", ".join(opt_in) or "none"
    joined = (
        "FROM {s}.transactions AS t JOIN {s}.marketing_campaigns AS c "
        "ON c.campaign_id = t.campaign_id "
    )
    return [
        violations(
            "transactions.campaign_opt_in",
            "transactions",
            f"sales attributed to campaigns that reach opted-in customers only ({listed}) are "
            "by customers with marketing_opt_in",
            f"SELECT count(*) {joined}JOIN {{s}}.customers AS u ON u.customer_id = t.customer_id "
            f"WHERE c.campaign_type {_in(opt_in)} AND NOT u.marketing_opt_in",
        ),
        violations(
            "transactions.campaign_channel",
            "transactions",
            "a campaign's sales are in its channel: Online for "
            f"{', '.join(online) or 'none'}; In-Store for {', '.join(in_store) or 'none'}",
            f"SELECT count(*) {joined}WHERE (c.campaign_type {_in(online)} "
            f"AND t.channel <> 'Online') OR (c.campaign_type {_in(in_store)} "
            "AND t.channel <> 'In-Store')",
        ),
        violations(
            "marketing_campaigns.opt_in_reach",
            "marketing_campaigns",
            f"campaigns of {listed} send at most one message a week to each opted-in "
            "customer: impressions <= opted-in customers x weeks run (2% slack: the audience "
            "is estimated at large sizes)",
            "SELECT count(*) FROM {s}.marketing_campaigns "
            f"WHERE campaign_type {_in(opt_in)} AND impressions > 1.02 * "
            "(SELECT count(*) FROM {s}.customers WHERE marketing_opt_in) "
            "* ceil((date_diff('day', start_date, end_date) + 1) / 7.0)",
        ),
    ]


def _season(params: RetailParams) -> tuple[np.ndarray, np.ndarray]:
    """ln of the CPM factor of campaigns starting in each month, and which months are
    November-December."""
    months = np.array(list(params.calendar.months.values()), dtype=np.float64)
    factor = params.campaigns.cpm_season * np.log(months / months.mean())
    return factor, np.arange(12) >= 10


def _costs(params: RetailParams) -> list[Check]:
    p = params.campaigns
    factor, holiday = _season(params)
    spread = math.hypot(p.cpm_sigma, float(factor.std()))
    least = round(spread / 2, 3)
    lift = float(factor[holiday].mean() - factor[~holiday].mean())
    quieter = lift < 0
    way = "cheaper" if quieter else "dearer"
    sign = -1 if quieter else 1
    at_least = round(abs(lift) / 2, 3)
    by_type = (
        f"SELECT campaign_type, month(start_date) >= 11 AS holiday, {CPM} AS x "
        f"FROM {{s}}.marketing_campaigns WHERE {SHOWN}"
    )
    return [
        Check(
            "marketing_campaigns.cpm_varies",
            "marketing_campaigns",
            f"cost per thousand impressions varies by campaign: the spread of ln(CPM) within "
            f"a type (pooled over the types) is at least {least:g} (half the configured "
            "cpm_sigma and season; less 3 standard errors)",
            f"WITH g AS (SELECT var_samp(x) AS v, count(*) - 1 AS df FROM ({by_type}) AS d "
            "GROUP BY campaign_type HAVING count(*) >= 2) "
            f"SELECT coalesce(sqrt(sum(df * v) / sum(df)), {least!r}) AS value, "
            f"{least!r} * exp(-3 / sqrt(2 * greatest(coalesce(sum(df), 1), 1))) AS low, "
            "'inf'::DOUBLE AS high FROM g",
        ),
        Check(
            "marketing_campaigns.cpm_season",
            "marketing_campaigns",
            f"campaigns starting in November-December are {way}: their ln(CPM) less their "
            f"type's mean is at least {at_least:g} {'below' if quieter else 'above'} the "
            "others' (half the configured cpm_season effect, less 3 standard errors of "
            "cpm_sigma)",
            f"WITH d AS (SELECT holiday, x - avg(x) OVER (PARTITION BY campaign_type) AS x "
            f"FROM ({by_type}) AS c), g AS (SELECT holiday, avg(x) AS m, count(*) AS n "
            "FROM d GROUP BY holiday), x AS (SELECT max(m) FILTER (WHERE holiday) AS a, "
            "max(m) FILTER (WHERE NOT holiday) AS b, max(n) FILTER (WHERE holiday) AS na, "
            "max(n) FILTER (WHERE NOT holiday) AS nb FROM g) "
            f"SELECT coalesce({sign} * (a - b), {at_least!r}) AS value, "
            f"{at_least!r} - 3 * {p.cpm_sigma!r} * sqrt(1.0 / coalesce(na, 1) "
            "+ 1.0 / coalesce(nb, 1)) AS low, 'inf'::DOUBLE AS high FROM x",
        ),
    ]


def checks(params: RetailParams) -> list[Check]:
    return [_attributed(), *_reach(params), *_costs(params)]
