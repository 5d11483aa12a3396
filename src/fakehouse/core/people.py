"""Names and street addresses sampled from the shipped reference data, vectorised."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fakehouse.core import arrow, reference
from fakehouse.core.rng import Stream


def first_names(female: np.ndarray, u: np.ndarray) -> pa.Array:
    """Given names by real frequency, from the female or male table per row."""
    f, m = reference.first_names("F"), reference.first_names("M")
    return arrow.where(female, arrow.take(f.values, f.sample(u)), arrow.take(m.values, m.sample(u)))


def last_names(u: np.ndarray) -> pa.Array:
    vocab = reference.last_names()
    return arrow.take(vocab.values, vocab.sample(u))


def street_addresses(stream: Stream, index: np.ndarray, max_number: int = 9_999) -> pa.Array:
    """'1234 Oak St': house numbers log-uniform (short numbers are common), real street names."""
    streets, suffixes = reference.street_names(), reference.street_suffixes()
    house = np.exp(stream.child("number").uniform(index) * np.log(max_number)).astype(np.int64)
    return arrow.join(
        arrow.number_strings(house + 1),
        arrow.take(streets.values, streets.sample(stream.child("street").uniform(index))),
        arrow.take(suffixes.values, suffixes.sample(stream.child("suffix").uniform(index))),
        sep=" ",
    )


def emails(
    first: pa.Array, last: pa.Array, number: np.ndarray, domains: tuple[str, ...], pick: np.ndarray
) -> pa.Array:
    """Unique addresses first.last<number>@domain (number makes them unique; `pick` indexes
    `domains`)."""
    local = pc.replace_substring_regex(
        pc.utf8_lower(arrow.join(first, last, sep=".")), r"[^a-z.]", ""
    )
    return arrow.join(local, arrow.number_strings(number), "@", arrow.labels(domains, pick))


def phones(area_codes: pa.Array, line: np.ndarray) -> pa.Array:
    """Real area code, fictional 555-01xx line (reserved for fiction: reaches nobody)."""
    return arrow.join(area_codes, "-555-01", arrow.number_strings(line, width=2))
