"""The quality checks: all pass on a generated warehouse, and each one can fail.

For every check, a copy of the warehouse is broken by one SQL statement aimed at that
check's promise, and the check alone must then fail. `BREAKS` must name every check, so a
new check without a breaking case fails the suite.
"""

from __future__ import annotations

import functools
import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from fakehouse import api
from fakehouse.catalog.duckdb import FILE
from fakehouse.core.checks import PLACES
from fakehouse.core.contract import domain_checks
from fakehouse.core.timeline import Window
from fakehouse.domains.retail import DOMAIN as RETAIL
from fakehouse.errors import UserError
from fakehouse.quality import checks as q
from tests.quality import breaking

S = "retail_analytics"
SEED = 7


_first = functools.partial(breaking.first, S)


FIRST_SALE = _first("transactions", "transaction_id")
FIRST_IN_STORE = _first("transactions", "transaction_id", "channel = 'In-Store'")
FIRST_RETURNED = _first("transactions", "transaction_id", "transaction_status = 'Returned'")
FIRST_OF_2023 = _first("transactions", "transaction_id", "transaction_date < DATE '2024-01-01'")
FIRST_VERIFIED = _first("product_reviews", "review_id", "verified_purchase")
LONG_SESSION = (
    f"(SELECT min(session_id) FROM (SELECT session_id FROM {S}.customer_behavior "
    "GROUP BY session_id HAVING count(*) > 1))"
)
LAST_EVENT_OF_LONG_SESSION = (
    f"event_id = (SELECT max(event_id) FROM {S}.customer_behavior "
    f"WHERE session_id = {LONG_SESSION})"
)
FIRST_PRODUCT_VIEW = _first("customer_behavior", "event_id", "event_type = 'product_view'")
FIRST_PURCHASE = _first("customer_behavior", "event_id", "event_type = 'purchase'")
PURCHASE_SESSIONS = f"SELECT session_id FROM {S}.customer_behavior WHERE event_type = 'purchase'"
BOUGHT_ADD = f"event_type = 'add_to_cart' AND session_id IN ({PURCHASE_SESSIONS})"
NOT_ELECTRONICS = (
    f"product_id IN (SELECT product_id FROM {S}.products WHERE category <> 'Electronics')"
)
FUTURE = "DATE '2100-01-01'"
FIRST_SOLD_PRODUCT = f"(SELECT min(product_id) FROM {S}.transaction_items)"
#: larger physical stores made smaller and the other way round
SIZES_INVERTED = (
    f"UPDATE {S}.stores SET store_size_sqft = 100000 - store_size_sqft WHERE store_type <> 'Online'"
)
#: the first physical store closed at the start of 2024, as a closed store's row reads
FIRST_PHYSICAL_STORE = _first("stores", "store_id", "store_type <> 'Online'")
FIRST_STORE_CLOSED = (
    f"UPDATE {S}.stores SET closing_date = DATE '2024-01-01', is_active = false "
    f"WHERE {FIRST_PHYSICAL_STORE}"
)
QUARTER_AFTER_REGISTERING = (
    "floor(date_diff('day', c.registration_date, CAST(t.transaction_date AS DATE)) / 91)"
)

BREAKS: dict[str, str] = {
    **breaking.generic_breaks(S, RETAIL),
    # customers
    "customers.segment_values": f"UPDATE {S}.customers SET customer_segment = 'Gold' "
    f"WHERE {_first('customers', 'customer_id')}",
    "customers.adult_at_registration": f"UPDATE {S}.customers "
    f"SET date_of_birth = registration_date - INTERVAL 17 YEAR "
    f"WHERE {_first('customers', 'customer_id')}",
    "customers.real_place": f"UPDATE {S}.customers SET latitude = latitude + 0.5 "
    f"WHERE {_first('customers', 'customer_id')}",
    "customers.state_mix": f"UPDATE {S}.customers SET state = 'WY'",
    # products
    "products.category_values": f"UPDATE {S}.products SET category = 'Toys' "
    f"WHERE {_first('products', 'product_id')}",
    "products.price_above_cost": f"UPDATE {S}.products SET unit_cost = unit_price "
    f"WHERE {_first('products', 'product_id')}",
    "products.price_level_by_category": f"UPDATE {S}.products "
    "SET unit_price = unit_price + 5000 WHERE category = 'Books'",
    "products.price_by_type": f"UPDATE {S}.products SET unit_price = unit_price + 10000 "
    f"WHERE {_first('products', 'product_id')}",
    "products.name_has_type": f"UPDATE {S}.products SET product_name = 'Widget' "
    f"WHERE {_first('products', 'product_id')}",
    "products.margin_by_category": f"UPDATE {S}.products SET unit_cost = unit_price * 0.6",
    "products.supplier_category": f"UPDATE {S}.suppliers SET category = 'Toys', "
    "second_category = NULL",
    # stores
    "stores.sales_by_size": SIZES_INVERTED,
    # every physical store in one state and type, and the busier ZIP codes' stores sell nothing
    "stores.sales_by_population": f"UPDATE {S}.stores SET state = 'CA', store_type = 'Mall' "
    "WHERE store_type <> 'Online'; "
    f"DELETE FROM {S}.transactions WHERE store_id IN (SELECT st.store_id FROM {S}.stores AS st "
    f"JOIN {PLACES} AS z ON z.zip_code = st.zip_code WHERE st.store_type <> 'Online' "
    f"AND z.population_share > (SELECT median(y.population_share) FROM {S}.stores AS x "
    f"JOIN {PLACES} AS y ON y.zip_code = x.zip_code WHERE x.store_type <> 'Online'))",
    # a store opened in the window that took all its sales in its first days
    "stores.new_stores_ramp_up": f"UPDATE {S}.stores SET opening_date = DATE '2023-06-01', "
    f"closing_date = NULL, is_active = true WHERE {FIRST_PHYSICAL_STORE}; "
    f"UPDATE {S}.transactions SET transaction_date = TIMESTAMP '2023-06-10 12:00:00' "
    f"WHERE store_id = (SELECT store_id FROM {S}.stores WHERE {FIRST_PHYSICAL_STORE})",
    "stores.online_exists": f"UPDATE {S}.stores SET store_type = 'Mall' "
    "WHERE store_type = 'Online'",
    "stores.manager_at_store": f"UPDATE {S}.stores "
    f"SET manager_id = (SELECT max(manager_id) FROM {S}.stores) "
    f"WHERE {_first('stores', 'store_id')}",
    "stores.real_place": f"UPDATE {S}.stores SET zip_code = '00000' "
    f"WHERE {_first('stores', 'store_id')}",
    "stores.active_iff_open": f"UPDATE {S}.stores SET is_active = NOT is_active "
    f"WHERE {_first('stores', 'store_id')}",
    # employees
    "employees.head_count_by_size": SIZES_INVERTED,
    "employees.left_closed_store": FIRST_STORE_CLOSED,
    "employees.hierarchy_forest": f"UPDATE {S}.employees SET manager_id = "
    f"(SELECT min(employee_id) FROM {S}.employees WHERE manager_id = "
    f"(SELECT min(employee_id) FROM {S}.employees WHERE manager_id IS NULL)) "
    f"WHERE {_first('employees', 'employee_id', 'manager_id IS NULL')}",
    "employees.manager_hired_first": f"UPDATE {S}.employees SET hire_date = DATE '1950-01-01' "
    f"WHERE {_first('employees', 'employee_id', 'manager_id IS NOT NULL')}",
    "employees.salary_by_position": f"UPDATE {S}.employees SET salary = 20000 "
    "WHERE position = 'Store Manager'",
    "employees.terminated_iff_inactive": f"UPDATE {S}.employees SET is_active = NOT is_active "
    f"WHERE {_first('employees', 'employee_id')}",
    "employees.terminated_after_hire": f"UPDATE {S}.employees "
    "SET termination_date = hire_date - 1, is_active = false "
    f"WHERE {_first('employees', 'employee_id')}",
    # suppliers
    "suppliers.contract_order": f"UPDATE {S}.suppliers SET contract_end = contract_start "
    f"WHERE {_first('suppliers', 'supplier_id')}",
    # transactions
    "transactions.status_values": f"UPDATE {S}.transactions SET transaction_status = 'Lost' "
    f"WHERE {FIRST_SALE}",
    "transactions.in_window": f"UPDATE {S}.transactions "
    f"SET transaction_date = TIMESTAMP '2019-06-01 12:00:00' WHERE {FIRST_SALE}",
    "transactions.after_registration": f"UPDATE {S}.customers SET registration_date = {FUTURE} "
    f"WHERE customer_id = (SELECT customer_id FROM {S}.transactions WHERE {FIRST_SALE})",
    "transactions.store_open": f"UPDATE {S}.stores SET opening_date = {FUTURE} "
    f"WHERE store_id = (SELECT store_id FROM {S}.transactions WHERE {FIRST_IN_STORE})",
    "transactions.employee_at_store": f"UPDATE {S}.transactions SET employee_id = NULL "
    f"WHERE {FIRST_IN_STORE}",
    "transactions.channel_matches_store": f"UPDATE {S}.transactions SET channel = 'Online' "
    f"WHERE {FIRST_IN_STORE}",
    "transactions.campaign_active": f"UPDATE {S}.transactions "
    f"SET campaign_id = (SELECT max(campaign_id) FROM {S}.marketing_campaigns) "
    f"WHERE transaction_id = (SELECT arg_min(transaction_id, transaction_date) "
    f"FROM {S}.transactions)",
    "transactions.total_formula": f"UPDATE {S}.transactions SET total_amount = total_amount + 1 "
    f"WHERE {FIRST_SALE}",
    "transactions.total_equals_items": f"UPDATE {S}.transaction_items "
    f"SET line_total = line_total + 0.01 WHERE {FIRST_SALE} AND line_number = 1",
    "transactions.sums_of_items": f"UPDATE {S}.transactions "
    "SET discount_amount = discount_amount + 1, total_amount = total_amount - 1 "
    f"WHERE {FIRST_SALE}",
    "transactions.peak_hours": f"UPDATE {S}.transactions "
    "SET transaction_date = date_trunc('day', transaction_date) + INTERVAL 16 HOUR "
    "WHERE channel = 'In-Store' AND hour(transaction_date) IN (18, 19)",
    "transactions.weekend_effect": f"UPDATE {S}.transactions "
    "SET transaction_date = transaction_date + INTERVAL 2 DAY WHERE isodow(transaction_date) >= 6",
    "transactions.high_season": f"UPDATE {S}.transactions "
    "SET transaction_date = transaction_date - INTERVAL 6 MONTH "
    "WHERE month(transaction_date) >= 11",
    "transactions.segment_frequency": f"UPDATE {S}.customers SET customer_segment = "
    "CASE customer_segment WHEN 'VIP' THEN 'Basic' WHEN 'Basic' THEN 'VIP' "
    "ELSE customer_segment END",
    "transactions.segment_basket": f"UPDATE {S}.transactions SET item_count = 1 "
    f"WHERE customer_id IN (SELECT customer_id FROM {S}.customers "
    "WHERE customer_segment = 'VIP')",
    "transactions.home_state": f"UPDATE {S}.customers "
    "SET state = CASE WHEN state = 'CA' THEN 'TX' ELSE 'CA' END",
    "transactions.single_line_most_common": f"UPDATE {S}.transactions SET item_count = 2 "
    "WHERE item_count = 1",
    "transactions.checkout_staff": f"UPDATE {S}.transactions SET employee_id = "
    f"(SELECT manager_id FROM {S}.stores AS st WHERE st.store_id = transactions.store_id) "
    "WHERE channel = 'In-Store'",
    "transactions.checkout_managers": f"UPDATE {S}.transactions SET employee_id = "
    f"(SELECT manager_id FROM {S}.stores AS st WHERE st.store_id = transactions.store_id) "
    "WHERE channel = 'In-Store'",
    # transaction_items
    "transaction_items.product_share": f"UPDATE {S}.transaction_items "
    f"SET product_id = {FIRST_SOLD_PRODUCT} WHERE line_number = 1",
    # every product sold once, one unit: no tail at all
    "transaction_items.long_tail": f"DELETE FROM {S}.transaction_items WHERE rowid NOT IN "
    f"(SELECT min(rowid) FROM {S}.transaction_items GROUP BY product_id); "
    f"UPDATE {S}.transaction_items SET quantity = 1",
    "transaction_items.quantity_by_type": f"UPDATE {S}.transaction_items SET quantity = 1",
    "transaction_items.not_after_discontinued": f"UPDATE {S}.products "
    f"SET discontinued = true, discontinued_date = DATE '2000-01-01' "
    f"WHERE product_id = {FIRST_SOLD_PRODUCT}",
    "transaction_items.from_stock": f"DELETE FROM {S}.inventory "
    f"WHERE product_id = {FIRST_SOLD_PRODUCT}",
    "transaction_items.supplier_under_contract": f"UPDATE {S}.suppliers "
    f"SET contract_end = contract_start + 1 WHERE supplier_id = (SELECT supplier_id "
    f"FROM {S}.products WHERE product_id = {FIRST_SOLD_PRODUCT})",
    "transaction_items.line_numbers": f"UPDATE {S}.transaction_items SET line_number = 99 "
    f"WHERE {FIRST_SALE} AND line_number = 1",
    "transaction_items.lines_per_transaction": f"DELETE FROM {S}.transaction_items "
    f"WHERE {FIRST_SALE}",
    "transaction_items.lines_mean": f"DELETE FROM {S}.transaction_items WHERE line_number > 1",
    "transaction_items.product_price": f"UPDATE {S}.transaction_items "
    f"SET unit_price = unit_price + 1 WHERE {FIRST_SALE} AND line_number = 1",
    "transaction_items.product_launched": f"UPDATE {S}.products SET launch_date = {FUTURE} "
    f"WHERE product_id = (SELECT min(product_id) FROM {S}.transaction_items)",
    "transaction_items.line_total_formula": f"UPDATE {S}.transaction_items "
    f"SET line_total = line_total + 1 WHERE {FIRST_SALE} AND line_number = 1",
    # inventory
    "inventory.closed_store_empty": FIRST_STORE_CLOSED,
    "inventory.stock_follows_sales": f"UPDATE {S}.inventory "
    "SET quantity_on_hand = 1 + hash(inventory_id) % 100",
    "inventory.reorder_by_lead_time": f"UPDATE {S}.suppliers "
    "SET lead_time_days = 1 + hash(supplier_id) % 60",
    "inventory.stockouts_hit_fast_sellers": f"UPDATE {S}.inventory "
    "SET stockout_flag = NOT stockout_flag",
    "inventory.assortment_by_size": SIZES_INVERTED,
    "inventory.key_unique": f"UPDATE {S}.inventory SET "
    f"product_id = (SELECT product_id FROM {S}.inventory "
    f"WHERE {_first('inventory', 'inventory_id')}), "
    f"store_id = (SELECT store_id FROM {S}.inventory WHERE {_first('inventory', 'inventory_id')}) "
    f"WHERE inventory_id = (SELECT max(inventory_id) FROM {S}.inventory)",
    "inventory.reserved_range": f"UPDATE {S}.inventory "
    "SET quantity_reserved = quantity_on_hand + 1, quantity_available = -1 "
    f"WHERE {_first('inventory', 'inventory_id')}",
    "inventory.available_formula": f"UPDATE {S}.inventory "
    f"SET quantity_available = quantity_available + 1 WHERE {_first('inventory', 'inventory_id')}",
    "inventory.stockout_flag": f"UPDATE {S}.inventory SET stockout_flag = NOT stockout_flag "
    f"WHERE {_first('inventory', 'inventory_id')}",
    "inventory.counted_after_launch": f"UPDATE {S}.inventory "
    f"SET last_count_date = DATE '2000-01-01' WHERE {_first('inventory', 'inventory_id')}",
    # customer_behavior
    "customer_behavior.event_type_values": f"UPDATE {S}.customer_behavior "
    f"SET event_type = 'click' WHERE {_first('customer_behavior', 'event_id')}",
    "customer_behavior.time_ordered": f"UPDATE {S}.customer_behavior "
    f"SET event_timestamp = event_timestamp - INTERVAL 1 DAY WHERE {LAST_EVENT_OF_LONG_SESSION}",
    "customer_behavior.funnel": f"DELETE FROM {S}.customer_behavior "
    "WHERE event_type = 'checkout_start'",
    "customer_behavior.after_registration": f"UPDATE {S}.customers "
    f"SET registration_date = {FUTURE} "
    f"WHERE customer_id = (SELECT min(customer_id) FROM {S}.customer_behavior)",
    "customer_behavior.in_window": f"UPDATE {S}.customer_behavior "
    f"SET event_timestamp = TIMESTAMP '2100-01-01 10:00:00' "
    f"WHERE {_first('customer_behavior', 'event_id')}",
    "customer_behavior.product_events": f"UPDATE {S}.customer_behavior "
    "SET product_id = NULL "
    f"WHERE {FIRST_PRODUCT_VIEW}",
    "customer_behavior.session_customer": f"UPDATE {S}.customer_behavior "
    f"SET customer_id = customer_id || 'X' WHERE {LAST_EVENT_OF_LONG_SESSION}",
    "customer_behavior.product_launched": f"UPDATE {S}.products SET launch_date = {FUTURE} "
    f"WHERE product_id = (SELECT min(product_id) FROM {S}.customer_behavior)",
    "customer_behavior.conversion": f"DELETE FROM {S}.customer_behavior "
    "WHERE event_type = 'purchase'",
    "customer_behavior.bounce": f"DELETE FROM {S}.customer_behavior WHERE session_id IN "
    f"(SELECT session_id FROM {S}.customer_behavior GROUP BY session_id HAVING count(*) = 1)",
    "customer_behavior.cart_abandonment": f"DELETE FROM {S}.customer_behavior "
    f"WHERE event_type = 'add_to_cart' AND session_id NOT IN ({PURCHASE_SESSIONS})",
    "customer_behavior.purchase_is_order": f"UPDATE {S}.customer_behavior "
    f"SET event_timestamp = event_timestamp + INTERVAL 1 SECOND WHERE {FIRST_PURCHASE}",
    "customer_behavior.purchase_is_cart": f"DELETE FROM {S}.customer_behavior "
    f"WHERE {_first('customer_behavior', 'event_id', BOUGHT_ADD)}",
    "customer_behavior.cart_after_view": f"DELETE FROM {S}.customer_behavior "
    "WHERE event_type = 'product_view'",
    "customer_behavior.page_urls": f"UPDATE {S}.customer_behavior SET page_url = '/' "
    f"WHERE {FIRST_PRODUCT_VIEW}",
    "customer_behavior.session_timeout": f"UPDATE {S}.customer_behavior "
    f"SET event_timestamp = event_timestamp + INTERVAL 2 HOUR WHERE {LAST_EVENT_OF_LONG_SESSION}",
    "customer_behavior.event_gaps": f"UPDATE {S}.customer_behavior "
    "SET event_timestamp = event_timestamp + to_seconds(200 * CAST(substr(event_id, 4) AS BIGINT))",
    # product_reviews
    "product_reviews.rating_range": f"UPDATE {S}.product_reviews SET rating = 6 "
    f"WHERE {_first('product_reviews', 'review_id')}",
    "product_reviews.rating_mean": f"UPDATE {S}.product_reviews SET rating = 2 WHERE rating >= 4",
    "product_reviews.rating_shape": f"UPDATE {S}.product_reviews SET rating = 1 WHERE rating = 3",
    "product_reviews.verified_iff_sale": f"UPDATE {S}.product_reviews "
    f"SET verified_purchase = false WHERE {FIRST_VERIFIED}",
    "product_reviews.after_sale": f"UPDATE {S}.product_reviews "
    f"SET review_date = DATE '2020-01-01' WHERE {FIRST_VERIFIED}",
    "product_reviews.helpful_votes": f"UPDATE {S}.product_reviews "
    f"SET helpful_count = total_votes + 1 WHERE {_first('product_reviews', 'review_id')}",
    "product_reviews.in_window": f"UPDATE {S}.product_reviews SET review_date = {FUTURE} "
    f"WHERE {_first('product_reviews', 'review_id')}",
    "product_reviews.after_parents": f"UPDATE {S}.products SET launch_date = {FUTURE} "
    f"WHERE product_id = (SELECT min(product_id) FROM {S}.product_reviews)",
    "product_reviews.text_variety": f"UPDATE {S}.product_reviews SET review_text = 'Fine.'",
    "product_reviews.title_variety": f"UPDATE {S}.product_reviews SET review_title = 'Fine'",
    "product_reviews.topics_fit": f"UPDATE {S}.product_reviews "
    "SET review_text = 'The battery drains far too fast.' "
    f"WHERE {_first('product_reviews', 'review_id', NOT_ELECTRONICS)}",
    "product_reviews.returns_mentioned": f"UPDATE {S}.product_reviews "
    "SET review_text = review_text || ' I returned it.' "
    f"WHERE {_first('product_reviews', 'review_id', 'NOT verified_purchase')}",
    # marketing_campaigns
    "marketing_campaigns.date_order": f"UPDATE {S}.marketing_campaigns "
    f"SET end_date = start_date - 1 WHERE {_first('marketing_campaigns', 'campaign_id')}",
    "marketing_campaigns.count_funnel": f"UPDATE {S}.marketing_campaigns "
    f"SET clicks = impressions + 1 WHERE {_first('marketing_campaigns', 'campaign_id')}",
    "marketing_campaigns.rates_agree": f"UPDATE {S}.marketing_campaigns "
    f"SET ctr = coalesce(ctr, 0) + 0.001 WHERE {_first('marketing_campaigns', 'campaign_id')}",
    "marketing_campaigns.status_by_dates": f"UPDATE {S}.marketing_campaigns "
    f"SET status = 'Active' WHERE {_first('marketing_campaigns', 'campaign_id')}",
    # customers over time
    "customers.first_purchase": f"UPDATE {S}.transactions "
    "SET transaction_date = transaction_date + INTERVAL 1 DAY",
    "customers.retention_falls": f"UPDATE {S}.transactions AS t "
    f"SET transaction_date = t.transaction_date + INTERVAL 273 DAY FROM {S}.customers AS c "
    f"WHERE c.customer_id = t.customer_id AND {QUARTER_AFTER_REGISTERING} = 1",
    "customers.retention_flattens": f"UPDATE {S}.transactions AS t "
    f"SET transaction_date = t.transaction_date + to_days(CAST((4 - {QUARTER_AFTER_REGISTERING}) "
    f"* 91 AS INTEGER)) FROM {S}.customers AS c "
    f"WHERE c.customer_id = t.customer_id AND {QUARTER_AFTER_REGISTERING} >= 1",
    "customers.one_time_buyers": f"DELETE FROM {S}.transactions AS t USING {S}.customers AS c "
    "WHERE c.customer_id = t.customer_id AND CAST(t.transaction_date AS DATE) "
    "<> c.registration_date",
    "customers.vip_top_spenders": f"UPDATE {S}.customers SET customer_segment = "
    "CASE customer_segment WHEN 'VIP' THEN 'Basic' WHEN 'Basic' THEN 'VIP' "
    "ELSE customer_segment END",
    # marketing
    "marketing_campaigns.attributed_sales": f"UPDATE {S}.marketing_campaigns "
    "SET conversions = conversions + 1 "
    f"WHERE {_first('marketing_campaigns', 'campaign_id')}",
    "transactions.campaign_opt_in": f"UPDATE {S}.marketing_campaigns SET campaign_type = 'Email'",
    "transactions.campaign_channel": f"UPDATE {S}.transactions SET channel = 'In-Store' "
    "WHERE campaign_id IS NOT NULL",
    "marketing_campaigns.opt_in_reach": f"UPDATE {S}.customers SET marketing_opt_in = false",
    "marketing_campaigns.cpm_varies": f"UPDATE {S}.marketing_campaigns "
    "SET impressions = round(actual_spend / 5.0 * 1000)",
    "marketing_campaigns.cpm_season": f"UPDATE {S}.marketing_campaigns "
    "SET impressions = impressions * 10 WHERE month(start_date) >= 11",
    # how sales end
    "transactions.return_dates": f"UPDATE {S}.transactions "
    "SET return_date = CAST(transaction_date AS DATE) "
    f"WHERE {FIRST_RETURNED}",
    "transactions.return_rate": f"UPDATE {S}.transactions SET transaction_status = 'Returned' "
    "WHERE hash(transaction_id) % 2 = 0",
    "transactions.returns_by_channel": f"UPDATE {S}.transactions "
    "SET transaction_status = 'Completed' "
    "WHERE channel = 'Online' AND transaction_status = 'Returned'",
    "transactions.returns_by_category": f"UPDATE {S}.transactions "
    "SET transaction_status = 'Completed' WHERE transaction_id IN (SELECT i.transaction_id "
    f"FROM {S}.transaction_items AS i JOIN {S}.products AS p ON p.product_id = i.product_id "
    "WHERE p.category = 'Clothing')",
    "transactions.pending_recent": f"UPDATE {S}.transactions SET transaction_status = 'Pending' "
    f"WHERE {FIRST_OF_2023}",
    "transactions.cancellations_online": f"UPDATE {S}.transactions "
    "SET transaction_status = 'Cancelled' "
    "WHERE channel = 'In-Store' AND hash(transaction_id) % 10 = 0",
}

CHECKS = {c.name: c for c in domain_checks(RETAIL)}


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("quality") / "warehouse"
    api.generate("retail", multiplier=0.05, seed=SEED, out=out, workers=1)
    return out


@pytest.fixture(scope="session")
def results(warehouse: Path) -> list[q.Result]:
    return q.validate(warehouse)


def _window(warehouse: Path) -> Window:
    manifest = json.loads((warehouse / "fakehouse.json").read_text())
    _, window = q.plan("retail", manifest["domains"]["retail"]["params"])
    return window


def test_check_names_are_unique_and_named_by_table():
    checks = domain_checks(RETAIL)
    assert len(CHECKS) == len(checks)
    for check in checks:
        assert check.name.startswith(f"{check.table}.")
        assert check.table in {t.name for t in RETAIL.tables}


def test_the_window_is_the_manifests_history(warehouse: Path):
    assert _window(warehouse) == Window.ending(date(2025, 12, 31), 3)
    params = {"history": {"end_date": "2024-06-30", "years": 2}}
    _, window = q.plan("retail", params)
    assert (window.first, window.last) == (date(2022, 7, 1), date(2024, 6, 30))


def test_every_check_passes_on_a_generated_warehouse(results: list[q.Result]):
    assert [r.check.name for r in results] == list(CHECKS)
    assert not breaking.failures(results)


def test_every_check_has_a_breaking_case():
    assert set(BREAKS) == set(CHECKS)


@pytest.mark.parametrize("name", list(CHECKS))
def test_each_check_fails_on_broken_data(name: str, warehouse: Path, tmp_path: Path):
    _, result = breaking.before_and_after(
        warehouse, tmp_path, CHECKS[name], BREAKS[name], S, _window(warehouse)
    )
    assert result.value is not None, result.shown_value  # computed, not an SQL error
    assert not result.passed, f"{name} still passes: {result.shown_value} ({result.expected})"


def test_validate_without_a_warehouse_is_a_user_error(tmp_path: Path):
    with pytest.raises(UserError):
        q.validate(tmp_path)


def test_validate_with_an_unknown_domain_is_a_user_error(warehouse: Path, tmp_path: Path):
    shutil.copy(warehouse / FILE, tmp_path / FILE)
    manifest = json.loads((warehouse / "fakehouse.json").read_text())
    manifest["domains"] = {"banking": manifest["domains"]["retail"]}
    (tmp_path / "fakehouse.json").write_text(json.dumps(manifest))
    with pytest.raises(UserError, match="banking"):
        q.validate(tmp_path)


def test_validate_with_parameters_the_domain_rejects_is_a_one_line_user_error(
    warehouse: Path, tmp_path: Path
):
    shutil.copy(warehouse / FILE, tmp_path / FILE)
    manifest = json.loads((warehouse / "fakehouse.json").read_text())
    manifest["domains"]["retail"]["params"]["history"]["years"] = "many"
    (tmp_path / "fakehouse.json").write_text(json.dumps(manifest))
    with pytest.raises(UserError, match=r"parameters of domain 'retail' do not fit") as error:
        q.validate(tmp_path)
    assert "history.years: " in str(error.value) and "generate it again" in str(error.value)
    assert "\n" not in str(error.value)


def test_validate_of_a_manifest_with_many_unknown_parameters_names_the_first(
    warehouse: Path, tmp_path: Path
):
    """A warehouse of an older fakehouse (another parameter layout): one line, the first
    problem and how many more, not all of them."""
    shutil.copy(warehouse / FILE, tmp_path / FILE)
    manifest = json.loads((warehouse / "fakehouse.json").read_text())
    manifest["domains"]["retail"]["params"]["customers"] = {"age_mean": 40, "age_sd": 12}
    (tmp_path / "fakehouse.json").write_text(json.dumps(manifest))
    with pytest.raises(UserError, match=r"customers.age_mean: unknown key \(and 1 more\)"):
        q.validate(tmp_path)


def test_validate_without_a_manifest_is_a_user_error(warehouse: Path, tmp_path: Path):
    shutil.copy(warehouse / FILE, tmp_path / FILE)
    with pytest.raises(UserError):
        q.validate(tmp_path)


def test_a_failing_query_is_a_failed_result(warehouse: Path):
    broken = q.Check("customers.nothing", "customers", "no such column", "SELECT nope")
    with duckdb.connect(str(warehouse / FILE), read_only=True) as con:
        (result,) = q.run(con, [broken], S, _window(warehouse))
    assert not result.passed
    assert result.value is None
    assert result.shown_value.startswith("error:")


def test_cli_validate_exits_0_on_a_good_warehouse(warehouse: Path, capsys):
    from fakehouse.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["validate", "-w", str(warehouse)])
    assert exit_.value.code == 0
    assert f"{len(CHECKS)} passed, 0 failed" in capsys.readouterr().err


def test_stored_parameters_are_judged_alike_for_both_engines():
    """validate (DuckDB) and Spark's examine share stored_plan: the same one line, prefixed
    by the manifest or the database."""
    where = "database retail_analytics"
    with pytest.raises(UserError, match=rf"^{where}: the stored parameters of domain 'retail'"):
        q.stored_plan(RETAIL, {"customers": {"age_mean": 40}}, where)
    assert q.stored_plan(RETAIL, {}, where)[2] is not None  # the defaults' window
