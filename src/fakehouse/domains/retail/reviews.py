"""retail_analytics.product_reviews: ratings about real purchases, and some unverified ones.

A verified review picks a past sale and one of its lines, re-deriving (not reading) the sale's
customer, product and date from its index; it is written on or after the sale's day. Ratings
are bell-shaped around ~3.9, shift with a per-product quality, and drop for returned purchases.

The words follow the product and the rating (data/reviews.json): an opener naming what the
product is ("this laptop", from its subcategory), one or two sentences about aspects that
product has (battery and screen for a phone, sizing and fabric for a top, binding for a book,
plus value for anything), praise or complaint by the rating (a three-star review has one of
each), and a closer; only a returned purchase says it was returned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, segments
from fakehouse.core.distributions import geometric
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.retail import customers, products, sales
from fakehouse.domains.retail.catalog import catalog
from fakehouse.domains.retail.params import STATUSES

NAME = "product_reviews"
UNVERIFIABLE = ("Cancelled", "Pending")
EVERY_CATEGORY = "every category"  # aspects of reviews.json that any product has
RATINGS = range(1, 6)


@dataclass(frozen=True)
class Ranges:
    """Runs of `Phrases.values`: run `key` is start[key] .. start[key] + count[key]."""

    start: np.ndarray
    count: np.ndarray

    def pick(self, key: np.ndarray, u: np.ndarray) -> np.ndarray:
        return self.start[key] + np.floor(u * self.count[key]).astype(np.int64)


@dataclass(frozen=True)
class Phrases:
    """Every phrase of data/reviews.json in one string array, with the runs reviews pick from:
    by rating and subcategory (openers and titles, naming the product), by rating (closers),
    by aspect (praise, complaints and their titles), and each subcategory's aspects."""

    values: pa.Array
    openers: Ranges  # key (rating - 1) x subcategories + subcategory
    titles: Ranges  # the same keys
    closers: Ranges  # key rating - 1
    returned: Ranges  # key 0
    good: Ranges  # key aspect
    bad: Ranges
    good_titles: Ranges
    bad_titles: Ranges
    aspects: Ranges  # key subcategory: runs of `aspect_ids`
    aspect_ids: np.ndarray


@cache
def phrases() -> Phrases:
    text = resources.files("fakehouse.domains.retail").joinpath("data/reviews.json").read_text()
    raw = json.loads(text)
    data = catalog()
    owner = np.repeat(np.arange(len(data.categories)), data.sub_count)
    subs = [
        (data.categories[c], s) for c, s in zip(owner, data.subcategories.to_pylist(), strict=True)
    ]
    values: list[str] = []

    def runs(lists: list[list[str]]) -> Ranges:
        start = []
        for texts in lists:
            start.append(len(values))
            values.extend(texts)
        return Ranges(np.array(start, dtype=np.int64), np.array([len(x) for x in lists]))

    things = [raw["things"].get(c, {}).get(s, "item") for c, s in subs]
    named = lambda kind: runs(  # noqa: E731
        [
            [t.replace("{thing}", thing) for t in raw[kind][str(r)]]
            for r in RATINGS
            for thing in things
        ]
    )
    openers, titles = named("openers"), named("titles")
    closers = runs([raw["closers"][str(r)] for r in RATINGS])
    returned = runs([raw["returned"]])
    aspects = [
        (category, spec) for category, specs in raw["aspects"].items() for spec in specs.values()
    ]
    good, bad, good_titles, bad_titles = (
        runs([spec[field] for _, spec in aspects])
        for field in ("good", "bad", "good_titles", "bad_titles")
    )
    applies = [
        [
            i
            for i, (category, spec) in enumerate(aspects)
            if category == EVERY_CATEGORY or (category == c and s in spec.get("subcategories", [s]))
        ]
        for c, s in subs
    ]
    counts = np.array([len(a) for a in applies])
    return Phrases(
        arrow.strings(values),
        openers,
        titles,
        closers,
        returned,
        good,
        bad,
        good_titles,
        bad_titles,
        Ranges(segments.starts(counts), counts),
        np.array([i for a in applies for i in a], dtype=np.int64),
    )


def product_quality(ctx: Context, product: np.ndarray) -> np.ndarray:
    """Rating offset of a product (some products are simply better)."""
    sd = ctx.params.reviews.product_quality_sd
    return sd * ctx.stream(products.NAME, "quality").normal(product)


def words(
    ctx: Context, r: np.ndarray, product: np.ndarray, rating: np.ndarray, returned: np.ndarray
) -> tuple[pa.Array, pa.Array]:
    """Title and text of reviews `r` of `product` with `rating` (see the module doc)."""
    p = ctx.params.reviews
    s = lambda column: ctx.stream(NAME, column).uniform(r)  # noqa: E731
    w = phrases()
    sub = products.subcategory(ctx, product)
    named = (rating - 1) * len(catalog().subcategories) + sub
    # two different aspects of the product; a three-star review praises one, faults the other
    first, many = w.aspects.start[sub], w.aspects.count[sub]
    one = np.floor(s("aspect") * many).astype(np.int64)
    other = (one + 1 + np.floor(s("other_aspect") * (many - 1)).astype(np.int64)) % many
    aspect, second = w.aspect_ids[first + one], w.aspect_ids[first + other]
    praise = rating >= 3
    said = np.where(praise, w.good.pick(aspect, s("praise")), w.bad.pick(aspect, s("complaint")))
    more = (many > 1) & ((rating == 3) | (s("detail") < p.detail_rate))
    also = np.where(
        rating > 3, w.good.pick(second, s("more_praise")), w.bad.pick(second, s("more_complaint"))
    )
    sent_back = returned & (rating <= 3)
    closer = np.where(
        sent_back,
        w.returned.pick(np.zeros(len(r), dtype=np.int64), s("closer")),
        w.closers.pick(rating - 1, s("closer")),
    )
    text = arrow.join(
        arrow.take(w.values, w.openers.pick(named, s("opener"))),
        " ",
        arrow.take(w.values, said),
        arrow.where(more, arrow.join(" ", arrow.take(w.values, also)), ""),
        " ",
        arrow.take(w.values, closer),
    )
    # the headline names the aspect or the product (a three-star one never an aspect)
    headline = (rating != 3) & (s("headline") < p.aspect_title_rate)
    title = np.where(
        headline,
        np.where(
            praise, w.good_titles.pick(aspect, s("title")), w.bad_titles.pick(aspect, s("title"))
        ),
        w.titles.pick(named, s("title")),
    )
    return arrow.take(w.values, title), text


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.reviews
    r = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    w = ctx.window

    # the sale behind each review, looked at only where the review may be verified (every
    # draw is keyed by the review, so each side draws for its own rows alone)
    sale = s("transaction").integers(r, 0, ctx.sizes[sales.NAME])
    verified = s("verified").uniform(r) < p.verified_share
    maybe = np.flatnonzero(verified)
    sold = sales.baskets(ctx, sale[maybe])
    status = np.asarray(STATUSES)[sold.status]
    can = ~np.isin(status, UNVERIFIABLE)
    verified[maybe[~can]] = False
    rows, sold_day = maybe[can], sold.day[can]
    customer, product, day = (np.empty(len(r), dtype=np.int64) for _ in range(3))
    returned = np.zeros(len(r), dtype=bool)
    line = 1 + np.floor(s("line").uniform(r[rows]) * sold.items[can]).astype(np.int64)
    customer[rows] = sold.customer[can]
    store = sold.store[can]
    product[rows] = sales.line_products(ctx, sale[rows], line, sold_day, store)
    lag = geometric(s("delay").uniform(r[rows]), 1.0 / (1.0 + p.mean_delay_days))
    day[rows] = np.minimum(sold_day + lag, w.end_day)
    returned[rows] = status[can] == "Returned"

    # unverified reviews: any customer, any product on sale by the review day
    rows = np.flatnonzero(~verified)
    customer[rows], registered = customers.pick_registered(ctx, s("customer"), r[rows])
    first = np.maximum(registered, w.start_day)
    day[rows] = uniform_days(s("review_date").uniform(r[rows]), first, w.end_day)
    product[rows] = products.pick(ctx, s("product"), r[rows], day[rows])
    latent = (
        p.rating_mean
        + product_quality(ctx, product)
        + p.rating_sd * s("rating").normal(r)
        - p.returned_penalty * returned
    )
    rating = np.clip(np.round(latent), 1, 5).astype(np.int64)
    votes = geometric(s("votes").uniform(r), 1.0 / (1.0 + p.mean_votes))
    helpful = np.floor(votes * s("helpful").uniform(r) ** 0.6).astype(np.int64)
    title, text = words(ctx, r, product, rating, returned)
    return {
        "review_id": TABLE.ids(r),
        "product_id": products.ids(product),
        "customer_id": customers.ids(customer),
        "transaction_id": arrow.null_where(sales.ids(sale), ~verified),
        "rating": rating.astype(np.int32),
        "review_title": title,
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
        Column(
            "product_id",
            pa.string(),
            "Product reviewed.",
            references="products.product_id",
            varied=True,
        ),
        Column(
            "customer_id", pa.string(), "Reviewer.", references="customers.customer_id", varied=True
        ),
        Column(
            "transaction_id",
            pa.string(),
            "The sale of this product to this customer, for verified reviews; else null.",
            nullable=True,
            references="transactions.transaction_id",
            varied=True,
        ),
        Column("rating", pa.int32(), "1-5 stars, bell-shaped around 3.9."),
        Column("review_title", pa.string(), "Short headline matching the rating."),
        Column("review_text", pa.string(), "Body text matching the rating.", varied=True),
        Column("review_date", pa.date32(), "On or after the sale's day for verified reviews."),
        Column("verified_purchase", pa.bool_(), "True iff transaction_id is set."),
        Column("helpful_count", pa.int32(), "Helpful votes, at most total_votes."),
        Column("total_votes", pa.int32(), "Votes cast on the review."),
    ),
)
