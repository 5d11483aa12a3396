"""The retail catalogue's vocabulary (data/catalog.json), flattened for numpy once per process.

Categories hold brands and subcategories; a subcategory holds product types, each with its
price range in dollars, its share of the category's products (`weight`), the mean units of
a sale line (`units`: several of a consumable, one TV) and its attributes: `sizes` ordered
from cheap to dear (a 75-inch TV costs more than a 43-inch one), or `variants` that leave
the price alone (colours, scents). Book titles and the words of supplier names live there
too. Products, suppliers and the checks draw from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow


@dataclass(frozen=True)
class Catalog:
    """Categories, subcategories and product types as flat arrays (types grouped by category,
    in the file's order)."""

    categories: tuple[str, ...]
    sub_start: np.ndarray  # per category: first subcategory, count
    sub_count: np.ndarray
    subcategories: pa.Array
    brand_start: np.ndarray  # per category: first brand, count
    brand_count: np.ndarray
    brands: pa.Array
    type_start: np.ndarray  # per category: first type, count
    type_count: np.ndarray
    types: pa.Array  # per type: name, and
    type_category: np.ndarray
    type_subcategory: np.ndarray  # index into subcategories
    price_low: np.ndarray  # dollars
    price_high: np.ndarray
    weight: np.ndarray  # share of its category's products
    units: np.ndarray  # mean units per sale line
    attribute_start: np.ndarray  # first attribute, count
    attribute_count: np.ndarray
    sized: np.ndarray  # attributes set the price (ordered cheap to dear)
    attributes: pa.Array
    raw: dict

    def type_level(self) -> np.ndarray:
        """Each type's typical price in dollars (the geometric middle of its range)."""
        return np.sqrt(self.price_low * self.price_high)

    def category_levels(self) -> dict[str, float]:
        """Typical price of each category's products: its types' levels, weighted by their
        shares of the category (geometric mean), at catalogue prices."""
        levels = np.log(self.type_level())
        out = {}
        for c, name in enumerate(self.categories):
            rows = slice(self.type_start[c], self.type_start[c] + self.type_count[c])
            out[name] = float(np.exp(np.average(levels[rows], weights=self.weight[rows])))
        return out


@cache
def catalog() -> Catalog:
    text = resources.files("fakehouse.domains.retail").joinpath("data/catalog.json").read_text()
    raw = json.loads(text)
    variants = raw["variants"]
    subs, brands, types, attributes = [], [], [], []
    per_category: dict[str, list] = {k: [] for k in ("brand_start", "brand_count")}
    per_category.update(type_start=[], type_count=[], sub_start=[], sub_count=[])
    keys = ("category", "sub", "low", "high", "weight", "units", "a_start", "a_count", "sized")
    per_type: dict[str, list] = {k: [] for k in keys}
    for c, spec in enumerate(raw["categories"].values()):
        per_category["brand_start"].append(len(brands))
        per_category["brand_count"].append(len(spec["brands"]))
        brands.extend(spec["brands"])
        per_category["type_start"].append(len(types))
        per_category["sub_start"].append(len(subs))
        per_category["sub_count"].append(len(spec["subcategories"]))
        for sub, sub_types in spec["subcategories"].items():
            subs.append(sub)
            for name, t in sub_types.items():
                values = t["sizes"] if "sizes" in t else variants[t["variants"]]
                types.append(name)
                per_type["category"].append(c)
                per_type["sub"].append(len(subs) - 1)
                per_type["low"].append(t["price"][0])
                per_type["high"].append(t["price"][1])
                per_type["weight"].append(t.get("weight", 1.0))
                per_type["units"].append(t.get("units", 1.0))
                per_type["a_start"].append(len(attributes))
                per_type["a_count"].append(len(values))
                per_type["sized"].append("sizes" in t)
                attributes.extend(values)
        per_category["type_count"].append(len(types) - per_category["type_start"][-1])
    a = lambda key, kind=np.int64: np.asarray(per_type[key], dtype=kind)  # noqa: E731
    return Catalog(
        categories=tuple(raw["categories"]),
        sub_start=np.asarray(per_category["sub_start"]),
        sub_count=np.asarray(per_category["sub_count"]),
        subcategories=arrow.strings(subs),
        brand_start=np.asarray(per_category["brand_start"]),
        brand_count=np.asarray(per_category["brand_count"]),
        brands=arrow.strings(brands),
        type_start=np.asarray(per_category["type_start"]),
        type_count=np.asarray(per_category["type_count"]),
        types=arrow.strings(types),
        type_category=a("category"),
        type_subcategory=a("sub"),
        price_low=a("low", np.float64),
        price_high=a("high", np.float64),
        weight=a("weight", np.float64),
        units=a("units", np.float64),
        attribute_start=a("a_start"),
        attribute_count=a("a_count"),
        sized=a("sized", bool),
        attributes=arrow.strings(attributes),
        raw=raw,
    )
