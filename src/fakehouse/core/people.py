"""Names and street addresses sampled from the shipped reference data, vectorised."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

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
