"""retail_analytics: customers, catalogue, stores and staff, sales, stock, clickstream,
reviews and campaigns."""

from fakehouse.core.table import Domain
from fakehouse.core.timeline import history_window
from fakehouse.domains.retail import (
    behavior,
    campaigns,
    checks,
    customers,
    employees,
    inventory,
    products,
    reviews,
    sales,
    stores,
    suppliers,
)
from fakehouse.domains.retail.params import RetailParams

DOMAIN = Domain(
    name="retail",
    schema="retail_analytics",
    description="A multi-channel retailer: stores and web shop, three years of history.",
    tables=(
        customers.TABLE,
        products.TABLE,
        stores.TABLE,
        employees.TABLE,
        suppliers.TABLE,
        sales.TRANSACTIONS,
        sales.TRANSACTION_ITEMS,
        inventory.TABLE,
        behavior.TABLE,
        reviews.TABLE,
        campaigns.TABLE,
    ),
    params_type=RetailParams,
    checks=checks.checks,
    window=history_window,
)
