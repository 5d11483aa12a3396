"""The ledger's merchants: card merchants by category and billers by bill (data/merchants.json),
and payroll employers by occupation (data/employers.json), invented names loaded once per
process and numbered so that a row holds a merchant as one integer (`Vocab.merchants`:
categories first, then billers)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from fakehouse.core import people
from fakehouse.core.table import Context


@dataclass(frozen=True)
class Vocab:
    categories: tuple[str, ...]
    merchants: tuple[str, ...]  # all merchant names, categories first, then billers
    cat_start: np.ndarray
    cat_count: np.ndarray
    bill_start: dict[str, int]
    bill_count: dict[str, int]
    bill_categories: tuple[str, ...]
    employers: tuple[str, ...]
    employer_spans: dict[str, tuple[int, int]]  # occupation -> (start, count) in employers


@cache
def vocab(categories: tuple[str, ...], bills: tuple[tuple[str, str], ...]) -> Vocab:
    text = resources.files("fakehouse.domains.financial").joinpath("data/merchants.json")
    raw = json.loads(text.read_text())
    names: list[str] = []
    start, count = [], []
    for c in categories:
        start.append(len(names))
        count.append(len(raw["categories"][c]))
        names.extend(raw["categories"][c])
    bill_start, bill_count = {}, {}
    for b, _ in bills:
        bill_start[b] = len(names)
        bill_count[b] = len(raw["billers"][b])
        names.extend(raw["billers"][b])
    all_categories = tuple(dict.fromkeys([*categories, *(c for _, c in bills)]))
    return Vocab(
        all_categories,
        tuple(names),
        np.array(start),
        np.array(count),
        bill_start,
        bill_count,
        all_categories,
        *_employers(),
    )


def _employers() -> tuple[tuple[str, ...], dict[str, tuple[int, int]]]:
    """All payroll employers, and per occupation (or 'Other') the (start, count) of its own
    among them (data/employers.json)."""
    text = resources.files("fakehouse.domains.financial").joinpath("data/employers.json")
    raw = {k: v for k, v in json.loads(text.read_text()).items() if not k.startswith("_")}
    names: list[str] = []
    spans = {}
    for occupation, employers in raw.items():
        spans[occupation] = (len(names), len(employers))
        names.extend(employers)
    return tuple(names), spans


def employers(ctx: Context, occupation: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Index into `Vocab.employers` of the payroll employer of people with `occupation`
    (index into the occupation labels), one of the occupation's own picked by `u`."""
    v = of(ctx)
    labels = people.occupation_labels(ctx.params.people)
    other = v.employer_spans["Other"]
    spans = np.array([v.employer_spans.get(o, other) for o in labels])
    start, count = spans[occupation, 0], spans[occupation, 1]
    return start + np.floor(u * count).astype(np.int64)


def of(ctx: Context) -> Vocab:
    """The vocabulary of the ledger's parameters (its categories and bills)."""
    p = ctx.params.ledger
    return vocab(tuple(p.categories), tuple((b, v.category) for b, v in p.bills.items()))
