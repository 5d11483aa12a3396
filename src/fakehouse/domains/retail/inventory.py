"""retail_analytics.inventory: stock of products per store at the last count.

Row i is slot k = i div S of store s = i mod S (S stores); the product is a(s) * k + b(s)
mod P with a(s) coprime to P (P products), a bijection, so (product, store) pairs are unique
by construction with no lookup.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.retail import products, stores

NAME = "inventory"
COUNT_DAYS = 90  # stock counts happen in the last 90 days of the window


def _strides(ctx: Context, store: np.ndarray) -> np.ndarray:
    """A per-store multiplier coprime to the number of products."""
    n = ctx.sizes[products.NAME]
    candidates = np.arange(1, max(2, min(n, 100_000)), dtype=np.int64)
    coprime = candidates[np.gcd(candidates, n) == 1]
    return coprime[ctx.stream(NAME, "stride").integers(store, 0, len(coprime))]


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    i = np.arange(start, stop, dtype=np.int64)
    n_stores, n_products = ctx.sizes[stores.NAME], ctx.sizes[products.NAME]
    store, slot = i % n_stores, i // n_stores
    offset = ctx.stream(NAME, "offset").integers(store, 0, n_products)
    product = (_strides(ctx, store) * slot + offset) % n_products
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    rank_factor = 1.0 + 4.0 / (1.0 + np.log1p(products.popularity_rank(ctx, product)))
    reorder_point = np.round(5 + 20 * rank_factor * s("reorder").uniform(i)).astype(np.int64)
    typical = reorder_point * (1.5 + 2.0 * s("level").uniform(i))
    on_hand = np.round(typical * np.exp(0.5 * s("on_hand").normal(i))).astype(np.int64)
    on_hand = np.where(s("stockout").uniform(i) < 0.05, 0, on_hand)
    reserved = np.floor(on_hand * 0.3 * s("reserved").uniform(i) ** 2).astype(np.int64)
    end = ctx.window.end_day
    first_count = np.maximum(products.launch_day(ctx, product), end - COUNT_DAYS)
    return {
        "inventory_id": TABLE.ids(i),
        "product_id": products.ids(product),
        "store_id": stores.ids(store),
        "quantity_on_hand": on_hand.astype(np.int32),
        "quantity_reserved": reserved.astype(np.int32),
        "quantity_available": (on_hand - reserved).astype(np.int32),
        "reorder_point": reorder_point.astype(np.int32),
        "reorder_quantity": (reorder_point * 3).astype(np.int32),
        "last_count_date": arrow.dates(uniform_days(s("count_date").uniform(i), first_count, end)),
        "stockout_flag": on_hand == 0,
    }


def pairs(sizes: dict[str, int]) -> int:
    """At most one row per (product, store): a function of the module, so that the domain
    pickles (spawned workers, Spark executors)."""
    return sizes[stores.NAME] * sizes[products.NAME]


TABLE = Table(
    name=NAME,
    description="Stock per (product, store) at its last count.",
    base_rows=20_000,
    block=block,
    primary_key=("inventory_id",),
    parents=("products", "stores"),
    limit=pairs,
    columns=(
        Column(
            "inventory_id",
            pa.string(),
            "Inventory key, INV + 10 digits.",
            unique=True,
            id_prefix="INV",
        ),
        Column(
            "product_id",
            pa.string(),
            "The product; unique together with store_id.",
            references="products.product_id",
        ),
        Column(
            "store_id", pa.string(), "The store or fulfilment centre.", references="stores.store_id"
        ),
        Column("quantity_on_hand", pa.int32(), "Units counted; 0 is a stockout."),
        Column("quantity_reserved", pa.int32(), "Units held for orders, 0..on_hand."),
        Column("quantity_available", pa.int32(), "on_hand - reserved."),
        Column(
            "reorder_point",
            pa.int32(),
            "Reorder when available falls below this; higher for best sellers.",
        ),
        Column("reorder_quantity", pa.int32(), "Units ordered at a time."),
        Column("last_count_date", pa.date32(), "Last stock count, after the product's launch."),
        Column("stockout_flag", pa.bool_(), "True iff quantity_on_hand = 0."),
    ),
)
