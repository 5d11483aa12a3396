"""Review words: the phrase file fits the catalogue and the categories' topics, and the words
of a review follow its product and rating. (Distinct texts, topics by category and returns
are also `validate` checks: tests/quality.)"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from fakehouse.core.table import Context
from fakehouse.domains.retail import DOMAIN, products, reviews
from fakehouse.domains.retail.catalog import catalog
from fakehouse.domains.retail.checks import TOPICS, expected_rating
from fakehouse.domains.retail.params import RetailParams

RAW = json.loads(
    resources.files("fakehouse.domains.retail").joinpath("data/reviews.json").read_text()
)
ASPECTS = RAW["aspects"]
SPECIFIC = {c: a for c, a in ASPECTS.items() if c != reviews.EVERY_CATEGORY}


def subcategories() -> dict[str, list[str]]:
    data = catalog()
    return {c: list(data.raw["categories"][c]["subcategories"]) for c in data.categories}


def phrases_of(specs: dict) -> list[str]:
    return [
        t
        for spec in specs.values()
        for field, texts in spec.items()
        if field != "subcategories"
        for t in texts
    ]


def generic_phrases() -> list[str]:
    lists = [RAW[k][str(r)] for k in ("openers", "closers", "titles") for r in reviews.RATINGS]
    things = [t for names in RAW["things"].values() for t in names.values()]
    return [t for texts in lists for t in texts] + RAW["returned"] + things


def test_every_subcategory_has_a_name_and_two_aspects():
    for category, subs in subcategories().items():
        assert set(RAW["things"][category]) == set(subs), category
        for sub in subs:
            own = [a for a in ASPECTS[category].values() if sub in a.get("subcategories", [sub])]
            assert len(own) >= 2, (category, sub)


def test_aspects_name_subcategories_of_their_category():
    subs = subcategories()
    assert set(SPECIFIC) == set(subs)
    for category, specs in SPECIFIC.items():
        for name, spec in specs.items():
            assert set(spec.get("subcategories", [])) <= set(subs[category]), (category, name)
            assert all(spec[f] for f in ("good", "bad", "good_titles", "bad_titles")), name


def test_topic_words_are_only_in_their_categorys_phrases():
    assert set(TOPICS) == set(SPECIFIC)
    for text in generic_phrases() + phrases_of(ASPECTS[reviews.EVERY_CATEGORY]):
        assert not [w for ws in TOPICS.values() for w in ws if w in text.lower()], text
    for category, specs in SPECIFIC.items():
        for text in phrases_of(specs):
            foreign = [w for c, ws in TOPICS.items() if c != category for w in ws]
            assert not [w for w in foreign if w in text.lower()], (category, text)


def test_only_the_return_phrases_say_returned():
    assert all("returned" in t.lower() for t in RAW["returned"])
    others = [t for t in generic_phrases() if t not in RAW["returned"]]
    assert not [t for t in others + phrases_of(ASPECTS) if "returned" in t.lower()]


@pytest.fixture(scope="module")
def written() -> dict:
    ctx = Context.create(DOMAIN, 3, 0.2)
    n = ctx.sizes[reviews.NAME]
    columns = reviews.block(ctx, 0, n, 0)
    product = np.asarray([int(x[4:]) - 1 for x in columns["product_id"].to_pylist()])
    return {
        "rating": np.asarray(columns["rating"]),
        "text": columns["review_text"].to_pylist(),
        "title": columns["review_title"].to_pylist(),
        "category": np.asarray(catalog().categories)[products.category(ctx, product)],
    }


def said(text: str, category: str, field: str) -> int:
    """How many of the category's (and every category's) `field` phrases `text` holds."""
    specs = {**ASPECTS[category], **ASPECTS[reviews.EVERY_CATEGORY]}
    return sum(t in text for spec in specs.values() for t in spec[field])


def test_praise_and_complaints_follow_the_rating(written):
    for rating, text, category in zip(
        written["rating"], written["text"], written["category"], strict=True
    ):
        good, bad = said(text, category, "good"), said(text, category, "bad")
        expected = {1: (0, 1), 2: (0, 1), 3: (1, 1), 4: (1, 0), 5: (1, 0)}[int(rating)]
        assert (min(good, 1), min(bad, 1)) == expected, (rating, text)
        assert good + bad <= 2


def test_reviews_vary(written):
    n = len(written["text"])
    assert len(set(written["text"])) >= 0.8 * n
    assert len(set(written["title"])) >= 100
    rating = expected_rating(RetailParams())  # the words leave the guide's ratings as they were
    assert rating - 0.3 <= np.mean(written["rating"]) <= rating + 0.2
