"""Checks of how sales end: returns dated after their sale, at the configured rates, more
online than in store and most for the category returned most; Pending only for the last
days' orders; cancellations mostly online.

Rates follow the warehouse's parameters (sales.outcomes, sales.return_factors); a ratio is
held to half the configured effect, less three standard errors at the warehouse's size.
"""

from __future__ import annotations

from fakehouse.core.checks import Check, rows, violations
from fakehouse.domains.retail.params import RetailParams

DAY = "CAST(t.transaction_date AS DATE)"  # a sale's day, for every retail check
STORE, ONLINE = "In-Store", "Online"


def category_shares(params: RetailParams) -> dict[str, float]:
    """Share of products in each category (sold lines follow them: popularity is drawn
    independently of category)."""
    shares = {k: c.share for k, c in params.products.categories.items()}
    total = sum(shares.values())
    return {k: v / total for k, v in shares.items()}


def mean_return_factor(params: RetailParams) -> float:
    factors = params.sales.return_factors
    return sum(share * factors.get(k, 1.0) for k, share in category_shares(params).items())


def expected_returned(params: RetailParams, channel: str) -> float:
    """Share of a channel's sales that end Returned: not cancelled, and returned."""
    o = params.sales.outcomes[channel]
    return (1.0 - o.cancel_rate) * min(o.return_rate * mean_return_factor(params), 1.0)


def _ratio(description: str, count: str, online: float, store: float) -> tuple[str, str]:
    """A check that the rate counted by `count` (a condition on t) is higher online than in
    store, or the other way round, by half the configured ratio less 3 standard errors
    (none when the configured rates are within 20% of each other); and its description."""
    ratio = online / store if store > 0 else float("inf")
    if ratio < 1:
        high, low, ratio, way = STORE, ONLINE, 1 / ratio if online > 0 else float("inf"), "in store"
    else:
        high, low, way = ONLINE, STORE, "online"
    bound = 0.0 if ratio < 1.2 else min(1 + (ratio - 1) / 2, 1e6)
    sql = (
        f"WITH x AS (SELECT count(*) FILTER (WHERE {count} AND channel = '{high}') AS a, "
        f"count(*) FILTER (WHERE channel = '{high}') AS na, "
        f"count(*) FILTER (WHERE {count} AND channel = '{low}') AS b, "
        f"count(*) FILTER (WHERE channel = '{low}') AS nb FROM {{s}}.transactions AS t) "
        "SELECT CASE WHEN b = 0 THEN 'inf'::DOUBLE ELSE (a / greatest(na, 1)) / (b / nb) END "
        f"AS value, {bound!r} * exp(-3 * sqrt(1.0 / greatest(a, 1) + 1.0 / greatest(b, 1))) "
        "AS low, 'inf'::DOUBLE AS high FROM x"
    )
    text = f"{description} {way}: at least {bound:.2f} x (half the configured {ratio:.1f} x, "
    return sql, text + "less 3 standard errors)"


def _returns(params: RetailParams) -> list[Check]:
    expected = {c: expected_returned(params, c) for c in (STORE, ONLINE)}
    channel_sql, channel_text = _ratio(
        "sales are returned more",
        "transaction_status = 'Returned'",
        expected[ONLINE],
        expected[STORE],
    )
    factors = {k: params.sales.return_factors.get(k, 1.0) for k in category_shares(params)}
    top = max(factors, key=factors.get)
    clear = all(factors[top] >= 1.25 * v for k, v in factors.items() if k != top)
    lines = (
        "SELECT p.category, count(*) AS n, count(*) FILTER (WHERE t.transaction_status = "
        "'Returned') AS k FROM {s}.transaction_items AS i JOIN {s}.transactions AS t "
        "ON t.transaction_id = i.transaction_id JOIN {s}.products AS p "
        "ON p.product_id = i.product_id GROUP BY p.category HAVING count(*) >= 30"
    )
    return [
        rows(
            "transactions.return_dates",
            "transactions",
            "return_date is set iff the sale is Returned, after the sale's day and inside the "
            "window",
            f"(transaction_status = 'Returned') = (return_date IS NOT NULL) AND "
            f"coalesce(return_date > {DAY} AND return_date <= {{end}}, true)",
        ),
        Check(
            "transactions.return_rate",
            "transactions",
            "Returned sales are 0.6-1.4 x the share the configured return rates give "
            f"(In-Store {expected[STORE]:.3f}, Online {expected[ONLINE]:.3f}; +- 3 standard "
            "errors)",
            "WITH x AS (SELECT count(*) FILTER (WHERE transaction_status = 'Returned') AS k, "
            f"sum(CASE WHEN channel = '{ONLINE}' THEN {expected[ONLINE]!r} "
            f"ELSE {expected[STORE]!r} END) AS e FROM {{s}}.transactions) "
            "SELECT k / greatest(e, 1e-9) AS value, 0.6 - 3 / sqrt(greatest(e, 1)) AS low, "
            "1.4 + 3 / sqrt(greatest(e, 1)) AS high FROM x",
        ),
        Check("transactions.returns_by_channel", "transactions", channel_text, channel_sql),
        Check(
            "transactions.returns_by_category",
            "transactions",
            f"lines of {top if clear else 'no category'} (its return factor at least 1.25 x "
            "every other's) are in Returned sales more often than each other category's: "
            "the smallest ratio, each allowed 3 standard errors, is at least 1 (categories "
            "of 30 lines or more)",
            f"WITH c AS ({lines}), x AS (SELECT o.k / o.n AS rate, o.k AS k FROM c AS o "
            f"WHERE o.category <> '{top}'), y AS (SELECT k / n AS rate, k FROM c "
            f"WHERE category = '{top}') "
            f"SELECT CASE WHEN {str(not clear).lower()} THEN 1.0 ELSE coalesce((SELECT "
            "min(CASE WHEN x.rate = 0 THEN 'inf'::DOUBLE ELSE y.rate / x.rate * exp(3 * "
            "sqrt(1.0 / greatest(y.k, 1) + 1.0 / greatest(x.k, 1))) END) FROM x, y), 1.0) END "
            "AS value, 1.0 AS low, 'inf'::DOUBLE AS high",
        ),
    ]


def _statuses(params: RetailParams) -> list[Check]:
    o = params.sales.outcomes
    days = max(x.pending_days[1] for x in o.values())
    cancel_sql, cancel_text = _ratio(
        "sales are cancelled more",
        "transaction_status = 'Cancelled'",
        o[ONLINE].cancel_rate,
        o[STORE].cancel_rate,
    )
    return [
        violations(
            "transactions.pending_recent",
            "transactions",
            f"Pending sales are orders of the window's last {days} days only (the longest "
            "configured pending_days)",
            "SELECT count(*) FROM {s}.transactions AS t WHERE transaction_status = 'Pending' "
            f"AND date_diff('day', {DAY}, {{end}}) >= {days}",
        ),
        Check("transactions.cancellations_online", "transactions", cancel_text, cancel_sql),
    ]


def checks(params: RetailParams) -> list[Check]:
    return [*_returns(params), *_statuses(params)]
