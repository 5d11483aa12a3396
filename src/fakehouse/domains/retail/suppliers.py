"""retail_analytics.suppliers: who makes or distributes the products, and under what contract.

A supplier serves one category of the catalogue (the first suppliers one each, in catalogue
order), some a second one. A product's supplier is one of its category's, a few large ones
carrying most products, whose contract covers every day the product sells in the window
(else another is tried; at last the category's first supplier, whose contract spans the
window), so no sale comes from a supplier out of contract.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, segments
from fakehouse.core.distributions import Categorical, truncated_normal, zipf_rank
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.retail.catalog import catalog

NAME = "suppliers"
NEARSHORE = ("Mexico", "Canada")
DRAWS = 12  # suppliers tried for a product before its category's first one
SIZE_SKEW = 0.9  # Zipf exponent of products per supplier within a category


def ids(idx: np.ndarray) -> pa.Array:
    return TABLE.ids(idx)


def _shares(ctx: Context) -> Categorical:
    cats = ctx.params.products.categories
    return Categorical.of({c: cats[c].share for c in catalog().categories})


def categories(ctx: Context, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Main and second category of suppliers (second -1 for one-category suppliers); supplier
    c < number of categories serves category c."""
    n_cats = len(catalog().categories)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    main = np.where(idx < n_cats, idx, _shares(ctx).sample(s("category").uniform(idx)))
    other = _shares(ctx).sample(s("second_category").uniform(idx))
    other = np.where(other == main, (main + 1) % n_cats, other)
    two = s("two_categories").uniform(idx) < ctx.params.suppliers.second_category_rate
    return main, np.where(two & (n_cats > 1), other, -1)


def contract(ctx: Context, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last day of each supplier's contract. The categories' first suppliers hold
    contracts spanning the window."""
    p = ctx.params.suppliers
    w = ctx.window
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    oldest = w.start_day - int(p.contract_lead_years * 365.25)
    u = s("contract_start").uniform(idx)
    first = catalog_first(idx)
    start = np.where(
        first, uniform_days(u, oldest, w.start_day - 1), uniform_days(u, oldest, w.end_day - 180)
    )
    years = s("contract_years").integers(idx, p.contract_years[0], p.contract_years[1] + 1)
    spanning = np.ceil((w.end_day + 1 - start) / 365.25).astype(np.int64)
    years = np.where(first, np.maximum(years, spanning), years)
    return start, start + np.round(years * 365.25).astype(np.int64)


def catalog_first(idx: np.ndarray) -> np.ndarray:
    """The categories' first suppliers (one per category, in catalogue order)."""
    return np.asarray(idx) < len(catalog().categories)


@dataclass(frozen=True)
class CategoryIndex:
    """Suppliers by category: suppliers[start[c]:start[c] + count[c]] serve category c."""

    suppliers: np.ndarray
    start: np.ndarray
    count: np.ndarray


def by_category(ctx: Context) -> CategoryIndex:
    def build() -> CategoryIndex:
        n_cats = len(catalog().categories)
        idx = np.arange(ctx.sizes[NAME], dtype=np.int64)
        main, second = categories(ctx, idx)
        serving = np.concatenate([idx, idx[second >= 0]])
        category = np.concatenate([main, second[second >= 0]])
        order = np.lexsort((serving, category))
        count = np.bincount(category, minlength=n_cats)
        return CategoryIndex(serving[order], segments.starts(count), count)

    return ctx.cached("suppliers.by_category", build)


def supplying(
    ctx: Context, product: np.ndarray, category: np.ndarray, first: np.ndarray, last: np.ndarray
) -> np.ndarray:
    """A supplier of each product's category whose contract covers its days on sale in the
    window [first, last]: a few large suppliers carry most products of a category."""
    index = by_category(ctx)
    stream = ctx.stream("products", "supplier")
    supplier = category % ctx.sizes[NAME]  # the category's first supplier, at last
    todo = np.flatnonzero(index.count[category] > 0)
    for attempt in range(DRAWS):
        if not len(todo):
            break
        cat = category[todo]
        at = zipf_rank(stream.child(attempt).uniform(product[todo]), index.count[cat], SIZE_SKEW)
        candidate = index.suppliers[index.start[cat] + at]
        start, end = contract(ctx, candidate)
        covers = (start <= first[todo]) & (last[todo] <= end)
        supplier[todo[covers]] = candidate[covers]
        todo = todo[~covers]
    return supplier


def lead_time(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Days from order to delivery: longer from farther away."""
    p = ctx.params.suppliers
    countries = Categorical.of(p.country_mix)
    distance = [
        "domestic" if c == "United States" else "nearshore" if c in NEARSHORE else "overseas"
        for c in countries.values
    ]
    country = countries.sample(ctx.stream(NAME, "country").uniform(idx))
    low = np.array([p.lead_time_days[d][0] for d in distance])[country]
    high = np.array([p.lead_time_days[d][1] for d in distance])[country]
    return ctx.stream(NAME, "lead_time").integers(idx, 0, high - low + 1) + low


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.suppliers
    idx = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    words = catalog().raw
    name = arrow.join(
        *(
            arrow.labels(words[key], s(key).integers(idx, 0, len(words[key])))
            for key in ("supplier_words", "supplier_kinds", "supplier_suffixes")
        ),
        sep=" ",
    )
    types = Categorical.of(p.type_mix)
    countries = Categorical.of(p.country_mix)
    terms = Categorical.of(p.payment_terms)
    contract_start, contract_end = contract(ctx, idx)
    rating = truncated_normal(s("rating").normal(idx), p.rating_mean, p.rating_sd, 1.0, 5.0)
    main, second = categories(ctx, idx)
    labels = catalog().categories
    return {
        "supplier_id": ids(idx),
        "supplier_name": name,
        "supplier_type": arrow.labels(types.values, types.sample(s("supplier_type").uniform(idx))),
        "country": arrow.labels(countries.values, countries.sample(s("country").uniform(idx))),
        "payment_terms": arrow.labels(terms.values, terms.sample(s("payment_terms").uniform(idx))),
        "lead_time_days": lead_time(ctx, idx),
        "rating": np.round(rating, 1),
        "contract_start": arrow.dates(contract_start),
        "contract_end": arrow.dates(contract_end),
        "category": arrow.labels(labels, main),
        "second_category": arrow.null_where(
            arrow.labels(labels, np.maximum(second, 0)), second < 0
        ),
    }


TABLE = Table(
    name=NAME,
    description="Manufacturers and distributors of one or two categories, with contract terms "
    "and lead times.",
    base_rows=1_000,
    block=block,
    primary_key=("supplier_id",),
    columns=(
        Column(
            "supplier_id",
            pa.string(),
            "Supplier key, SUPP + 9 digits, dense from 1.",
            unique=True,
            id_prefix="SUPP",
        ),
        Column("supplier_name", pa.string(), "Company name (fictional)."),
        Column(
            "supplier_type", pa.string(), "Manufacturer, Distributor, Wholesaler or Dropshipper."
        ),
        Column("country", pa.string(), "Country the supplier ships from."),
        Column("payment_terms", pa.string(), "Invoice terms such as Net 30."),
        Column("lead_time_days", pa.int32(), "Days from order to delivery; longer from overseas."),
        Column("rating", pa.float64(), "Supplier score 1.0-5.0."),
        Column("contract_start", pa.date32(), "Contract start."),
        Column(
            "contract_end",
            pa.date32(),
            "Contract end; its products sell only between contract_start and contract_end.",
        ),
        Column("category", pa.string(), "The category the supplier serves."),
        Column(
            "second_category",
            pa.string(),
            "A second category the supplier serves, else null.",
            nullable=True,
        ),
    ),
)
