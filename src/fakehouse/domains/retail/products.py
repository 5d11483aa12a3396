"""retail_analytics.products, and the product facts sales re-derive (price, launch, popularity).

Popularity is a keyed permutation of the products sampled with a Zipf law, so a few products
sell most. The ten most popular products always predate the window, which gives every sale
a product that was on the shelf on its day.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.distributions import Categorical, lognormal, zipf_rank
from fakehouse.core.permutation import Permutation
from fakehouse.core.rng import Stream
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.retail import suppliers
from fakehouse.domains.retail.catalog import catalog

NAME = "products"
ALWAYS_OLD = 10  # popularity ranks that never launch inside the window
SEARCH_STEPS = 12  # neighbours of a sampled rank tried before falling back to an old product


def ids(idx: np.ndarray) -> pa.Array:
    return TABLE.ids(idx)


def _within(u: np.ndarray, start: np.ndarray, count: np.ndarray) -> np.ndarray:
    return start + np.floor(u * count).astype(np.int64)


def _popularity(ctx: Context) -> Permutation:
    return Permutation(ctx.sizes[NAME], ctx.stream(NAME, "popularity").key)


def popularity_rank(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """0 for the best seller."""
    return _popularity(ctx).forward(idx)


def _categories(ctx: Context) -> Categorical:
    cats = ctx.params.products.categories  # in catalogue order (the parameters keep it)
    return Categorical.of({c: cats[c].share for c in catalog().categories})


def category(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Category code (index into catalog().categories)."""
    return _categories(ctx).sample(ctx.stream(NAME, "category").uniform(idx))


def subcategory(ctx: Context, idx: np.ndarray, cat: np.ndarray | None = None) -> np.ndarray:
    """Subcategory code (index into catalog().subcategories), inside the product's category."""
    data = catalog()
    cat = category(ctx, idx) if cat is None else cat
    u = ctx.stream(NAME, "subcategory").uniform(idx)
    return _within(u, data.sub_start[cat], data.sub_count[cat])


def price_cents(ctx: Context, idx: np.ndarray, cat: np.ndarray | None = None) -> np.ndarray:
    """List price in cents, log-normal by category and ending in .99."""
    cats = ctx.params.products.categories
    cat = category(ctx, idx) if cat is None else cat
    names = catalog().categories
    median = np.array([cats[c].price_median for c in names])[cat]
    sigma = np.array([cats[c].price_sigma for c in names])[cat]
    dollars = lognormal(ctx.stream(NAME, "unit_price").normal(idx), median, sigma)
    return np.floor(dollars).astype(np.int64) * 100 + 99


def unit_cost_cents(
    ctx: Context, idx: np.ndarray, price: np.ndarray | None = None, cat: np.ndarray | None = None
) -> np.ndarray:
    """What the retailer pays for products `idx`, in cents: the price less a margin drawn in
    the category's range, and always below the price."""
    cats = ctx.params.products.categories
    cat = category(ctx, idx) if cat is None else cat
    price = price_cents(ctx, idx, cat) if price is None else price
    margins = np.array([cats[c].margin for c in catalog().categories])[cat]
    low, high = margins[:, 0], margins[:, 1]
    margin = low + (high - low) * ctx.stream(NAME, "margin").uniform(idx)
    return np.minimum(np.round(price * (1.0 - margin)).astype(np.int64), price - 1)


def launch_day(ctx: Context, idx: np.ndarray, rank: np.ndarray | None = None) -> np.ndarray:
    """First day on sale; pass the popularity rank when known (saves a permutation)."""
    p = ctx.params.products
    w = ctx.window
    rank = _popularity(ctx).forward(idx) if rank is None else rank
    new = (ctx.stream(NAME, "new").uniform(idx) < p.launched_in_window) & (rank >= ALWAYS_OLD)
    u = ctx.stream(NAME, "launch_date").uniform(idx)
    old_first = w.start_day - int(p.launch_lead_years * 365.25)
    old = uniform_days(u, old_first, w.start_day - 1)
    recent = uniform_days(u, w.start_day, w.end_day - 30)
    return np.where(new, recent, old)


def pick(ctx: Context, stream: Stream, index: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Products for events `index` by popularity, each launched on or before `day`."""
    n = ctx.sizes[NAME]
    ranking = _popularity(ctx)
    rank = zipf_rank(stream.uniform(index), n, ctx.params.products.popularity_skew)
    product = ranking.inverse(rank)
    ok = launch_day(ctx, product, rank) <= day
    for step in range(1, SEARCH_STEPS):
        if ok.all():
            break
        retry = ~ok
        neighbour = (rank[retry] + step) % n
        candidate = ranking.inverse(neighbour)
        good = launch_day(ctx, candidate, neighbour) <= day[retry]
        fixed = np.flatnonzero(retry)[good]
        product[fixed] = candidate[good]
        ok[fixed] = True
    if not ok.all():
        product[~ok] = ranking.inverse(np.zeros((~ok).sum(), dtype=np.int64))
    return product


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.products
    cat_data = catalog()
    idx = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    cat = category(ctx, idx)
    sub = subcategory(ctx, idx, cat)
    noun = _within(s("noun").uniform(idx), cat_data.noun_start[sub], cat_data.noun_count[sub])
    brand = _within(s("brand").uniform(idx), cat_data.brand_start[cat], cat_data.brand_count[cat])
    adjective = s("adjective").integers(idx, 0, len(cat_data.adjectives))
    brand_names = arrow.take(cat_data.brands, brand)
    name = arrow.join(
        brand_names,
        arrow.take(cat_data.adjectives, adjective),
        arrow.take(cat_data.nouns, noun),
        sep=" ",
    )
    price = price_cents(ctx, idx, cat)
    cost = unit_cost_cents(ctx, idx, price, cat)
    category_codes = arrow.labels([c[:3].upper() for c in cat_data.categories], cat)
    supplier = suppliers.pick(ctx, s("supplier"), idx)
    return {
        "product_id": ids(idx),
        "product_name": name,
        "sku": arrow.join(category_codes, arrow.number_strings(idx + 1, width=9), sep="-"),
        "category": arrow.labels(cat_data.categories, cat),
        "subcategory": arrow.take(cat_data.subcategories, sub),
        "brand": brand_names,
        "unit_cost": arrow.money(cost),
        "unit_price": arrow.money(price),
        "supplier_id": suppliers.ids(supplier),
        "launch_date": arrow.dates(launch_day(ctx, idx)),
        "discontinued": s("discontinued").uniform(idx) < p.discontinued_rate,
    }


TABLE = Table(
    name=NAME,
    description="The catalogue: six categories with their own price levels and margins.",
    base_rows=5_000,
    block=block,
    primary_key=("product_id",),
    parents=("suppliers",),
    columns=(
        Column(
            "product_id",
            pa.string(),
            "Product key, PROD + 9 digits, dense from 1.",
            unique=True,
            id_prefix="PROD",
        ),
        Column("product_name", pa.string(), "Brand, line and product noun."),
        Column(
            "sku", pa.string(), "Unique stock keeping unit: category code and number.", unique=True
        ),
        Column(
            "category",
            pa.string(),
            "Electronics, Clothing, Home & Garden, Books, Sports or Beauty.",
        ),
        Column("subcategory", pa.string(), "Subcategory within the category."),
        Column("brand", pa.string(), "Brand (fictional), one of the category's."),
        Column("unit_cost", arrow.MONEY, "What the retailer pays; below unit_price."),
        Column("unit_price", arrow.MONEY, "List price, log-normal by category, ends in .99."),
        Column(
            "supplier_id",
            pa.string(),
            "The supplier (suppliers.supplier_id).",
            references="suppliers.supplier_id",
        ),
        Column("launch_date", pa.date32(), "First day on sale; never after a sale of it."),
        Column("discontinued", pa.bool_(), "No longer reordered."),
    ),
)
