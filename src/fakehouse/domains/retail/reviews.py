"""retail_analytics.product_reviews: ratings about real purchases, and some unverified ones.

A verified review picks a past sale and one of its lines, re-deriving (not reading) the sale's
customer, product and date from its index; it is written on or after the sale's day. Ratings
are bell-shaped around ~3.9, shift with a per-product quality, and drop for returned purchases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.distributions import geometric
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.retail import customers, products, sales
from fakehouse.domains.retail.params import STATUSES

NAME = "product_reviews"
UNVERIFIABLE = ("Cancelled", "Pending")


@dataclass(frozen=True)
class Phrases:
    values: pa.Array
    start: np.ndarray  # by rating 1..5 at index 0..4
    count: np.ndarray

    def pick(self, rating: np.ndarray, u: np.ndarray) -> pa.Array:
        slot = self.start[rating - 1] + np.floor(u * self.count[rating - 1]).astype(np.int64)
        return arrow.take(self.values, slot)


@cache
def phrases(kind: str) -> Phrases:
    text = resources.files("fakehouse.domains.retail").joinpath("data/reviews.json").read_text()
    by_rating = json.loads(text)[kind]
    lists = [by_rating[str(r)] for r in range(1, 6)]
    count = np.array([len(x) for x in lists])
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    return Phrases(arrow.strings([x for xs in lists for x in xs]), start, count)


def product_quality(ctx: Context, product: np.ndarray) -> np.ndarray:
    """Rating offset of a product (some products are simply better)."""
    sd = ctx.params.reviews.product_quality_sd
    return sd * ctx.stream(products.NAME, "quality").normal(product)


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.reviews
    r = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    w = ctx.window

    # the sale behind each review (used only where the review is verified)
    sale = s("transaction").integers(r, 0, ctx.sizes[sales.NAME])
    sold = sales.baskets(ctx, sale)
    line = 1 + np.floor(s("line").uniform(r) * sold.items).astype(np.int64)
    status = np.asarray(STATUSES)[sold.status]
    verified = (s("verified").uniform(r) < p.verified_share) & ~np.isin(status, UNVERIFIABLE)
    sold_product = sales.line_products(ctx, sale, line, sold.day)
    lag = geometric(s("delay").uniform(r), 1.0 / (1.0 + p.mean_delay_days))
    verified_day = np.minimum(sold.day + lag, w.end_day)

    # unverified reviews: any customer, any product on sale by the review day
    other = customers.pick(ctx, s("customer"), r)
    first = np.maximum(customers.registration_day(ctx, other), w.start_day)
    other_day = uniform_days(s("review_date").uniform(r), first, w.end_day)
    other_product = products.pick(ctx, s("product"), r, other_day)

    customer = np.where(verified, sold.customer, other)
    product = np.where(verified, sold_product, other_product)
    day = np.where(verified, verified_day, other_day)
    returned = verified & (status == "Returned")
    latent = (
        p.rating_mean
        + product_quality(ctx, product)
        + p.rating_sd * s("rating").normal(r)
        - p.returned_penalty * returned
    )
    rating = np.clip(np.round(latent), 1, 5).astype(np.int64)
    votes = geometric(s("votes").uniform(r), 1.0 / (1.0 + p.mean_votes))
    helpful = np.floor(votes * s("helpful").uniform(r) ** 0.6).astype(np.int64)
    text = arrow.join(
        phrases("openers").pick(rating, s("opener").uniform(r)),
        phrases("closers").pick(rating, s("closer").uniform(r)),
        sep=" ",
    )
    return {
        "review_id": TABLE.ids(r),
        "product_id": products.ids(product),
        "customer_id": customers.ids(customer),
        "transaction_id": arrow.null_where(sales.ids(sale), ~verified),
        "rating": rating.astype(np.int32),
        "review_title": phrases("titles").pick(rating, s("title").uniform(r)),
        "review_text": text,
        "review_date": arrow.dates(day),
        "verified_purchase": verified,
        "helpful_count": helpful.astype(np.int32),
        "total_votes": votes.astype(np.int32),
    }


TABLE = Table(
    name=NAME,
    description="Product ratings; verified ones point at the sale they review.",
    base_rows=15_000,
    block=block,
    primary_key=("review_id",),
    parents=("products", "customers", "transactions"),
    columns=(
        Column(
            "review_id",
            pa.string(),
            "Review key, REV + 10 digits, dense from 1.",
            unique=True,
            id_prefix="REV",
        ),
        Column("product_id", pa.string(), "Product reviewed.", references="products.product_id"),
        Column("customer_id", pa.string(), "Reviewer.", references="customers.customer_id"),
        Column(
            "transaction_id",
            pa.string(),
            "The sale of this product to this customer, for verified reviews; else null.",
            nullable=True,
            references="transactions.transaction_id",
        ),
        Column("rating", pa.int32(), "1-5 stars, bell-shaped around 3.9."),
        Column("review_title", pa.string(), "Short headline matching the rating."),
        Column("review_text", pa.string(), "Body text matching the rating."),
        Column("review_date", pa.date32(), "On or after the sale's day for verified reviews."),
        Column("verified_purchase", pa.bool_(), "True iff transaction_id is set."),
        Column("helpful_count", pa.int32(), "Helpful votes, at most total_votes."),
        Column("total_votes", pa.int32(), "Votes cast on the review."),
    ),
)
