"""The behaviour checks of retail_analytics: every invariant and distribution the tables
promise beyond their declarations (whose columns, keys and references are checked by the
generic checks of `core.contract`).

Values of the contract (segments, categories, statuses, event types) are restated here, never
imported from the generator, so the checks hold the generator to the contract. Where a
behaviour is a parameter (the state mix, the status mix, the calendar, categories and prices,
segment behaviour, baskets, ratings), the check's bounds are derived from the parameters the
warehouse was made with, so a warehouse made with a custom configuration is judged by it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import pairwise

import numpy as np

from fakehouse.core import reference
from fakehouse.core.checks import (
    PLACES,
    Check,
    metric,
    quoted,
    rows,
    unique_key,
    violations,
)
from fakehouse.core.timeline import calendar, history_window, holiday_factors
from fakehouse.domains.retail import checks_customers as customers
from fakehouse.domains.retail import checks_marketing as marketing
from fakehouse.domains.retail import checks_outcomes as outcomes
from fakehouse.domains.retail.catalog import catalog
from fakehouse.domains.retail.checks_outcomes import DAY
from fakehouse.domains.retail.params import RetailParams

SEGMENT_ORDER = ("VIP", "Premium", "Regular", "Basic")  # most active first
#: a segment is held to sell more (or fill bigger baskets) than another from this configured
#: ratio on, and then by at least ORDERED_STEP
ORDERED_FROM, ORDERED_STEP = 1.2, 1.1

_REAL_PLACE = (
    f"EXISTS (SELECT 1 FROM {PLACES} AS p WHERE p.zip_code = t.zip_code AND p.city = t.city "
    "AND p.state = t.state AND abs(p.latitude - t.latitude) < 1e-6 "
    "AND abs(p.longitude - t.longitude) < 1e-6)"
)


def follows(
    name: str, table: str, description: str, counts: str, expected: Mapping, slack: float = 0.02
) -> Check:
    """Distribution: the labels counted by `counts` (a query with columns label, k) have
    shares within a total variation distance of `expected` (label -> share, summing to 1) of
    `slack` + 0.6 x sum(sqrt(share)) / sqrt(n): the sampling noise of n draws, so that small
    warehouses are judged loosely and large ones closely."""
    values = ", ".join(f"('{label}', {float(share)!r})" for label, share in expected.items())
    noise = 0.6 * sum(math.sqrt(max(float(s), 0.0)) for s in expected.values())
    sql = (
        f"WITH c AS (SELECT CAST(label AS VARCHAR) AS label, k FROM ({counts}) AS x), "
        "n AS (SELECT greatest(coalesce(sum(k), 0), 1)::DOUBLE AS n FROM c), "
        f"e AS (SELECT * FROM (VALUES {values}) AS e(label, share)), "
        "d AS (SELECT abs(coalesce(c.k, 0) / (SELECT n FROM n) - coalesce(e.share, 0)) AS diff "
        "FROM c FULL OUTER JOIN e ON e.label = c.label) "
        f"SELECT 0.5 * sum(diff) AS value, 0.0 AS low, "
        f"{slack!r} + {noise!r} / sqrt((SELECT n FROM n)) AS high FROM d"
    )
    return Check(name, table, description, sql)


def _normalised(weights: Mapping) -> dict:
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


def _ordered(metric_by_segment: str, configured: Mapping[str, float]) -> tuple[str, str]:
    """Smallest ratio of a metric between a segment and the next in the configured order
    (largest configured value first; segments without customers left out), over the pairs
    whose configured ratio is at least ORDERED_FROM; and that order as text. Without such a
    pair, the query gives 1e9.

    `metric_by_segment` is a query with columns (seg, m); missing segments give NULL.
    """
    order = sorted(configured, key=lambda s: -configured[s])
    pairs = [
        (a, b) for a, b in pairwise(order) if configured[a] >= ORDERED_FROM * configured[b] > 0
    ]
    text = " > ".join(order) if pairs else "no order configured"
    if not pairs:
        return "SELECT 1e9", text
    pivot = ", ".join(f"max(m) FILTER (WHERE seg = '{s}') AS {s.lower()}" for s in SEGMENT_ORDER)
    ratios = ", ".join(f"{a.lower()} / {b.lower()}" for a, b in pairs)
    return (
        f"SELECT least({ratios}, 1e9) FROM (SELECT {pivot} FROM ({metric_by_segment}) AS x)",
        text,
    )


def rate_ratio(name: str, description: str, condition: str, at_least: float) -> Check:
    """Distribution: sales per day on days where `condition` holds (a predicate on the DATE
    `day`) over sales per day on the other days of the window is at least `at_least`, less
    three standard errors of the ratio's sampling noise (never below 1; no bound at all for
    an `at_least` of 1 or less).

    With k sales on the chosen days and l on the others, log(ratio) has a standard error of
    about sqrt(1/k + 1/l); the allowance keeps small warehouses from failing by chance
    (m = 0.05: bound 1.0) while large ones are held close to `at_least`.
    """
    sql = (
        "WITH d AS (SELECT CAST(g.day AS DATE) AS day "
        "FROM generate_series(CAST({start} AS TIMESTAMP), CAST({end} AS TIMESTAMP), "
        "INTERVAL 1 DAY) AS g(day)), "
        f"n AS (SELECT ({condition}) AS hit, count(*) AS days FROM d GROUP BY 1), "
        f"x AS (SELECT ({condition}) AS hit, count(*) AS sales FROM "
        f"(SELECT {DAY} AS day FROM {{s}}.transactions AS t) AS t "
        "WHERE day BETWEEN {start} AND {end} GROUP BY 1), "
        "r AS (SELECT n.hit, n.days, coalesce(x.sales, 0) AS sales "
        "FROM n LEFT JOIN x ON x.hit = n.hit), "
        "p AS (SELECT max(sales) FILTER (WHERE hit) AS k, max(days) FILTER (WHERE hit) AS kd, "
        "max(sales) FILTER (WHERE NOT hit) AS l, max(days) FILTER (WHERE NOT hit) AS ld FROM r) "
        "SELECT (k / kd) / (l / ld) AS value, "
        f"greatest({1.0 if at_least > 1 else 0.0!r}, {at_least!r} * exp(-3 * sqrt(1.0 / "
        "greatest(k, 1) + 1.0 / greatest(l, 1)))) AS low, 'inf'::DOUBLE AS high FROM p"
    )
    return Check(name, "transactions", description, sql)


def calendar_effect(name: str, what: str, condition: str, params: RetailParams) -> Check:
    """`rate_ratio` for days where `condition` holds against the other days, bounded by half
    the effect the calendar (months, weekdays, holidays, trend) gives them; a calendar that
    makes those days quieter is checked the other way round."""
    c = params.calendar
    w = history_window(params)
    days = w.day_numbers()
    _, month, _, weekday = calendar(days)
    daily = (
        np.array(list(c.months.values()))[month - 1]
        * np.array(list(c.weekdays.values()))[weekday]
        * (1.0 + c.yearly_growth) ** ((days - days[0]) / 365.25)
        * holiday_factors(days, c.holidays)
    )
    hit = {"weekend": weekday >= 5, "season": month >= 11}[what]
    ratio = float(daily[hit].mean() / daily[~hit].mean()) if hit.any() and (~hit).any() else 1.0
    if ratio < 1:
        condition, ratio, way = f"NOT ({condition})", 1 / ratio, "quieter"
    else:
        way = "busier"
    at_least = round(1 + (ratio - 1) / 2, 3)
    days_text = {"weekend": "weekend days", "season": "November-December days"}[what]
    return rate_ratio(
        name,
        f"{days_text} are {way} as the calendar says: sales per day >= {at_least:g} x the "
        f"others' (half the configured {ratio:.2f}, less 3 standard errors, >= 1)",
        condition,
        at_least,
    )


def _customers(params: RetailParams) -> list[Check]:
    mix = params.customers.state_mix
    codes = reference.states().code.to_pylist()
    shares = dict(zip(codes, mix.shares(), strict=True))
    how = "census shares" if mix.is_population else "the configured state mix"
    return [
        rows(
            "customers.segment_values",
            "customers",
            "customer_segment is VIP, Premium, Regular or Basic",
            f"customer_segment IN ({quoted(SEGMENT_ORDER)})",
        ),
        rows(
            "customers.adult_at_registration",
            "customers",
            "customers are at least 18 years old on their registration_date",
            "date_of_birth + INTERVAL 18 YEAR <= registration_date",
        ),
        rows(
            "customers.real_place",
            "customers",
            "country US and city, state, zip_code, latitude, longitude of one real US place",
            f"country = 'US' AND {_REAL_PLACE}",
        ),
        follows(
            "customers.state_mix",
            "customers",
            f"state mix follows {how} (population by default): total variation distance "
            "<= 0.02 + 0.6 * sum(sqrt(share)) / sqrt(n)",
            "SELECT state AS label, count(*) AS k FROM {s}.customers GROUP BY 1",
            shares,
        ),
    ]


def _distinct(values: Mapping[str, float], top: bool) -> str | None:
    """The category whose configured value is at least 1.25 x (or at most 1 / 1.25 x) every
    other's, if one is."""
    if len(values) < 2:
        return None
    best = (max if top else min)(values, key=values.get)
    others = [v for k, v in values.items() if k != best]
    clear = (
        all(values[best] >= 1.25 * v for v in others)
        if top
        else all(1.25 * values[best] <= v for v in others)
    )
    return best if clear else None


def _type_ranges(params: RetailParams) -> str:
    """(category, type, lowest price, highest price) of every product type, as SQL VALUES:
    whole dollars of the catalogue's range times the category's price_scale, ending in .99."""
    c = catalog()
    scale = {k: v.price_scale for k, v in params.products.categories.items()}
    return ", ".join(
        f"('{c.categories[cat]}', '{name}', "
        f"{math.floor(low * scale[c.categories[cat]]) + 0.99!r}, "
        f"{math.floor(high * scale[c.categories[cat]]) + 0.99!r})"
        for name, cat, low, high in zip(
            c.types.to_pylist(), c.type_category, c.price_low, c.price_high, strict=True
        )
    )


def _products(params: RetailParams) -> list[Check]:
    categories = params.products.categories
    offered = [k for k, c in categories.items() if c.share > 0]
    levels = catalog().category_levels()
    medians = {k: levels[k] * categories[k].price_scale for k in offered}
    top, bottom = _distinct(medians, top=True), _distinct(medians, top=False)
    top_sql = f"'{top}'" if top else "NULL"
    bottom_sql = f"'{bottom}'" if bottom else "NULL"
    margin_cases = " ".join(
        f"WHEN '{k}' THEN 1 - unit_cost / unit_price BETWEEN {c.margin[0] - 0.01!r} "
        f"AND {c.margin[1] + 0.01!r} OR unit_cost = unit_price - 0.01"
        for k, c in categories.items()
    )
    margins_text = ", ".join(
        f"{k} {c.margin[0]:.0%}-{c.margin[1]:.0%}" for k, c in categories.items()
    )
    return [
        rows(
            "products.category_values",
            "products",
            f"category is one of the configured categories ({', '.join(offered)})",
            f"category IN ({quoted(offered)})",
        ),
        rows(
            "products.price_above_cost",
            "products",
            "unit_price > unit_cost",
            "unit_price > unit_cost",
        ),
        violations(
            "products.price_level_by_category",
            "products",
            f"price level (geometric mean unit_price): {top or 'no category'} above every other "
            f"category, {bottom or 'none'} below, as their product types' catalogue levels are "
            "(categories with at least 30 products)",
            "WITH m AS (SELECT category, avg(ln(unit_price)) AS med FROM {s}.products "
            "GROUP BY category HAVING count(*) >= 30), "
            f"e AS (SELECT max(med) FILTER (WHERE category = {top_sql}) AS top, "
            f"max(med) FILTER (WHERE category = {bottom_sql}) AS bottom FROM m) "
            f"SELECT count(*) FILTER (WHERE category <> coalesce({top_sql}, '') "
            "AND NOT coalesce(med < top, true)) "
            f"+ count(*) FILTER (WHERE category <> coalesce({bottom_sql}, '') "
            "AND NOT coalesce(med > bottom, true)) FROM m, e",
        ),
        rows(
            "products.price_by_type",
            "products",
            "unit_price lies in the catalogue's price range of the product's type (within its "
            "category, times the category's price_scale)",
            f"EXISTS (SELECT 1 FROM (VALUES {_type_ranges(params)}) "
            "AS r(category, kind, low, high) "
            "WHERE r.category = t.category AND r.kind = t.product_type "
            "AND t.unit_price BETWEEN r.low AND r.high)",
        ),
        rows(
            "products.name_has_type",
            "products",
            "product_name names the product's type (a TV is called a TV)",
            "product_name LIKE concat('%', product_type, '%')",
        ),
        rows(
            "products.margin_by_category",
            "products",
            "gross margin 1 - unit_cost / unit_price lies in the category's configured margin "
            f"range ({margins_text}), within a cent's rounding",
            f"CASE category {margin_cases} ELSE false END",
        ),
        violations(
            "products.supplier_category",
            "products",
            "the product's supplier serves its category (category or second_category)",
            "SELECT count(*) FROM {s}.products AS p JOIN {s}.suppliers AS x "
            "ON x.supplier_id = p.supplier_id WHERE NOT coalesce(p.category = x.category "
            "OR p.category = x.second_category, false)",
        ),
    ]


def _stores(params: RetailParams) -> list[Check]:
    in_store = (
        "SELECT st.state, st.store_size_sqft AS size, count(t.transaction_id) AS sales "
        "FROM {s}.stores AS st LEFT JOIN {s}.transactions AS t ON t.store_id = st.store_id "
        "WHERE st.store_type <> 'Online' AND st.closing_date IS NULL "
        "AND st.opening_date < {start} GROUP BY st.store_id, st.state, st.store_size_sqft"
    )
    # a store's share of its state's sales against its share of the state's floor area: the
    # state's own demand (its customers) cancels out
    shares = (
        "SELECT ln((1 + sales) / (sum(1 + sales) OVER (PARTITION BY state))) AS sold, "
        "ln(size / sum(size) OVER (PARTITION BY state)) AS area, "
        f"count(*) OVER (PARTITION BY state) AS k FROM ({in_store}) AS x"
    )
    return [
        metric(
            "stores.sales_by_size",
            "stores",
            "larger stores sell more: corr(ln(store's share of its state's In-Store sales), "
            "ln(its share of the state's floor area)) >= 0.3 over physical stores trading the "
            "whole window in states with two or more (when there are 6 or more)",
            "SELECT CASE WHEN count(*) < 6 THEN 1 ELSE coalesce(corr(sold, area), 0) END "
            f"FROM ({shares}) AS y WHERE k >= 2",
            0.3,
            1.0,
        ),
        _population_pull(params),
        _ramp_up(params),
        metric(
            "stores.online_exists",
            "stores",
            "at least one store has store_type 'Online'",
            "SELECT count(*) FROM {s}.stores WHERE store_type = 'Online'",
            1,
            math.inf,
        ),
        rows(
            "stores.manager_at_store",
            "stores",
            "manager_id is an employee of that store",
            "EXISTS (SELECT 1 FROM {s}.employees AS e "
            "WHERE e.employee_id = t.manager_id AND e.store_id = t.store_id)",
        ),
        rows(
            "stores.real_place",
            "stores",
            "city, state, zip_code, latitude, longitude of one real US place",
            _REAL_PLACE,
        ),
        rows(
            "stores.active_iff_open",
            "stores",
            "is_active iff closing_date is null; a store closes after it opens",
            "is_active = (closing_date IS NULL) AND coalesce(closing_date >= opening_date, true)",
        ),
    ]


def _population_pull(params: RetailParams) -> Check:
    """Traffic follows the local population: ln(In-Store sales per square foot) against
    ln(the store's ZIP code's population), both taken from their means among stores of the
    same state and type (which settles the state's demand and the type's sales density),
    over physical stores trading the whole window. The slope is the configured elasticity,
    within half of it (at least 0.05) plus three standard errors of the slope (few stores
    per state and type leave it noisy)."""
    e = params.stores.population_elasticity
    slack = max(e / 2, 0.05)
    stores = (
        "SELECT st.state, st.store_type AS kind, ln((1 + count(t.transaction_id)) / "
        "st.store_size_sqft) AS density, ln(max(z.population_share)) AS pop "
        f"FROM {{s}}.stores AS st JOIN {PLACES} AS z ON z.zip_code = st.zip_code "
        "LEFT JOIN {s}.transactions AS t ON t.store_id = st.store_id "
        "WHERE st.store_type <> 'Online' AND st.closing_date IS NULL "
        "AND st.opening_date < {start} AND z.population_share > 0 "
        "GROUP BY st.store_id, st.state, st.store_type, st.store_size_sqft"
    )
    centred = (
        "SELECT state, kind, density - avg(density) OVER (PARTITION BY state, kind) AS y, "
        "pop - avg(pop) OVER (PARTITION BY state, kind) AS x, "
        f"count(*) OVER (PARTITION BY state, kind) AS k FROM ({stores}) AS a"
    )
    fit = (
        "SELECT count(*) AS n, count(DISTINCT state || '/' || kind) AS g, var_samp(x) AS vx, "
        "var_samp(y) AS vy, covar_samp(y, x) / nullif(var_samp(x), 0) AS b "
        f"FROM ({centred}) AS c WHERE k >= 2"
    )
    se = "coalesce(sqrt(greatest(vy - b * b * vx, 0) / (greatest(n - g - 1, 1) * vx)), 0)"
    sql = (
        f"SELECT CASE WHEN n < 10 THEN {e!r} ELSE coalesce(b, 0) END AS value, "
        f"{e - slack!r} - 3 * {se} AS low, {e + slack!r} + 3 * {se} AS high FROM ({fit}) AS f"
    )
    return Check(
        "stores.sales_by_population",
        "stores",
        f"traffic follows the ZIP code's population: the slope of ln(In-Store sales per sq ft) "
        f"on ln(ZIP population), within state and store type, is the configured elasticity "
        f"{e:g} +- {slack:g} (plus 3 standard errors) over physical stores trading the whole "
        "window (when 10 or more share a state and type with another)",
        sql,
    )


def _ramp_up(params: RetailParams) -> Check:
    """New stores ramp up: In-Store sales in a new store's first third of its ramp against
    the same number of days once it has reached full traffic, pooled over the stores opened
    inside the window that traded both spans (seasons and weekdays average out over their
    opening dates). The ramp's own average over that first third, halfway to 1, is the bound,
    with three standard errors of the ratio's sampling noise on top."""
    p = params.stores
    span = max(p.ramp_days // 3, 1)
    expected = p.ramp_start + (1.0 - p.ramp_start) * span / 2 / p.ramp_days
    at_most = round((1.0 + expected) / 2, 3)
    age = "date_diff('day', n.opening_date, CAST(t.transaction_date AS DATE))"
    sql = (
        "WITH n AS (SELECT store_id, opening_date FROM {s}.stores "
        "WHERE store_type <> 'Online' AND opening_date >= {start} "
        f"AND date_diff('day', opening_date, coalesce(closing_date, {{end}})) >= "
        f"{p.ramp_days + span} AND date_diff('day', opening_date, {{end}}) >= "
        f"{p.ramp_days + span}), "
        f"x AS (SELECT {age} AS age FROM {{s}}.transactions AS t "
        "JOIN n ON n.store_id = t.store_id), "
        f"c AS (SELECT count(CASE WHEN age < {span} THEN 1 END) AS k, "
        f"count(CASE WHEN age >= {p.ramp_days} AND age < {p.ramp_days + span} THEN 1 END) "
        "AS l FROM x) "
        "SELECT CASE WHEN k + l = 0 THEN 0.0 ELSE CAST(k AS DOUBLE) / greatest(l, 1) END "
        f"AS value, CAST(0 AS DOUBLE) AS low, {at_most!r} * exp(3 * sqrt(1.0 / greatest(k, 1) "
        "+ 1.0 / greatest(l, 1))) AS high FROM c"
    )
    return Check(
        "stores.new_stores_ramp_up",
        "stores",
        f"a store opened in the window sells less while it ramps up: In-Store sales in its "
        f"first {span} days <= {at_most:g} x those of days {p.ramp_days}-"
        f"{p.ramp_days + span - 1} after opening (the configured ramp from {p.ramp_start:g} "
        f"averages {expected:.2f} there; plus 3 standard errors), pooled over new stores that "
        "traded both spans",
        sql,
    )


def _employees() -> list[Check]:
    heads = (
        "SELECT st.store_size_sqft AS size, count(*) AS staff FROM {s}.employees AS e "
        "JOIN {s}.stores AS st ON st.store_id = e.store_id WHERE st.store_type <> 'Online' "
        "GROUP BY st.store_id, st.store_size_sqft"
    )
    return [
        metric(
            "employees.head_count_by_size",
            "employees",
            "head count follows floor area: the rank correlation of employees of a physical "
            "store and store_size_sqft >= 0.8 (when there are 10 or more such stores; ranks, "
            "because head counts are small whole numbers: 2, 2, 3, 3 over rising areas is a "
            "perfect order but a staircase to a linear correlation)",
            "SELECT CASE WHEN count(*) < 10 THEN 1 ELSE coalesce(corr(rs, rz), 0) END FROM ("
            "SELECT rank() OVER (ORDER BY staff) + (count(*) OVER (PARTITION BY staff) - 1) / 2.0 "
            "AS rs, rank() OVER (ORDER BY size) + (count(*) OVER (PARTITION BY size) - 1) / 2.0 "
            f"AS rz FROM ({heads}) AS x) AS r",
            0.8,
            1.0,
        ),
        violations(
            "employees.left_closed_store",
            "employees",
            "everyone at a closed store left by its closing_date",
            "SELECT count(*) FROM {s}.employees AS e JOIN {s}.stores AS st "
            "ON st.store_id = e.store_id WHERE st.closing_date IS NOT NULL "
            "AND NOT coalesce(e.termination_date <= st.closing_date, false)",
        ),
        violations(
            "employees.hierarchy_forest",
            "employees",
            "following manager_id from any employee reaches a root (no cycles)",
            "WITH RECURSIVE reach(id) AS ("
            "SELECT employee_id FROM {s}.employees WHERE manager_id IS NULL "
            "UNION SELECT e.employee_id FROM {s}.employees AS e "
            "JOIN reach AS r ON e.manager_id = r.id) "
            "SELECT (SELECT count(*) FROM {s}.employees) - (SELECT count(DISTINCT id) FROM reach)",
        ),
        violations(
            "employees.manager_hired_first",
            "employees",
            "a manager's hire_date is on or before the report's",
            "SELECT count(*) FROM {s}.employees AS e JOIN {s}.employees AS m "
            "ON m.employee_id = e.manager_id WHERE NOT coalesce(m.hire_date <= e.hire_date, false)",
        ),
        metric(
            "employees.salary_by_position",
            "employees",
            "average salary: Store Manager > Assistant Store Manager > Sales Associate "
            "(smallest ratio of the two > 1.05)",
            "SELECT least(sm / asm, asm / sa) FROM (SELECT "
            "avg(salary) FILTER (WHERE position = 'Store Manager') AS sm, "
            "avg(salary) FILTER (WHERE position = 'Assistant Store Manager') AS asm, "
            "avg(salary) FILTER (WHERE position = 'Sales Associate') AS sa FROM {s}.employees)",
            1.05,
            math.inf,
        ),
        rows(
            "employees.terminated_iff_inactive",
            "employees",
            "termination_date is null iff is_active",
            "is_active = (termination_date IS NULL)",
        ),
        rows(
            "employees.terminated_after_hire",
            "employees",
            "termination_date, when set, is on or after hire_date",
            "termination_date IS NULL OR termination_date >= hire_date",
        ),
    ]


def _suppliers() -> list[Check]:
    return [
        rows(
            "suppliers.contract_order",
            "suppliers",
            "contract_start < contract_end",
            "contract_start < contract_end",
        ),
    ]


STATUSES = ("Completed", "Pending", "Cancelled", "Returned")


def _transactions(params: RetailParams) -> list[Check]:
    hours = _normalised(params.calendar.store_hours)
    segments = params.segments
    frequency, frequency_order = _ordered(
        "SELECT c.seg, coalesce(x.sales, 0) / c.customers AS m "
        "FROM ({customers_by_segment}) AS c LEFT JOIN ({by_segment}) AS x ON x.seg = c.seg",
        {k: s.purchase_frequency for k, s in segments.items() if s.share > 0},
    )
    basket, basket_order = _ordered(
        "SELECT seg, basket AS m FROM ({by_segment}) AS b",
        {k: s.basket_mean for k, s in segments.items() if s.share > 0},
    )
    items_per_sale = (
        "SELECT transaction_id, count(*) AS lines, sum(line_total) AS total, "
        "sum(quantity * unit_price) AS subtotal, sum(discount_amount) AS discount, "
        "sum(tax_amount) AS tax FROM {s}.transaction_items GROUP BY transaction_id"
    )
    by_segment = (
        "SELECT c.customer_segment AS seg, count(*) AS sales, avg(t.item_count) AS basket "
        "FROM {s}.transactions AS t JOIN {s}.customers AS c ON c.customer_id = t.customer_id "
        "GROUP BY 1"
    )
    customers_by_segment = (
        "SELECT customer_segment AS seg, count(*) AS customers FROM {s}.customers GROUP BY 1"
    )
    frequency = frequency.replace("{customers_by_segment}", customers_by_segment)
    frequency = frequency.replace("{by_segment}", by_segment)
    basket = basket.replace("{by_segment}", by_segment + " HAVING count(*) >= 30")
    return [
        rows(
            "transactions.status_values",
            "transactions",
            "transaction_status is Completed, Pending, Cancelled or Returned",
            f"transaction_status IN ({quoted(STATUSES)})",
        ),
        rows(
            "transactions.in_window",
            "transactions",
            "transaction_date is inside the history window",
            f"{DAY} BETWEEN {{start}} AND {{end}}",
        ),
        violations(
            "transactions.after_registration",
            "transactions",
            "no sale before the customer's registration_date",
            "SELECT count(*) FROM {s}.transactions AS t JOIN {s}.customers AS c "
            f"ON c.customer_id = t.customer_id WHERE NOT coalesce({DAY} >= c.registration_date, "
            "false)",
        ),
        violations(
            "transactions.store_open",
            "transactions",
            "no sale before the store's opening_date nor after its closing_date",
            "SELECT count(*) FROM {s}.transactions AS t JOIN {s}.stores AS st "
            f"ON st.store_id = t.store_id WHERE NOT coalesce({DAY} >= st.opening_date "
            f"AND (st.closing_date IS NULL OR {DAY} <= st.closing_date), false)",
        ),
        violations(
            "transactions.employee_at_store",
            "transactions",
            "employee_id is null for Online stores, else someone employed at that store that day",
            "SELECT count(*) FROM {s}.transactions AS t JOIN {s}.stores AS st "
            "ON st.store_id = t.store_id LEFT JOIN {s}.employees AS e "
            "ON e.employee_id = t.employee_id WHERE NOT coalesce(CASE "
            "WHEN st.store_type = 'Online' THEN t.employee_id IS NULL "
            f"ELSE e.store_id = t.store_id AND e.hire_date <= {DAY} "
            f"AND (e.termination_date IS NULL OR {DAY} <= e.termination_date) END, false)",
        ),
        violations(
            "transactions.channel_matches_store",
            "transactions",
            "channel is Online at Online stores and In-Store elsewhere",
            "SELECT count(*) FROM {s}.transactions AS t JOIN {s}.stores AS st "
            "ON st.store_id = t.store_id WHERE NOT coalesce(t.channel = CASE "
            "WHEN st.store_type = 'Online' THEN 'Online' ELSE 'In-Store' END, false)",
        ),
        violations(
            "transactions.campaign_active",
            "transactions",
            "campaign_id is null or a campaign running on the sale's date",
            "SELECT count(*) FROM {s}.transactions AS t LEFT JOIN {s}.marketing_campaigns AS c "
            "ON c.campaign_id = t.campaign_id WHERE t.campaign_id IS NOT NULL "
            f"AND NOT coalesce({DAY} BETWEEN c.start_date AND c.end_date, false)",
        ),
        rows(
            "transactions.total_formula",
            "transactions",
            "total_amount = subtotal - discount_amount + tax_amount",
            "total_amount = subtotal - discount_amount + tax_amount",
        ),
        violations(
            "transactions.total_equals_items",
            "transactions",
            "total_amount = sum of its items' line_total and item_count = its number of lines",
            f"SELECT count(*) FROM {{s}}.transactions AS t LEFT JOIN ({items_per_sale}) AS i "
            "ON i.transaction_id = t.transaction_id "
            "WHERE NOT coalesce(t.total_amount = i.total AND t.item_count = i.lines, false)",
        ),
        violations(
            "transactions.sums_of_items",
            "transactions",
            "subtotal, discount_amount and tax_amount are the sums over its items",
            f"SELECT count(*) FROM {{s}}.transactions AS t LEFT JOIN ({items_per_sale}) AS i "
            "ON i.transaction_id = t.transaction_id WHERE NOT coalesce(t.subtotal = i.subtotal "
            "AND t.discount_amount = i.discount AND t.tax_amount = i.tax, false)",
        ),
        follows(
            "transactions.peak_hours",
            "transactions",
            "In-Store sales by hour follow the store hours of the calendar (peaks 10-14h and "
            "18-20h by default): total variation distance <= 0.02 + 0.6 * sum(sqrt(share)) "
            "/ sqrt(n)",
            "SELECT hour(transaction_date) AS label, count(*) AS k FROM {s}.transactions "
            "WHERE channel = 'In-Store' GROUP BY 1",
            hours,
        ),
        calendar_effect("transactions.weekend_effect", "weekend", "isodow(day) >= 6", params),
        calendar_effect("transactions.high_season", "season", "month(day) >= 11", params),
        metric(
            "transactions.segment_frequency",
            "transactions",
            f"sales per customer in the order of purchase_frequency ({frequency_order}): each "
            f"segment >= {ORDERED_STEP} x the next where configured >= {ORDERED_FROM} x",
            frequency,
            ORDERED_STEP,
            math.inf,
        ),
        Check(
            "transactions.segment_basket",
            "transactions",
            f"average item_count in the order of basket_mean ({basket_order}): each segment "
            f">= {ORDERED_STEP} x the next where configured >= {ORDERED_FROM} x (segments "
            "with 30 sales or more), less 3 standard errors of the ratio (item counts vary by "
            "about 0.8 of their mean; a small warehouse is held only to the order not being "
            "reversed)",
            f"SELECT ({basket}) AS value, {ORDERED_STEP!r} * exp(-3 * 0.8 * "
            "sqrt(2.0 / greatest(min(sales), 1))) AS low, 'inf'::DOUBLE AS high "
            f"FROM ({by_segment}) AS x WHERE sales >= 30",
        ),
        metric(
            "transactions.single_line_most_common",
            "transactions",
            "one line is the most common basket: share of 1-line sales minus the share of the "
            "next most common item_count >= 0",
            "SELECT coalesce(max(n) FILTER (WHERE item_count = 1), 0) - "
            "coalesce(max(n) FILTER (WHERE item_count <> 1), 0) FROM (SELECT item_count, "
            "count(*) / sum(count(*)) OVER () AS n FROM {s}.transactions GROUP BY item_count) AS x",
            0.0,
            1.0,
        ),
        *_checkout(params),
        metric(
            "transactions.home_state",
            "transactions",
            "share of In-Store sales at a store in the customer's own state >= 0.9",
            "SELECT avg(CASE WHEN st.state = c.state THEN 1.0 ELSE 0.0 END) "
            "FROM {s}.transactions AS t JOIN {s}.stores AS st ON st.store_id = t.store_id "
            "JOIN {s}.customers AS c ON c.customer_id = t.customer_id "
            "WHERE t.channel = 'In-Store'",
            0.9,
            1.0,
        ),
    ]


def _checkout(params: RetailParams) -> list[Check]:
    """Who rings up in-store sales, by the positions' configured checkout weights: the two
    positions of largest share x weight, and the managers."""
    p = params.employees
    weight = {k: x.share * x.checkout for k, x in p.positions.items()}
    top = sorted(weight, key=lambda k: -weight[k])[:2]
    top_share = sum(weight[k] for k in top) / max(sum(weight.values()), 1e-12)
    staff_most = max(x.checkout for x in p.positions.values())
    # held to "most sales" only where the configuration gives them a clear majority
    at_least = 0.5 if top_share >= 0.6 else 0.0
    managers = max(p.manager_checkout, p.assistant_checkout)
    at_most = 0.25 if managers <= staff_most / 2 else 1.0
    shares = (
        "SELECT e.position AS position, count(*) / sum(count(*)) OVER () AS n "
        "FROM {s}.transactions AS t JOIN {s}.employees AS e ON e.employee_id = t.employee_id "
        "WHERE t.channel = 'In-Store' GROUP BY e.position"
    )
    return [
        metric(
            "transactions.checkout_staff",
            "transactions",
            f"{' and '.join(top)} (largest configured share x checkout weight) ring up >= "
            f"{at_least:g} of In-Store sales",
            f"SELECT coalesce(sum(n) FILTER (WHERE position IN ({quoted(top)})), 0) "
            f"FROM ({shares}) AS x",
            at_least,
            1.0,
        ),
        metric(
            "transactions.checkout_managers",
            "transactions",
            f"store managers and assistants ring up <= {at_most:g} of In-Store sales (their "
            "checkout weights are at most half the staff's largest)",
            "SELECT coalesce(sum(n) FILTER (WHERE position IN ('Store Manager', "
            f"'Assistant Store Manager')), 0) FROM ({shares}) AS x",
            0.0,
            at_most,
        ),
    ]


def _geometric_capped_mean(p: float, cap: int) -> float:
    """Mean of a geometric count (failures before a success of chance p) truncated to
    0..cap."""
    weights = [(1.0 - p) ** k for k in range(cap + 1)]
    return sum(k * w for k, w in enumerate(weights)) / sum(weights)


def expected_lines(params: RetailParams) -> float:
    """Mean lines per sale: each segment's capped basket, weighted by its share of sales."""
    most = params.sales.max_items
    weights = {k: s.share * s.purchase_frequency for k, s in params.segments.items()}
    means = {
        k: 1 + _geometric_capped_mean(1.0 / s.basket_mean, most - 1)
        for k, s in params.segments.items()
    }
    return sum(weights[k] * means[k] for k in weights) / sum(weights.values())


def _transaction_items(params: RetailParams) -> list[Check]:
    most = params.sales.max_items
    lines_mean = expected_lines(params)
    lines = (
        "SELECT t.transaction_id, coalesce(i.lines, 0) AS lines FROM {s}.transactions AS t "
        "LEFT JOIN (SELECT transaction_id, count(*) AS lines FROM {s}.transaction_items "
        "GROUP BY 1) AS i ON i.transaction_id = t.transaction_id"
    )
    return [
        rows(
            "transaction_items.line_numbers",
            "transaction_items",
            "line_number is 1..number of lines of the sale",
            "line_number BETWEEN 1 AND (SELECT count(*) FROM {s}.transaction_items AS o "
            "WHERE o.transaction_id = t.transaction_id)",
        ),
        violations(
            "transaction_items.lines_per_transaction",
            "transaction_items",
            f"every sale has 1 to {most} lines (sales.max_items)",
            f"SELECT count(*) FROM ({lines}) WHERE NOT (lines BETWEEN 1 AND {most})",
        ),
        metric(
            "transaction_items.lines_mean",
            "transaction_items",
            f"mean lines per sale is within 25% of {lines_mean:.2f}, the segments' basket_mean "
            "weighted by their sales",
            f"SELECT avg(lines) FROM ({lines})",
            round(0.75 * lines_mean, 3),
            round(1.25 * lines_mean, 3),
        ),
        violations(
            "transaction_items.product_price",
            "transaction_items",
            "unit_price is the product's unit_price",
            "SELECT count(*) FROM {s}.transaction_items AS i JOIN {s}.products AS p "
            "ON p.product_id = i.product_id WHERE NOT coalesce(i.unit_price = p.unit_price, false)",
        ),
        violations(
            "transaction_items.product_launched",
            "transaction_items",
            "the product's launch_date is on or before the sale's date",
            "SELECT count(*) FROM {s}.transaction_items AS i JOIN {s}.products AS p "
            "ON p.product_id = i.product_id JOIN {s}.transactions AS t "
            f"ON t.transaction_id = i.transaction_id WHERE NOT coalesce(p.launch_date <= {DAY}, "
            "false)",
        ),
        rows(
            "transaction_items.line_total_formula",
            "transaction_items",
            "line_total = quantity * unit_price - discount_amount + tax_amount",
            "line_total = quantity * unit_price - discount_amount + tax_amount",
        ),
        *_popularity(params),
        _quantities(params),
        violations(
            "transaction_items.not_after_discontinued",
            "transaction_items",
            "no sale of a product after its discontinued_date",
            "SELECT count(*) FROM {s}.transaction_items AS i JOIN {s}.products AS p "
            "ON p.product_id = i.product_id JOIN {s}.transactions AS t "
            f"ON t.transaction_id = i.transaction_id WHERE {DAY} > p.discontinued_date",
        ),
        violations(
            "transaction_items.from_stock",
            "transaction_items",
            "every line's product is carried by the sale's store (online: its fulfilment "
            "centre): an inventory row of that (product_id, store_id)",
            "SELECT count(*) FROM {s}.transaction_items AS i JOIN {s}.transactions AS t "
            "ON t.transaction_id = i.transaction_id LEFT JOIN {s}.inventory AS v "
            "ON v.product_id = i.product_id AND v.store_id = t.store_id "
            "WHERE v.inventory_id IS NULL",
        ),
        violations(
            "transaction_items.supplier_under_contract",
            "transaction_items",
            "the product's supplier was under contract on the sale's date",
            "SELECT count(*) FROM {s}.transaction_items AS i JOIN {s}.transactions AS t "
            "ON t.transaction_id = i.transaction_id JOIN {s}.products AS p "
            "ON p.product_id = i.product_id JOIN {s}.suppliers AS x "
            f"ON x.supplier_id = p.supplier_id WHERE NOT coalesce({DAY} BETWEEN "
            "x.contract_start AND x.contract_end, false)",
        ),
    ]


def _zipf_share(params: RetailParams, first: str, last: str) -> str:
    """SQL: the share of popularity ranks [first, last) (SQL expressions of n, the number of
    products) under the products' Zipf-Mandelbrot law (`popularity_skew`, `_offset`)."""
    p = params.products
    a, o = 1.0 - p.popularity_skew, 1.0 + p.popularity_offset

    def term(x: str) -> str:
        return f"ln({o!r} + {x})" if abs(a) < 1e-9 else f"power({o!r} + {x}, {a!r})"

    return f"(({term(last)}) - ({term(first)})) / (({term('n')}) - ({term('0')}))"


def _popularity(params: RetailParams) -> list[Check]:
    """The long tail and its flat head, bounded by the configured popularity law: the most
    sold product's share of sales at most max(5%, 3 x what the law gives the top rank x lines
    per sale); the top 20% of products' share of units at least halfway from a flat 20% to
    the law's share of the top 20% of ranks (best sellers are in more stores than the law
    alone says, so the data run above the law)."""
    lines = expected_lines(params)
    top = _zipf_share(params, "0", "1")
    head = _zipf_share(params, "0", "floor(0.2 * n)")
    per_product = (
        "SELECT p.product_id, count(DISTINCT i.transaction_id) AS sales, "
        "coalesce(sum(i.quantity), 0) AS units FROM {s}.products AS p "
        "LEFT JOIN {s}.transaction_items AS i ON i.product_id = p.product_id GROUP BY p.product_id"
    )
    n = "SELECT count(*) AS n FROM {s}.products"
    ranked = (
        "SELECT units, row_number() OVER (ORDER BY units DESC) AS k, count(*) OVER () AS n "
        f"FROM ({per_product}) AS x"
    )
    head_share = (
        "SELECT sum(units) FILTER (WHERE k <= floor(0.2 * n)) / greatest(sum(units), 1) "
        f"AS value, max(n) AS n FROM ({ranked}) AS r"
    )
    return [
        Check(
            "transaction_items.product_share",
            "transaction_items",
            "no product is in more than a few percent of sales: the most sold product's share "
            f"of sales <= max(5%, 3 x the popularity law's top rank x {lines:.2f} lines)",
            f"SELECT (SELECT max(sales) FROM ({per_product}) AS x) / "
            "greatest((SELECT count(*) FROM {s}.transactions), 1) AS value, 0.0 AS low, "
            f"greatest(0.05, 3 * {lines!r} * {top}) AS high FROM ({n}) AS c",
        ),
        Check(
            "transaction_items.long_tail",
            "transaction_items",
            "a long tail: the top 20% of products sell a share of units >= halfway from a flat "
            "0.2 to the popularity law's share of the top 20% of ranks",
            f"SELECT value, 0.2 + 0.5 * ({head} - 0.2) AS low, 1.0 AS high "
            f"FROM ({head_share}) AS h",
        ),
    ]


def _quantities(params: RetailParams) -> Check:
    """Units per line by product type: lines of multi-unit types (catalogue units >= 1.5)
    average more units than single-unit types' lines, by at least half the catalogue's
    difference."""
    c = catalog()
    cap = params.sales.max_quantity - 1
    mean = [1 + _geometric_capped_mean(1.0 / float(u), cap) for u in c.units]
    multi = [k for k, u in enumerate(c.units) if u >= 1.5]
    single = [k for k, u in enumerate(c.units) if u < 1.5]
    names = c.types.to_pylist()
    # the catalogue's own ratio of the two groups' mean units, their types equally weighted
    ratio = (sum(mean[k] for k in multi) / max(len(multi), 1)) / max(
        sum(mean[k] for k in single) / max(len(single), 1), 1e-9
    )
    at_least = round(1 + (ratio - 1) / 2, 3) if multi and single else 0.0
    return Check(
        "transaction_items.quantity_by_type",
        "transaction_items",
        f"several of a consumable, one TV: average quantity on lines of multi-unit types "
        f"(catalogue units >= 1.5) >= {at_least:g} x that of the other types' lines, less 3 "
        "standard errors of the ratio (quantities vary by about 0.8 of their mean)",
        f"SELECT coalesce(avg(quantity) FILTER (WHERE multi) / avg(quantity) FILTER (WHERE NOT "
        f"multi), {at_least!r}) AS value, {at_least!r} * exp(-3 * 0.8 * sqrt(1.0 / "
        "greatest(count(*) FILTER (WHERE multi), 1) + 1.0 / greatest(count(*) FILTER (WHERE "
        "NOT multi), 1))) AS low, 'inf'::DOUBLE AS high FROM (SELECT i.quantity, "
        f"p.product_type IN ({quoted(names[k] for k in multi) or 'NULL'}) AS multi "
        "FROM {s}.transaction_items AS i JOIN {s}.products AS p ON p.product_id = i.product_id) "
        "AS x",
    )


def _inventory() -> list[Check]:
    sold = (
        "SELECT i.product_id, t.store_id, sum(i.quantity) AS units FROM {s}.transaction_items AS i "
        "JOIN {s}.transactions AS t ON t.transaction_id = i.transaction_id GROUP BY 1, 2"
    )
    stock = (
        "SELECT v.*, coalesce(x.units, 0) AS units, st.store_type, st.store_size_sqft, "
        "st.closing_date FROM {s}.inventory AS v JOIN {s}.stores AS st "
        f"ON st.store_id = v.store_id LEFT JOIN ({sold}) AS x "
        "ON x.product_id = v.product_id AND x.store_id = v.store_id"
    )
    assortment = (
        "SELECT store_size_sqft AS size, count(*) AS products FROM ({stock}) AS v "
        "WHERE store_type <> 'Online' GROUP BY store_id, store_size_sqft"
    ).replace("{stock}", stock)
    return [
        rows(
            "inventory.closed_store_empty",
            "inventory",
            "closed stores hold no stock",
            "quantity_on_hand = 0 OR NOT EXISTS (SELECT 1 FROM {s}.stores AS st "
            "WHERE st.store_id = t.store_id AND st.closing_date IS NOT NULL)",
        ),
        metric(
            "inventory.stock_follows_sales",
            "inventory",
            "stock on hand follows sales velocity (days of supply): corr(ln(1 + on_hand), "
            "ln(1 + units sold of the pair)) >= 0.3 over stocked pairs of open stores",
            "SELECT coalesce(corr(ln(1 + quantity_on_hand), ln(1 + units)), 0) "
            f"FROM ({stock}) AS v WHERE closing_date IS NULL AND NOT stockout_flag",
            0.3,
            1.0,
        ),
        metric(
            "inventory.reorder_by_lead_time",
            "inventory",
            "reorder points cover the supplier's lead time: corr(reorder_point / "
            "reorder_quantity, lead_time_days) >= 0.8 over pairs reordered 20+ at a time",
            "SELECT coalesce(corr(v.reorder_point / v.reorder_quantity, x.lead_time_days), 1) "
            "FROM {s}.inventory AS v JOIN {s}.products AS p ON p.product_id = v.product_id "
            "JOIN {s}.suppliers AS x ON x.supplier_id = p.supplier_id "
            "WHERE v.reorder_quantity >= 20",
            0.8,
            1.0,
        ),
        metric(
            "inventory.stockouts_hit_fast_sellers",
            "inventory",
            "stockouts hit fast sellers: units sold of out-of-stock pairs of open stores "
            "average >= the others' (when 20 or more are out of stock)",
            "SELECT CASE WHEN count(*) FILTER (WHERE stockout_flag) < 20 THEN 1 ELSE "
            "avg(units) FILTER (WHERE stockout_flag) / greatest(avg(units) FILTER (WHERE NOT "
            f"stockout_flag), 1e-9) END FROM ({stock}) AS v WHERE closing_date IS NULL",
            1.0,
            math.inf,
        ),
        metric(
            "inventory.assortment_by_size",
            "inventory",
            "larger stores carry more products: corr(products of a physical store, "
            "store_size_sqft) >= 0.8 (when there are 10 or more such stores)",
            f"SELECT CASE WHEN count(*) < 10 THEN 1 ELSE coalesce(corr(products, size), 0) END "
            f"FROM ({assortment}) AS x",
            0.8,
            1.0,
        ),
        unique_key("inventory", ("product_id", "store_id")),
        rows(
            "inventory.reserved_range",
            "inventory",
            "0 <= quantity_reserved <= quantity_on_hand",
            "0 <= quantity_reserved AND quantity_reserved <= quantity_on_hand",
        ),
        rows(
            "inventory.available_formula",
            "inventory",
            "quantity_available = quantity_on_hand - quantity_reserved",
            "quantity_available = quantity_on_hand - quantity_reserved",
        ),
        rows(
            "inventory.stockout_flag",
            "inventory",
            "stockout_flag iff quantity_on_hand = 0",
            "stockout_flag = (quantity_on_hand = 0)",
        ),
        violations(
            "inventory.counted_after_launch",
            "inventory",
            "last_count_date is on or after the product's launch_date and not after the window",
            "SELECT count(*) FROM {s}.inventory AS i JOIN {s}.products AS p "
            "ON p.product_id = i.product_id WHERE NOT coalesce(i.last_count_date "
            "BETWEEN p.launch_date AND {end}, false)",
        ),
    ]


EVENT_TYPES = (
    "page_view",
    "product_view",
    "search",
    "add_to_cart",
    "remove_from_cart",
    "checkout_start",
    "purchase",
)


def _behavior(params: RetailParams) -> list[Check]:
    before = "OVER (PARTITION BY session_id ORDER BY event_id ROWS BETWEEN UNBOUNDED PRECEDING "
    before += "AND 1 PRECEDING)"
    return [
        rows(
            "customer_behavior.event_type_values",
            "customer_behavior",
            "event_type is one of the seven funnel event types",
            f"event_type IN ({quoted(EVENT_TYPES)})",
        ),
        violations(
            "customer_behavior.time_ordered",
            "customer_behavior",
            "events of a session are time-ordered (in event_id order)",
            "SELECT count(*) FROM (SELECT event_timestamp, lag(event_timestamp) OVER "
            "(PARTITION BY session_id ORDER BY event_id) AS prev FROM {s}.customer_behavior) "
            "WHERE prev > event_timestamp",
        ),
        violations(
            "customer_behavior.funnel",
            "customer_behavior",
            "no purchase without an earlier checkout_start; no checkout_start or "
            "remove_from_cart without an earlier add_to_cart",
            "SELECT count(*) FROM (SELECT event_type, "
            f"coalesce(sum(CASE WHEN event_type = 'add_to_cart' THEN 1 END) {before}, 0) AS adds, "
            f"coalesce(sum(CASE WHEN event_type = 'checkout_start' THEN 1 END) {before}, 0) "
            "AS checkouts FROM {s}.customer_behavior) "
            "WHERE (event_type = 'purchase' AND checkouts = 0) "
            "OR (event_type IN ('checkout_start', 'remove_from_cart') AND adds = 0)",
        ),
        violations(
            "customer_behavior.after_registration",
            "customer_behavior",
            "no event before the customer's registration_date",
            "SELECT count(*) FROM {s}.customer_behavior AS b JOIN {s}.customers AS c "
            "ON c.customer_id = b.customer_id "
            "WHERE NOT coalesce(CAST(b.event_timestamp AS DATE) >= c.registration_date, false)",
        ),
        rows(
            "customer_behavior.in_window",
            "customer_behavior",
            "event_timestamp is inside the history window",
            "CAST(event_timestamp AS DATE) BETWEEN {start} AND {end}",
        ),
        rows(
            "customer_behavior.product_events",
            "customer_behavior",
            "product_id is set iff the event is a product_view, add_to_cart or remove_from_cart",
            "(product_id IS NOT NULL) "
            "= (event_type IN ('product_view', 'add_to_cart', 'remove_from_cart'))",
        ),
        violations(
            "customer_behavior.session_customer",
            "customer_behavior",
            "a session belongs to one customer",
            "SELECT count(*) FROM (SELECT session_id FROM {s}.customer_behavior "
            "GROUP BY session_id HAVING count(DISTINCT customer_id) > 1)",
        ),
        violations(
            "customer_behavior.product_launched",
            "customer_behavior",
            "no event about a product before its launch_date",
            "SELECT count(*) FROM {s}.customer_behavior AS b JOIN {s}.products AS p "
            "ON p.product_id = b.product_id "
            "WHERE NOT coalesce(CAST(b.event_timestamp AS DATE) >= p.launch_date, false)",
        ),
        *_funnel(params),
    ]


#: online sales per order slot from which conversion is held to the configured rate (a slot
#: tries sales / slots sales and misses all online ones with a chance of about exp(-PLENTY))
PLENTY = 8
#: a pause longer than this ends a web session (the usual web analytics definition)
SESSION_TIMEOUT_SECONDS = 30 * 60
SESSIONS = (
    "SELECT session_id, count(*) AS events, "
    "count(CASE WHEN event_type = 'purchase' THEN 1 END) AS purchases, "
    "count(CASE WHEN event_type = 'add_to_cart' THEN 1 END) AS adds "
    "FROM {s}.customer_behavior GROUP BY session_id"
)
#: purchase events with the online order of that customer at that time
PURCHASED = (
    "SELECT b.session_id, t.transaction_id FROM {s}.customer_behavior AS b "
    "JOIN {s}.transactions AS t ON t.customer_id = b.customer_id "
    "AND t.transaction_date = b.event_timestamp AND t.channel = 'Online' "
    "WHERE b.event_type = 'purchase'"
)


def share_near(
    name: str,
    description: str,
    sessions: str,
    hit: str,
    expected: float,
    slack: float,
    bounded_below: str = "true",
) -> Check:
    """Distribution: the share of `sessions` (a query) where `hit` holds is within `expected`
    x (1 +- slack), widened by three standard errors of a share of that many sessions; no
    lower bound unless `bounded_below` (an SQL condition) holds. No sessions: nothing to
    judge (the share is taken as expected)."""
    e = float(expected)
    sql = (
        f"WITH x AS ({sessions}), "
        f"v AS (SELECT coalesce(avg(CASE WHEN {hit} THEN 1.0 ELSE 0.0 END), {e!r}) AS value, "
        "CAST(greatest(count(*), 1) AS DOUBLE) AS n FROM x) "
        f"SELECT value, CASE WHEN {bounded_below} "
        f"THEN {e * (1 - slack)!r} - 3 * sqrt({e * (1 - e)!r} / n) ELSE 0 END AS low, "
        f"{e * (1 + slack)!r} + 3 * sqrt({e * (1 - e)!r} / n) AS high FROM v"
    )
    return Check(name, "customer_behavior", description, sql)


def expected_gap(params: RetailParams) -> float:
    """Mean seconds between two events of a session: the log-normal gap with mean
    mean_gap_seconds and spread gap_sigma, cut at the session timeout."""
    b = params.behavior
    cap, sigma = SESSION_TIMEOUT_SECONDS, b.gap_sigma
    if sigma == 0:
        return min(b.mean_gap_seconds, cap)
    mu = math.log(b.mean_gap_seconds) - sigma**2 / 2

    def normal_cdf(x: float) -> float:
        return 0.5 * (1 + math.erf(x / math.sqrt(2)))

    below = normal_cdf((math.log(cap) - mu - sigma**2) / sigma)
    return b.mean_gap_seconds * below + cap * (1 - normal_cdf((math.log(cap) - mu) / sigma))


def _funnel(params: RetailParams) -> list[Check]:
    b = params.behavior
    c = b.conversion_rate
    gap = expected_gap(params)
    previous = "lag(event_timestamp) OVER (PARTITION BY session_id ORDER BY event_id)"
    gaps = (
        f"SELECT date_diff('second', {previous}, event_timestamp) AS gap "
        "FROM {s}.customer_behavior"
    )
    earlier = (
        "EXISTS (SELECT 1 FROM {s}.customer_behavior AS e WHERE e.session_id = b.session_id "
        "AND e.product_id = b.product_id AND e.event_id < b.event_id AND e.event_type = "
    )
    net = "CASE WHEN b.event_type = 'add_to_cart' THEN 1 ELSE -1 END"
    return [
        share_near(
            "customer_behavior.conversion",
            "share of sessions with a purchase is within 10% of conversion_rate "
            f"({c:g}), +- 3 standard errors (only at most that with fewer than {PLENTY} "
            "online sales per order session: online sales < "
            f"{PLENTY} x conversion_rate x sessions)",
            SESSIONS,
            "purchases > 0",
            c,
            0.1,
            "(SELECT count(*) FROM {s}.transactions WHERE channel = 'Online') "
            f">= {PLENTY * c!r} * n",
        ),
        share_near(
            "customer_behavior.bounce",
            f"share of single-event sessions is within 10% of bounce_rate "
            f"({b.bounce_rate:g}), +- 3 standard errors",
            SESSIONS,
            "events = 1",
            b.bounce_rate,
            0.1,
        ),
        share_near(
            "customer_behavior.cart_abandonment",
            "share of sessions with an add_to_cart that end without a purchase is within 10% "
            f"of cart_abandonment ({b.cart_abandonment:g}), +- 3 standard errors",
            f"{SESSIONS} HAVING count(CASE WHEN event_type = 'add_to_cart' THEN 1 END) > 0",
            "purchases = 0",
            b.cart_abandonment,
            0.1,
        ),
        violations(
            "customer_behavior.purchase_is_order",
            "customer_behavior",
            "every purchase event is an Online transaction of that customer at that "
            "event_timestamp, and no transaction has two",
            f"SELECT (SELECT count(*) FROM {{s}}.customer_behavior WHERE event_type = "
            f"'purchase') - (SELECT count(DISTINCT transaction_id) FROM ({PURCHASED}) AS p)",
        ),
        violations(
            "customer_behavior.purchase_is_cart",
            "customer_behavior",
            "the products a purchase session added to cart and did not remove are the lines "
            "of its transaction",
            f"WITH p AS ({PURCHASED}), "
            f"cart AS (SELECT b.session_id, b.product_id, sum({net}) AS n "
            "FROM {s}.customer_behavior AS b JOIN p ON p.session_id = b.session_id "
            "WHERE b.event_type IN ('add_to_cart', 'remove_from_cart') "
            f"GROUP BY b.session_id, b.product_id HAVING sum({net}) <> 0), "
            "bought AS (SELECT p.session_id, i.product_id, count(*) AS n FROM p "
            "JOIN {s}.transaction_items AS i ON i.transaction_id = p.transaction_id "
            "GROUP BY p.session_id, i.product_id) "
            "SELECT count(*) FROM cart FULL OUTER JOIN bought "
            "ON bought.session_id = cart.session_id AND bought.product_id = cart.product_id "
            "WHERE coalesce(cart.n, 0) <> coalesce(bought.n, 0)",
        ),
        violations(
            "customer_behavior.cart_after_view",
            "customer_behavior",
            "a product is added to cart only after a product_view of it in the session, and "
            "removed only after an add_to_cart of it",
            "SELECT count(*) FROM {s}.customer_behavior AS b WHERE "
            f"(b.event_type = 'add_to_cart' AND NOT {earlier}'product_view')) "
            f"OR (b.event_type = 'remove_from_cart' AND NOT {earlier}'add_to_cart'))",
        ),
        rows(
            "customer_behavior.page_urls",
            "customer_behavior",
            "page_url is the page of the event: /product/<its product_id> for product_view and "
            "add_to_cart, /, /category/... or /cart for page_view, /search?q=... for search, "
            "/cart for remove_from_cart, /checkout, /checkout/confirmation",
            "CASE WHEN event_type IN ('product_view', 'add_to_cart') "
            "THEN page_url = '/product/' || product_id "
            "WHEN event_type = 'page_view' THEN page_url IN ('/', '/cart') "
            "OR page_url LIKE '/category/%/%' "
            "WHEN event_type = 'search' THEN page_url LIKE '/search?q=%' "
            "WHEN event_type = 'remove_from_cart' THEN page_url = '/cart' "
            "WHEN event_type = 'checkout_start' THEN page_url = '/checkout' "
            "WHEN event_type = 'purchase' THEN page_url = '/checkout/confirmation' END",
        ),
        violations(
            "customer_behavior.session_timeout",
            "customer_behavior",
            f"consecutive events of a session are at most {SESSION_TIMEOUT_SECONDS // 60} "
            "minutes apart (a longer pause starts another session)",
            f"SELECT count(*) FROM ({gaps}) AS g WHERE gap > {SESSION_TIMEOUT_SECONDS}",
        ),
        Check(
            "customer_behavior.event_gaps",
            "customer_behavior",
            f"mean seconds between consecutive events of a session is within 15% of {gap:.1f} "
            "(mean_gap_seconds, cut at the timeout), +- 3 standard errors",
            f"SELECT avg(gap) AS value, {gap * 0.85!r} - 3 * coalesce(stddev_samp(gap), 0) "
            f"/ sqrt(greatest(count(gap), 1)) AS low, {gap * 1.15!r} + 3 * "
            f"coalesce(stddev_samp(gap), 0) / sqrt(greatest(count(gap), 1)) AS high "
            f"FROM ({gaps}) AS g",
        ),
    ]


def expected_returned_share(params: RetailParams) -> float:
    """Share of sales that end Returned: each channel's share (the segments' online shares,
    weighted by their purchases) x its expected return share."""
    weights = {k: s.share * s.purchase_frequency for k, s in params.segments.items()}
    total = sum(weights.values())
    online = sum(w * params.segments[k].online_share for k, w in weights.items()) / total
    return online * outcomes.expected_returned(params, "Online") + (
        1 - online
    ) * outcomes.expected_returned(params, "In-Store")


def expected_rating(params: RetailParams) -> float:
    """Mean of the 1-5 star rating: the latent normal (rating_mean, less the returned
    purchases' penalty on average; spread of rating and product quality) rounded and
    clipped."""
    r = params.reviews
    returned = expected_returned_share(params) * r.verified_share
    mu = r.rating_mean - r.returned_penalty * returned
    sd = math.hypot(r.rating_sd, r.product_quality_sd)

    def below(x: float) -> float:
        return 0.5 * (1 + math.erf((x - mu) / (sd * math.sqrt(2)))) if sd > 0 else float(mu < x)

    return 1 + sum(1 - below(k + 0.5) for k in range(1, 5))


def _reviews(params: RetailParams) -> list[Check]:
    rating = expected_rating(params)
    sale = (
        "EXISTS (SELECT 1 FROM {s}.transaction_items AS i JOIN {s}.transactions AS x "
        "ON x.transaction_id = i.transaction_id WHERE i.transaction_id = t.transaction_id "
        "AND i.product_id = t.product_id AND x.customer_id = t.customer_id)"
    )
    return [
        rows(
            "product_reviews.rating_range",
            "product_reviews",
            "rating is 1-5",
            "rating BETWEEN 1 AND 5",
        ),
        metric(
            "product_reviews.rating_mean",
            "product_reviews",
            f"mean rating is {rating - 0.3:.2f}-{rating + 0.2:.2f}, about the {rating:.2f} "
            "the configured rating_mean gives",
            "SELECT avg(rating) FROM {s}.product_reviews",
            round(rating - 0.3, 3),
            round(rating + 0.2, 3),
        ),
        violations(
            "product_reviews.rating_shape",
            "product_reviews",
            "ratings are bell-shaped: counts of 1..5 stars rise to one peak, then fall",
            "WITH c AS (SELECT r.rating, count(p.rating) AS n FROM range(1, 6) AS r(rating) "
            "LEFT JOIN {s}.product_reviews AS p ON p.rating = r.rating GROUP BY r.rating), "
            "w AS (SELECT n, lag(n) OVER (ORDER BY rating) AS before, "
            "lead(n) OVER (ORDER BY rating) AS after FROM c) "
            "SELECT count(*) FROM w WHERE n < before AND n < after",
        ),
        rows(
            "product_reviews.verified_iff_sale",
            "product_reviews",
            "verified_purchase iff transaction_id is a sale of that product to that customer",
            f"CASE WHEN verified_purchase THEN {sale} ELSE transaction_id IS NULL END",
        ),
        violations(
            "product_reviews.after_sale",
            "product_reviews",
            "a verified review's review_date is on or after its sale's date",
            "SELECT count(*) FROM {s}.product_reviews AS r JOIN {s}.transactions AS t "
            "ON t.transaction_id = r.transaction_id WHERE r.verified_purchase "
            f"AND NOT coalesce(r.review_date >= {DAY}, false)",
        ),
        rows(
            "product_reviews.helpful_votes",
            "product_reviews",
            "0 <= helpful_count <= total_votes",
            "0 <= helpful_count AND helpful_count <= total_votes",
        ),
        rows(
            "product_reviews.in_window",
            "product_reviews",
            "review_date is inside the history window",
            "review_date BETWEEN {start} AND {end}",
        ),
        violations(
            "product_reviews.after_parents",
            "product_reviews",
            "no review before the customer's registration_date or the product's launch_date",
            "SELECT count(*) FROM {s}.product_reviews AS r "
            "JOIN {s}.customers AS c ON c.customer_id = r.customer_id "
            "JOIN {s}.products AS p ON p.product_id = r.product_id "
            "WHERE NOT coalesce(r.review_date >= c.registration_date "
            "AND r.review_date >= p.launch_date, false)",
        ),
        *_review_words(),
    ]


#: words only reviews of one category use (a battery is electronics', sizing clothing's, ...)
TOPICS = {
    "Electronics": ("battery", "screen", "bluetooth", "charging"),
    "Clothing": ("sizing", "fabric", "stitching"),
    "Home & Garden": ("assembly",),
    "Books": ("binding", "pages", "chapter", "recipe"),
    "Sports": ("workout", "grip"),
    "Beauty": ("scent", "skin"),
}
#: distinct review texts and titles expected: up to this many, or this share of the reviews
VARIETY = {"review_text": (500, 0.5), "review_title": (100, 0.1)}


def _variety(column: str) -> Check:
    most, share = VARIETY[column]
    return Check(
        f"product_reviews.{column.removeprefix('review_')}_variety",
        "product_reviews",
        f"at least min({most}, {share:g} x reviews) distinct {column}s",
        f"SELECT count(DISTINCT {column}) AS value, "
        f"least({most}, {share!r} * count(*)) AS low, 'inf'::DOUBLE AS high "
        "FROM {s}.product_reviews",
    )


def _review_words() -> list[Check]:
    words = ", ".join(f"('{w}', '{c}')" for c, ws in TOPICS.items() for w in ws)
    listed = "; ".join(f"{c}: {', '.join(ws)}" for c, ws in TOPICS.items())
    return [
        _variety("review_text"),
        _variety("review_title"),
        violations(
            "product_reviews.topics_fit",
            "product_reviews",
            f"a review talks about what its product's category has ({listed})",
            f"WITH w AS (SELECT * FROM (VALUES {words}) AS w(word, category)) "
            "SELECT count(*) FROM {s}.product_reviews AS r "
            "JOIN {s}.products AS p ON p.product_id = r.product_id JOIN w "
            "ON lower(r.review_title || ' ' || r.review_text) LIKE '%' || w.word || '%' "
            "WHERE p.category <> w.category",
        ),
        violations(
            "product_reviews.returns_mentioned",
            "product_reviews",
            "a review that says the product was returned is a verified review of a Returned sale",
            "SELECT count(*) FROM {s}.product_reviews AS r "
            "WHERE lower(r.review_text) LIKE '%returned%' AND NOT coalesce(r.verified_purchase "
            "AND EXISTS (SELECT 1 FROM {s}.transactions AS t WHERE t.transaction_id = "
            "r.transaction_id AND t.transaction_status = 'Returned'), false)",
        ),
    ]


def _campaigns() -> list[Check]:
    def agrees(column: str, numerator: str, denominator: str) -> str:
        return (
            f"CASE WHEN {denominator} = 0 THEN {column} IS NULL "
            f"ELSE abs({column} - CAST({numerator} AS DOUBLE) / CAST({denominator} AS DOUBLE)) "
            "< 1e-6 END"
        )

    return [
        rows(
            "marketing_campaigns.date_order",
            "marketing_campaigns",
            "start_date <= end_date",
            "start_date <= end_date",
        ),
        rows(
            "marketing_campaigns.count_funnel",
            "marketing_campaigns",
            "impressions >= clicks >= conversions >= 0",
            "impressions >= clicks AND clicks >= conversions AND conversions >= 0",
        ),
        rows(
            "marketing_campaigns.rates_agree",
            "marketing_campaigns",
            "ctr, conversion_rate and roi (on margin_generated) equal their ratios (1e-6), null "
            "iff the denominator is 0",
            " AND ".join(
                [
                    agrees("ctr", "clicks", "impressions"),
                    agrees("conversion_rate", "conversions", "clicks"),
                    agrees("roi", "margin_generated - actual_spend", "actual_spend"),
                ]
            ),
        ),
        rows(
            "marketing_campaigns.status_by_dates",
            "marketing_campaigns",
            "status as of the window's end: Completed if ended before it, Planned if starting "
            "after it (no spend yet), else Active",
            "status = CASE WHEN end_date < {end} THEN 'Completed' "
            "WHEN start_date > {end} THEN 'Planned' ELSE 'Active' END "
            "AND (status <> 'Planned' OR actual_spend = 0)",
        ),
    ]


def checks(params: RetailParams) -> list[Check]:
    """Every behaviour check of retail_analytics, table by table."""
    return [
        *_customers(params),
        *_products(params),
        *_stores(params),
        *_employees(),
        *_suppliers(),
        *_transactions(params),
        *_transaction_items(params),
        *_inventory(),
        *_behavior(params),
        *_reviews(params),
        *_campaigns(),
        *customers.checks(params),
        *marketing.checks(params),
        *outcomes.checks(params),
    ]
