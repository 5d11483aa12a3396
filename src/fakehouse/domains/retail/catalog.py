"""The retail catalogue's vocabulary: categories with their subcategories, product nouns and
brands, and the words of supplier names (data/catalog.json), flattened for numpy once per
process. Products and suppliers both draw from it."""

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
    """Categories with their subcategories, product nouns and brands, flattened for numpy."""

    categories: tuple[str, ...]
    sub_start: np.ndarray  # per category: first subcategory, count
    sub_count: np.ndarray
    subcategories: pa.Array
    noun_start: np.ndarray  # per subcategory: first noun, count
    noun_count: np.ndarray
    nouns: pa.Array
    brand_start: np.ndarray
    brand_count: np.ndarray
    brands: pa.Array
    adjectives: pa.Array
    raw: dict


@cache
def catalog() -> Catalog:
    text = resources.files("fakehouse.domains.retail").joinpath("data/catalog.json").read_text()
    raw = json.loads(text)
    cats = raw["categories"]
    subs, nouns, brands = [], [], []
    sub_start, sub_count, noun_start, noun_count, brand_start, brand_count = ([] for _ in range(6))
    for spec in cats.values():
        sub_start.append(len(subs))
        sub_count.append(len(spec["subcategories"]))
        brand_start.append(len(brands))
        brand_count.append(len(spec["brands"]))
        brands.extend(spec["brands"])
        for sub, sub_nouns in spec["subcategories"].items():
            subs.append(sub)
            noun_start.append(len(nouns))
            noun_count.append(len(sub_nouns))
            nouns.extend(sub_nouns)
    a = np.asarray
    return Catalog(
        tuple(cats),
        a(sub_start),
        a(sub_count),
        arrow.strings(subs),
        a(noun_start),
        a(noun_count),
        arrow.strings(nouns),
        a(brand_start),
        a(brand_count),
        arrow.strings(brands),
        arrow.strings(raw["adjectives"]),
        raw,
    )
