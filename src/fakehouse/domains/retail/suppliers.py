"""retail_analytics.suppliers: who makes or distributes the products."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.distributions import Categorical, truncated_normal, zipf_rank
from fakehouse.core.permutation import Permutation
from fakehouse.core.rng import Stream
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.retail.catalog import catalog

NAME = "suppliers"
NEARSHORE = ("Mexico", "Canada")


def ids(idx: np.ndarray) -> pa.Array:
    return TABLE.ids(idx)


def pick(ctx: Context, stream: Stream, index: np.ndarray) -> np.ndarray:
    """Suppliers for products `index`: a few large suppliers carry many products."""
    n = ctx.sizes[NAME]
    ranking = Permutation(n, ctx.stream(NAME, "size_rank").key)
    return ranking.inverse(zipf_rank(stream.uniform(index), n, 0.9))


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
    country = countries.sample(s("country").uniform(idx))
    distance = [
        "domestic" if c == "United States" else "nearshore" if c in NEARSHORE else "overseas"
        for c in countries.values
    ]
    low = np.array([p.lead_time_days[d][0] for d in distance])[country]
    high = np.array([p.lead_time_days[d][1] for d in distance])[country]
    terms = Categorical.of(p.payment_terms)
    w = ctx.window
    contract_start = uniform_days(
        s("contract_start").uniform(idx), w.start_day - 5 * 365, w.end_day
    )
    years = s("contract_years").integers(idx, p.contract_years[0], p.contract_years[1] + 1)
    rating = truncated_normal(s("rating").normal(idx), p.rating_mean, p.rating_sd, 1.0, 5.0)
    return {
        "supplier_id": ids(idx),
        "supplier_name": name,
        "supplier_type": arrow.labels(types.values, types.sample(s("supplier_type").uniform(idx))),
        "country": arrow.labels(countries.values, country),
        "payment_terms": arrow.labels(terms.values, terms.sample(s("payment_terms").uniform(idx))),
        "lead_time_days": s("lead_time").integers(idx, 0, high - low + 1) + low,
        "rating": np.round(rating, 1),
        "contract_start": arrow.dates(contract_start),
        "contract_end": arrow.dates(contract_start + np.round(years * 365.25).astype(np.int64)),
    }


TABLE = Table(
    name=NAME,
    description="Manufacturers and distributors, with contract terms and lead times.",
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
        Column("contract_end", pa.date32(), "Contract end, 1-5 years after the start."),
    ),
)
