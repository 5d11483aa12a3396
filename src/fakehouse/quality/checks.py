"""Every promise of the table contract (docs: SCHEMA.md) as a named check with a tolerance.

A check is one DuckDB query returning exactly one row `(value, low, high)`; it passes iff
`low <= value <= high`. Invariants count the rows that break them and expect `(n, 0, 0)`
with n = 0; distributions return a metric and the bounds it must fall in. Queries name the
warehouse schema `{s}` and the history window's first and last day `{start}` / `{end}`
(substituted as DATE literals such as `DATE '2023-01-01'`), and may read two reference
relations registered by `run`: `ref_places` (zip_code, city, state, latitude, longitude: the
real US places addresses come from) and `ref_states` (code, share: population share).

`validate(warehouse)` reads the warehouse's manifest for its domains and window and runs the
checks of every domain on the read-only DuckDB catalog.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

from fakehouse.errors import UserError

PLACES = "ref_places"
STATES = "ref_states"

Window = tuple[date, date]  # first and last day of the history window, both included


@dataclass(frozen=True)
class Check:
    name: str  # e.g. "transactions.total_equals_items"
    table: str
    description: str  # one line: the promise being checked
    sql: str  # one row (value, low, high); placeholders {s}, {start}, {end}


@dataclass(frozen=True)
class Result:
    check: Check
    value: float | None
    low: float
    high: float
    passed: bool
    shown_value: str
    expected: str
    schema: str = ""


# --- building blocks ---------------------------------------------------------------------


def rows(name: str, table: str, description: str, condition: str) -> Check:
    """Invariant: every row of `table` (aliased t) satisfies `condition`; NULL counts as false."""
    sql = (
        f"SELECT count(*) AS value, 0 AS low, 0 AS high FROM {{s}}.{table} AS t "
        f"WHERE NOT coalesce(({condition}), false)"
    )
    return Check(name, table, description, sql)


def violations(name: str, table: str, description: str, query: str) -> Check:
    """Invariant: `query` returns one row with one column, the number of violations."""
    return Check(name, table, description, f"SELECT ({query}) AS value, 0 AS low, 0 AS high")


def metric(name: str, table: str, description: str, query: str, low: float, high: float) -> Check:
    """Distribution: `query` returns one row with one column, the metric."""
    return Check(
        name,
        table,
        description,
        f"SELECT ({query}) AS value, {_literal(low)} AS low, {_literal(high)} AS high",
    )


def _literal(x: float) -> str:
    return "'inf'::DOUBLE" if x == math.inf else "'-inf'::DOUBLE" if x == -math.inf else repr(x)


def foreign_key(table: str, column: str, parent: str, key: str) -> Check:
    """Every non-null `table.column` is a `parent.key`."""
    return violations(
        f"{table}.{column}_fk",
        table,
        f"every non-null {table}.{column} is a {parent}.{key}",
        f"SELECT count(*) FROM {{s}}.{table} AS c WHERE c.{column} IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {{s}}.{parent} AS p WHERE p.{key} = c.{column})",
    )


def dense_ids(table: str, column: str, prefix: str, unique: bool = True) -> Check:
    """Ids are `prefix` + zero-padded numbers of one width, dense from 1 (and unique).

    Counts malformed ids, duplicates (if `unique`), numbers missing below the largest one,
    and extra id widths.
    """
    duplicates = "count(*) - count(DISTINCT id)" if unique else "0"
    kind = "unique, " if unique else ""
    return violations(
        f"{table}.{column}_dense",
        table,
        f"{column} is {kind}{prefix} + zero-padded numbers dense and sequential from 1",
        f"WITH k AS (SELECT {column} AS id, TRY_CAST(regexp_extract({column}, "
        f"'^{prefix}([0-9]+)$', 1) AS BIGINT) AS n FROM {{s}}.{table}) "
        f"SELECT count(*) FILTER (WHERE n IS NULL OR n < 1) + {duplicates} "
        f"+ abs(coalesce(max(n), 0) - count(DISTINCT n)) "
        f"+ greatest(count(DISTINCT length(id)) - 1, 0) FROM k",
    )


def required_columns(table: str, columns: Iterable[str]) -> Check:
    names = ", ".join(f"'{c}'" for c in columns)
    return violations(
        f"{table}.required_columns",
        table,
        f"{table} has every column the contract lists",
        f"SELECT count(*) FROM (SELECT unnest([{names}]) AS name) AS r "
        f"WHERE r.name NOT IN (SELECT column_name FROM information_schema.columns "
        f"WHERE table_schema = '{{s}}' AND table_name = '{table}')",
    )


def not_null(table: str, columns: Iterable[str]) -> Check:
    columns = list(columns)
    nulls = " OR ".join(f"{c} IS NULL" for c in columns)
    return violations(
        f"{table}.not_null",
        table,
        f"no nulls in {table} except in its nullable columns",
        f"SELECT count(*) FROM {{s}}.{table} WHERE {nulls}",
    )


# --- retail_analytics ----------------------------------------------------------------------

#: Columns SCHEMA.md requires per table (more are allowed).
RETAIL_COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": (
        "customer_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "date_of_birth",
        "gender",
        "address_line1",
        "city",
        "state",
        "zip_code",
        "country",
        "latitude",
        "longitude",
        "registration_date",
        "customer_segment",
        "credit_score",
        "annual_income",
        "marketing_opt_in",
    ),
    "products": (
        "product_id",
        "product_name",
        "sku",
        "category",
        "subcategory",
        "brand",
        "unit_cost",
        "unit_price",
        "supplier_id",
        "launch_date",
        "discontinued",
    ),
    "stores": (
        "store_id",
        "store_name",
        "store_type",
        "address",
        "city",
        "state",
        "zip_code",
        "latitude",
        "longitude",
        "opening_date",
        "store_size_sqft",
        "manager_id",
        "is_active",
    ),
    "employees": (
        "employee_id",
        "first_name",
        "last_name",
        "department",
        "position",
        "hire_date",
        "salary",
        "store_id",
        "manager_id",
        "employment_type",
        "is_active",
        "termination_date",
    ),
    "suppliers": (
        "supplier_id",
        "supplier_name",
        "supplier_type",
        "country",
        "payment_terms",
        "lead_time_days",
        "rating",
        "contract_start",
        "contract_end",
    ),
    "transactions": (
        "transaction_id",
        "customer_id",
        "store_id",
        "employee_id",
        "transaction_date",
        "channel",
        "payment_method",
        "transaction_status",
        "campaign_id",
        "item_count",
        "subtotal",
        "discount_amount",
        "tax_amount",
        "total_amount",
    ),
    "transaction_items": (
        "transaction_id",
        "line_number",
        "product_id",
        "quantity",
        "unit_price",
        "discount_amount",
        "tax_amount",
        "line_total",
    ),
    "inventory": (
        "inventory_id",
        "product_id",
        "store_id",
        "quantity_on_hand",
        "quantity_reserved",
        "quantity_available",
        "reorder_point",
        "reorder_quantity",
        "last_count_date",
        "stockout_flag",
    ),
    "customer_behavior": (
        "event_id",
        "session_id",
        "customer_id",
        "event_timestamp",
        "event_type",
        "product_id",
        "device_type",
        "page_url",
    ),
    "product_reviews": (
        "review_id",
        "product_id",
        "customer_id",
        "transaction_id",
        "rating",
        "review_title",
        "review_text",
        "review_date",
        "verified_purchase",
        "helpful_count",
        "total_votes",
    ),
    "marketing_campaigns": (
        "campaign_id",
        "campaign_name",
        "campaign_type",
        "start_date",
        "end_date",
        "budget",
        "actual_spend",
        "impressions",
        "clicks",
        "conversions",
        "revenue_generated",
        "ctr",
        "conversion_rate",
        "roi",
        "status",
    ),
}

RETAIL_IDS: dict[str, tuple[str, str]] = {
    "customers": ("customer_id", "CUST"),
    "products": ("product_id", "PROD"),
    "stores": ("store_id", "STR"),
    "employees": ("employee_id", "EMP"),
    "suppliers": ("supplier_id", "SUPP"),
    "transactions": ("transaction_id", "TXN"),
    "inventory": ("inventory_id", "INV"),
    "customer_behavior": ("event_id", "EVT"),
    "product_reviews": ("review_id", "REV"),
    "marketing_campaigns": ("campaign_id", "CMP"),
}

RETAIL_FOREIGN_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("transactions", "customer_id", "customers", "customer_id"),
    ("transactions", "store_id", "stores", "store_id"),
    ("transactions", "employee_id", "employees", "employee_id"),
    ("transactions", "campaign_id", "marketing_campaigns", "campaign_id"),
    ("transaction_items", "transaction_id", "transactions", "transaction_id"),
    ("transaction_items", "product_id", "products", "product_id"),
    ("products", "supplier_id", "suppliers", "supplier_id"),
    ("stores", "manager_id", "employees", "employee_id"),
    ("employees", "store_id", "stores", "store_id"),
    ("employees", "manager_id", "employees", "employee_id"),
    ("inventory", "product_id", "products", "product_id"),
    ("inventory", "store_id", "stores", "store_id"),
    ("customer_behavior", "customer_id", "customers", "customer_id"),
    ("customer_behavior", "product_id", "products", "product_id"),
    ("product_reviews", "product_id", "products", "product_id"),
    ("product_reviews", "customer_id", "customers", "customer_id"),
    ("product_reviews", "transaction_id", "transactions", "transaction_id"),
)

SEGMENT_ORDER = ("VIP", "Premium", "Regular", "Basic")  # most active first
PEAK_HOURS = "10, 11, 12, 13, 18, 19"  # 10:00-14:00 and 18:00-20:00
DAY = "CAST(t.transaction_date AS DATE)"

_REAL_PLACE = (
    f"EXISTS (SELECT 1 FROM {PLACES} AS p WHERE p.zip_code = t.zip_code AND p.city = t.city "
    "AND p.state = t.state AND abs(p.latitude - t.latitude) < 1e-6 "
    "AND abs(p.longitude - t.longitude) < 1e-6)"
)


def _ordered(metric_by_segment: str) -> str:
    """Smallest ratio of `what` between a segment and the next less active one.

    `metric_by_segment` is a query with columns (seg, m); missing segments give NULL.
    """
    pivot = ", ".join(f"max(m) FILTER (WHERE seg = '{s}') AS {s.lower()}" for s in SEGMENT_ORDER)
    ratios = ", ".join(f"{a.lower()} / {b.lower()}" for a, b in pairwise(SEGMENT_ORDER))
    return f"SELECT least({ratios}) FROM (SELECT {pivot} FROM ({metric_by_segment}) AS x)"


def rate_ratio(name: str, description: str, condition: str, at_least: float) -> Check:
    """Distribution: sales per day on days where `condition` holds (a predicate on the DATE
    `day`) over sales per day on the other days of the window is at least `at_least`, less
    three standard errors of the ratio's sampling noise (never below 1).

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
        f"greatest(1.0, {at_least!r} * exp(-3 * sqrt(1.0 / greatest(k, 1) "
        "+ 1.0 / greatest(l, 1)))) AS low, 'inf'::DOUBLE AS high FROM p"
    )
    return Check(name, "transactions", description, sql)


def _customers() -> list[Check]:
    segments = ", ".join(f"'{s}'" for s in SEGMENT_ORDER)
    return [
        rows(
            "customers.segment_values",
            "customers",
            "customer_segment is VIP, Premium, Regular or Basic",
            f"customer_segment IN ({segments})",
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
        Check(
            "customers.state_mix",
            "customers",
            "state mix follows population: total variation distance to census shares "
            "<= 0.02 + 0.6 * sum(sqrt(share)) / sqrt(n) (sampling noise at ~1e-4)",
            "WITH c AS (SELECT state, count(*) AS k FROM {s}.customers GROUP BY state), "
            "n AS (SELECT count(*)::DOUBLE AS n FROM {s}.customers), "
            f"d AS (SELECT abs(coalesce(c.k, 0) / (SELECT n FROM n) - coalesce(r.share, 0)) "
            f"AS diff FROM c FULL OUTER JOIN {STATES} AS r ON r.code = c.state) "
            "SELECT 0.5 * sum(diff) AS value, 0.0 AS low, "
            f"0.02 + 0.6 * (SELECT sum(sqrt(share)) FROM {STATES}) / sqrt((SELECT n FROM n)) "
            "AS high FROM d",
        ),
        violations(
            "customers.email_unique",
            "customers",
            "email is unique (and present)",
            "SELECT count(*) - count(DISTINCT email) FROM {s}.customers",
        ),
    ]


CATEGORIES = ("Electronics", "Clothing", "Home & Garden", "Books", "Sports", "Beauty")


def _products() -> list[Check]:
    categories = ", ".join(f"'{c}'" for c in CATEGORIES)
    return [
        rows(
            "products.category_values",
            "products",
            "category is Electronics, Clothing, Home & Garden, Books, Sports or Beauty",
            f"category IN ({categories})",
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
            "median unit_price: Electronics above every other category, Books below "
            "(categories with at least 30 products)",
            "WITH m AS (SELECT category, median(unit_price) AS med FROM {s}.products "
            "GROUP BY category HAVING count(*) >= 30), "
            "e AS (SELECT max(med) FILTER (WHERE category = 'Electronics') AS top, "
            "max(med) FILTER (WHERE category = 'Books') AS bottom FROM m) "
            "SELECT count(*) FILTER (WHERE category <> 'Electronics' "
            "AND NOT coalesce(med < top, true)) "
            "+ count(*) FILTER (WHERE category <> 'Books' AND NOT coalesce(med > bottom, true)) "
            "FROM m, e",
        ),
        violations(
            "products.sku_unique",
            "products",
            "sku is unique (and present)",
            "SELECT count(*) - count(DISTINCT sku) FROM {s}.products",
        ),
    ]


def _stores() -> list[Check]:
    return [
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


def _employees() -> list[Check]:
    return [
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


def _transactions() -> list[Check]:
    statuses = ", ".join(f"'{x}'" for x in STATUSES)
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
    return [
        rows(
            "transactions.status_values",
            "transactions",
            "transaction_status is Completed, Pending, Cancelled or Returned",
            f"transaction_status IN ({statuses})",
        ),
        metric(
            "transactions.mostly_completed",
            "transactions",
            "share of Completed sales is 0.8-0.97",
            "SELECT avg(CASE WHEN transaction_status = 'Completed' THEN 1.0 ELSE 0.0 END) "
            "FROM {s}.transactions",
            0.8,
            0.97,
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
        Check(
            "transactions.peak_hours",
            "transactions",
            "In-Store sales per hour in 10-14h and, separately, in 18-20h >= 1.3 x per hour "
            "in the other hours with In-Store sales (from 300 In-Store sales on)",
            "WITH h AS (SELECT hour(transaction_date) AS hr, count(*) AS n "
            "FROM {s}.transactions WHERE channel = 'In-Store' GROUP BY 1) "
            "SELECT coalesce(least(coalesce(sum(n) FILTER (WHERE hr BETWEEN 10 AND 13), 0) / 4.0, "
            "coalesce(sum(n) FILTER (WHERE hr IN (18, 19)), 0) / 2.0) "
            f"/ (sum(n) FILTER (WHERE hr NOT IN ({PEAK_HOURS})) "
            f"/ count(*) FILTER (WHERE hr NOT IN ({PEAK_HOURS}))), 0) AS value, "
            "CASE WHEN coalesce(sum(n), 0) >= 300 THEN 1.3 ELSE 0 END AS low, "
            "'inf'::DOUBLE AS high FROM h",
        ),
        rate_ratio(
            "transactions.weekend_effect",
            "sales per weekend day >= 1.1 x sales per weekday (less 3 standard errors, >= 1)",
            "isodow(day) >= 6",
            1.1,
        ),
        rate_ratio(
            "transactions.high_season",
            "sales per day in November-December >= 1.2 x per day in January-October "
            "(less 3 standard errors, >= 1)",
            "month(day) >= 11",
            1.2,
        ),
        metric(
            "transactions.segment_frequency",
            "transactions",
            "sales per customer: VIP > Premium > Regular > Basic (each >= 1.1 x the next)",
            _ordered(
                f"SELECT c.seg, coalesce(x.sales, 0) / c.customers AS m "
                f"FROM ({customers_by_segment}) AS c LEFT JOIN ({by_segment}) AS x "
                "ON x.seg = c.seg"
            ),
            1.1,
            math.inf,
        ),
        metric(
            "transactions.segment_basket",
            "transactions",
            "average item_count: VIP > Premium > Regular > Basic (each >= 1.1 x the next)",
            _ordered(f"SELECT seg, basket AS m FROM ({by_segment}) AS b"),
            1.1,
            math.inf,
        ),
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


def _transaction_items() -> list[Check]:
    lines = (
        "SELECT t.transaction_id, coalesce(i.lines, 0) AS lines FROM {s}.transactions AS t "
        "LEFT JOIN (SELECT transaction_id, count(*) AS lines FROM {s}.transaction_items "
        "GROUP BY 1) AS i ON i.transaction_id = t.transaction_id"
    )
    return [
        violations(
            "transaction_items.key_unique",
            "transaction_items",
            "(transaction_id, line_number) is unique",
            "SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT transaction_id, "
            "line_number FROM {s}.transaction_items)) FROM {s}.transaction_items",
        ),
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
            "every sale has 1 to 10 lines",
            f"SELECT count(*) FROM ({lines}) WHERE NOT (lines BETWEEN 1 AND 10)",
        ),
        metric(
            "transaction_items.lines_mean",
            "transaction_items",
            "mean lines per sale is 3-6",
            f"SELECT avg(lines) FROM ({lines})",
            3.0,
            6.0,
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
    ]


def _inventory() -> list[Check]:
    return [
        violations(
            "inventory.key_unique",
            "inventory",
            "(product_id, store_id) is unique",
            "SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT product_id, store_id "
            "FROM {s}.inventory)) FROM {s}.inventory",
        ),
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


# restated from SCHEMA.md on purpose: checks hold the generator to the contract, so they
# never import the generator's own constants
EVENT_TYPES = (
    "page_view",
    "product_view",
    "search",
    "add_to_cart",
    "remove_from_cart",
    "checkout_start",
    "purchase",
)


def _behavior() -> list[Check]:
    types = ", ".join(f"'{x}'" for x in EVENT_TYPES)
    before = "OVER (PARTITION BY session_id ORDER BY event_id ROWS BETWEEN UNBOUNDED PRECEDING "
    before += "AND 1 PRECEDING)"
    return [
        rows(
            "customer_behavior.event_type_values",
            "customer_behavior",
            "event_type is one of the seven funnel event types",
            f"event_type IN ({types})",
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
    ]


def _reviews() -> list[Check]:
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
            "mean rating is 3.5-4.0",
            "SELECT avg(rating) FROM {s}.product_reviews",
            3.5,
            4.0,
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
            "ctr, conversion_rate and roi equal their ratios (1e-6), null iff the denominator is 0",
            " AND ".join(
                [
                    agrees("ctr", "clicks", "impressions"),
                    agrees("conversion_rate", "conversions", "clicks"),
                    agrees("roi", "revenue_generated - actual_spend", "actual_spend"),
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


def retail_checks() -> list[Check]:
    """Every check of retail_analytics: the contract's invariants and distributions."""
    from fakehouse.domains.retail import DOMAIN

    declared = {t.name: t for t in DOMAIN.tables}
    generic: list[Check] = []
    for table, columns in RETAIL_COLUMNS.items():
        generic.append(required_columns(table, columns))
        nullable = {c.name for c in declared[table].columns if c.nullable}
        generic.append(not_null(table, [c for c in columns if c not in nullable]))
    for table, (column, prefix) in RETAIL_IDS.items():
        generic.append(dense_ids(table, column, prefix))
    generic.append(dense_ids("customer_behavior", "session_id", "SES", unique=False))
    generic.extend(foreign_key(*fk) for fk in RETAIL_FOREIGN_KEYS)
    return [
        *generic,
        *_customers(),
        *_products(),
        *_stores(),
        *_employees(),
        *_suppliers(),
        *_transactions(),
        *_transaction_items(),
        *_inventory(),
        *_behavior(),
        *_reviews(),
        *_campaigns(),
    ]


#: checks by domain name (as in the manifest and on the command line)
DOMAIN_CHECKS: dict[str, Callable[[], list[Check]]] = {
    "retail": retail_checks,
    "financial": lambda: _financial().financial_checks(),
}


def _financial():
    """quality/financial.py, imported on use: it builds on this module's helpers."""
    from fakehouse.quality import financial

    return financial


# --- running -------------------------------------------------------------------------------


def register_reference(con) -> None:
    """Register `ref_places` and `ref_states` (shipped reference data) on a DuckDB connection."""
    import pyarrow as pa

    from fakehouse.core import reference

    places = reference.places()
    states = reference.states()
    con.register(
        PLACES,
        pa.table(
            {
                "zip_code": places.zip_code,
                "city": places.city,
                "state": places.state,
                "latitude": pa.array(places.latitude),
                "longitude": pa.array(places.longitude),
            }
        ),
    )
    con.register(STATES, pa.table({"code": states.code, "share": pa.array(states.share)}))


def sql_for(check: Check, schema: str, window: Window) -> str:
    start, end = window
    return (
        check.sql.replace("{s}", schema)
        .replace("{start}", f"DATE '{start.isoformat()}'")
        .replace("{end}", f"DATE '{end.isoformat()}'")
    )


def _number(x) -> float | None:
    return None if x is None else float(x)


def _shown(x: float | None) -> str:
    if x is None:
        return "null"
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.4g}"


def _expected(low: float, high: float) -> str:
    if low == high:
        return _shown(low)
    if high == math.inf:
        return f">= {_shown(low)}"
    if low == -math.inf:
        return f"<= {_shown(high)}"
    return f"{_shown(low)} .. {_shown(high)}"


def run(con, checks: Iterable[Check], schema: str, window: Window) -> list[Result]:
    """Run `checks` on the DuckDB connection `con` for warehouse schema `schema`.

    A check whose query fails (a missing table or column) is a failed result whose shown value
    is the error.
    """
    import duckdb

    from fakehouse.catalog.duckdb import damage

    register_reference(con)
    results = []
    for check in checks:
        try:
            found = con.execute(sql_for(check, schema, window)).fetchall()
        except duckdb.Error as exc:
            if cause := damage(exc):  # the file, not the check: one line, exit 2
                raise UserError(f"cannot read the catalog: {cause}") from None
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            results.append(
                Result(
                    check, None, math.nan, math.nan, False, f"error: {message}", "a value", schema
                )
            )
            continue
        results.append(judge(check, found, schema))
    return results


def judge(check: Check, found: list[tuple], schema: str = "") -> Result:
    """The result of `check` on `schema` from the rows its query returned (any engine)."""
    if len(found) != 1 or len(found[0]) != 3:
        raise ValueError(f"check {check.name} must return one row (value, low, high)")
    value, low, high = (_number(x) for x in found[0])
    low = math.nan if low is None else low  # a bound that cannot be computed fails
    high = math.nan if high is None else high
    passed = value is not None and low <= value <= high  # False whenever a NaN is involved
    return Result(check, value, low, high, passed, _shown(value), _expected(low, high), schema)


def history_window(end_date: date, years: int) -> Window:
    """The `years` whole years ending at `end_date`: (end_date - years) + 1 day .. end_date."""
    try:
        before = end_date.replace(year=end_date.year - years)
    except ValueError:  # 29 February
        before = end_date.replace(year=end_date.year - years, day=28)
    return before + timedelta(days=1), end_date


def _retail_window(params: dict) -> Window:
    from fakehouse.domains.retail.params import History

    history = History.model_validate(params.get("history", {}))
    return history_window(history.end_date, history.years)


WINDOWS: dict[str, Callable[[dict], Window]] = {
    "retail": _retail_window,
    "financial": lambda params: _financial().financial_window(params),
}


def validate(warehouse: Path) -> list[Result]:
    """Run the checks of every domain in the warehouse folder `warehouse`."""
    from fakehouse.catalog.duckdb import FILE, connect
    from fakehouse.engines.local import MANIFEST

    warehouse = Path(warehouse)
    manifest_path = warehouse / MANIFEST
    if not (warehouse / FILE).is_file():
        raise UserError(f"no warehouse at {warehouse} (expected {warehouse / FILE})")
    if not manifest_path.is_file():
        raise UserError(f"no manifest {manifest_path}; was this folder made by fakehouse?")
    try:
        manifest = json.loads(manifest_path.read_text())
        domains = manifest["domains"]
        if not isinstance(domains, dict) or not domains:
            raise ValueError("no domains")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else exc
        raise UserError(f"unreadable manifest {manifest_path}: {reason}") from None
    plans = []
    for name, entry in domains.items():
        if name not in DOMAIN_CHECKS:
            known = ", ".join(DOMAIN_CHECKS)
            raise UserError(f"{manifest_path}: unknown domain {name!r} (known: {known})")
        try:
            window = WINDOWS[name](entry.get("params", {}))
            schema = entry["schema"]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise UserError(f"{manifest_path}: bad entry for domain {name!r}: {exc}") from None
        plans.append((DOMAIN_CHECKS[name](), schema, window))
    results: list[Result] = []
    with connect(warehouse, read_only=True) as con:
        for checks, schema, window in plans:
            results.extend(run(con, checks, schema, window))
    return results


__all__ = [
    "Check",
    "Result",
    "dense_ids",
    "foreign_key",
    "retail_checks",
    "run",
    "validate",
]
