"""Real US reference data (names, ZIP-code places, states, streets) for sampling.

The data ships as small Parquet files in ``fakehouse/core/data`` (compiled offline by
``scripts/build_reference.py``; sources and licences in ``data/README.md``). Each file is
read once per process; every accessor returns the same immutable object afterwards.

Sampling is vectorised: callers draw uniforms ``u`` in [0, 1) from their own generator and
turn them into row indices with ``sample``; values come out with ``values.take(indices)``
or, to skip pyarrow's numpy conversion path (which imports pandas when it is installed),
with ``take(values, indices)``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = [
    "Places",
    "States",
    "Vocabulary",
    "first_names",
    "last_names",
    "places",
    "states",
    "street_names",
    "street_suffixes",
    "take",
]


def _cumulative(weights: np.ndarray) -> np.ndarray:
    """Normalised cumulative weights; the last entry is exactly 1.0."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.size == 0 or not np.all(weights >= 0) or not weights.sum() > 0:
        raise ValueError("weights must be non-negative with a positive total")
    cumulative = np.cumsum(weights)
    cumulative /= cumulative[-1]
    cumulative[-1] = 1.0
    return cumulative


def _frozen(array: np.ndarray) -> np.ndarray:
    """The cached objects are shared by every caller: make their arrays read-only."""
    array = np.array(array, copy=True)
    array.flags.writeable = False
    return array


def _inverse_cdf(cumulative: np.ndarray, u: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(cumulative, np.asarray(u, dtype=np.float64), side="right")
    # u is in [0, 1) and cumulative[-1] == 1.0, so idx < n; the clip guards u == 1.0.
    return np.minimum(idx, cumulative.size - 1).astype(np.int64, copy=False)


@dataclass(frozen=True)
class Vocabulary:
    """Values to sample from, with cumulative weights."""

    values: pa.Array  # pa.string()
    cumulative: np.ndarray  # float64, non-decreasing, last == 1.0

    def sample(self, u: np.ndarray) -> np.ndarray:
        """Map uniforms in [0, 1) to int64 indices into ``values``."""
        return _inverse_cdf(self.cumulative, u)


@dataclass(frozen=True)
class States:
    """The 50 states and DC, sorted by two-letter code."""

    code: pa.Array
    name: pa.Array
    population: np.ndarray  # int64, 2020 census resident population
    sales_tax_rate: np.ndarray  # float64 fraction, statewide rate
    share: np.ndarray  # float64, population share, sums to 1


@dataclass(frozen=True)
class Places:
    """Real, active, standard US ZIP codes, sorted by state then ZIP code."""

    zip_code: pa.Array
    city: pa.Array
    state: pa.Array
    county: pa.Array
    area_code: pa.Array
    latitude: np.ndarray  # float64
    longitude: np.ndarray  # float64
    state_index: np.ndarray  # int16, index into States.code
    cumulative: np.ndarray  # float64, population-weighted, last == 1.0
    state_start: np.ndarray  # int64, first place of each state (indexed like States.code)
    state_stop: np.ndarray  # int64, one past the last place of each state

    def __len__(self) -> int:
        return len(self.zip_code)

    def population_share(self) -> np.ndarray:
        """Each place's share of the US population (the steps of `cumulative`)."""
        return np.diff(self.cumulative, prepend=0.0)

    def sample(self, u: np.ndarray) -> np.ndarray:
        """Population-weighted place indices for uniforms in [0, 1)."""
        return _inverse_cdf(self.cumulative, u)

    def sample_state(self, u: np.ndarray, state_cumulative: np.ndarray | None = None):
        """The state (an index into States) of `sample(u)`'s place, or without the place of
        `sample_with_states(state_cumulative, u)`'s. Found among the states' ends of the
        cumulative weights, not among every ZIP code: places are sorted by state, so the
        first place past u lies in the first state whose end is past u."""
        if state_cumulative is None:
            state_cumulative = self.cumulative[np.maximum(self.state_stop - 1, 0)]
        return _inverse_cdf(state_cumulative, u)

    def sample_with_states(self, state_cumulative: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Place indices whose states follow `state_cumulative` (normalised cumulative
        weights over States, last == 1.0), by population inside a state. One uniform per
        draw: it picks the state, and its position inside the state's slice the place."""
        u = np.asarray(u, dtype=np.float64)
        state = _inverse_cdf(state_cumulative, u)
        lo = np.where(state > 0, state_cumulative[np.maximum(state - 1, 0)], 0.0)
        width = state_cumulative[state] - lo
        inner = np.divide(u - lo, width, out=np.zeros_like(u), where=width > 0)
        return self.sample_in_state(state, np.clip(inner, 0.0, np.nextafter(1.0, 0.0)))

    def sample_in_state(self, state_idx: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A population-weighted place inside each given state (an index into States)."""
        state_idx = np.asarray(state_idx, dtype=np.int64)
        start = self.state_start[state_idx]
        stop = self.state_stop[state_idx]
        # Cumulative mass before each state's slice and at its end.
        lo = np.where(start > 0, self.cumulative[np.maximum(start - 1, 0)], 0.0)
        hi = self.cumulative[stop - 1]
        target = lo + np.asarray(u, dtype=np.float64) * (hi - lo)
        idx = np.searchsorted(self.cumulative, target, side="right")
        return np.clip(idx, start, stop - 1).astype(np.int64, copy=False)


def _read(name: str) -> pa.Table:
    data = (resources.files("fakehouse.core") / "data" / name).read_bytes()
    # ParquetFile rather than pq.read_table: read_table imports pyarrow.dataset (~200 ms).
    return pq.ParquetFile(pa.BufferReader(data)).read()


def _column(table: pa.Table, name: str) -> pa.Array:
    column = table.column(name)
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


# pyarrow's own numpy conversions (Array.to_numpy, pa.array(ndarray)) import pandas on
# first use when it is installed, which costs ~0.2 s. The loader works on Arrow buffers
# directly instead, so loading stays fast and pandas-free.
_NUMPY_TYPES = {pa.float64(): np.float64, pa.int64(): np.int64, pa.int32(): np.int32}


def _numbers(array: pa.Array | pa.ChunkedArray, arrow_type: pa.DataType) -> np.ndarray:
    """A read-only numpy copy of a null-free numeric Arrow array."""
    if isinstance(array, pa.ChunkedArray):
        array = array.chunk(0) if array.num_chunks == 1 else array.combine_chunks()
    if array.null_count:
        raise ValueError("reference data must not contain nulls")
    if array.type != arrow_type:
        array = array.cast(arrow_type)
    dtype = np.dtype(_NUMPY_TYPES[arrow_type])
    values = np.frombuffer(
        array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize
    )
    return _frozen(values)


def _indices(indices: np.ndarray) -> pa.Array:
    """Zero-copy int64 Arrow array over a numpy index array."""
    indices = np.ascontiguousarray(indices, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(indices), [None, pa.py_buffer(indices)])


def take(values: pa.Array, indices: np.ndarray) -> pa.Array:
    """``values.take(indices)`` for numpy indices, without pyarrow's pandas-importing path."""
    return values.take(_indices(indices))


def _vocabulary(table: pa.Table, key: str, kind: str, value: str) -> Vocabulary:
    encoded = _column(table, key).dictionary_encode()
    kinds = encoded.dictionary.to_pylist()
    if kind not in kinds:
        raise ValueError(f"no {kind!r} rows in reference data")
    rows = np.flatnonzero(_numbers(encoded.indices, pa.int32()) == kinds.index(kind))
    selected = table.take(_indices(rows))
    return Vocabulary(
        values=_column(selected, value),
        cumulative=_frozen(_cumulative(_numbers(selected.column("weight"), pa.float64()))),
    )


@functools.cache
def _names() -> pa.Table:
    return _read("names.parquet")


@functools.cache
def _streets() -> pa.Table:
    return _read("streets.parquet")


@functools.cache
def first_names(gender: str) -> Vocabulary:
    """First names weighted by real frequency; ``gender`` is 'F' or 'M'."""
    kinds = {"F": "first_female", "M": "first_male"}
    if gender not in kinds:
        raise ValueError(f"gender must be 'F' or 'M', not {gender!r}")
    return _vocabulary(_names(), "kind", kinds[gender], "name")


@functools.cache
def last_names() -> Vocabulary:
    """Last names weighted by real frequency."""
    return _vocabulary(_names(), "kind", "last", "name")


@functools.cache
def street_names() -> Vocabulary:
    """Common US street names ('Main', 'Oak', '2nd', ...), roughly weighted."""
    return _vocabulary(_streets(), "kind", "name", "value")


@functools.cache
def street_suffixes() -> Vocabulary:
    """USPS street suffix abbreviations ('St', 'Ave', 'Rd', ...), roughly weighted."""
    return _vocabulary(_streets(), "kind", "suffix", "value")


@functools.cache
def states() -> States:
    """The 50 states and DC with 2020 census population and statewide sales tax rate."""
    table = _read("states.parquet").sort_by("state")
    population = _numbers(table.column("population"), pa.int64())
    return States(
        code=_column(table, "state"),
        name=_column(table, "state_name"),
        population=population,
        sales_tax_rate=_numbers(table.column("sales_tax_rate"), pa.float64()),
        share=_frozen(population / population.sum()),
    )


@functools.cache
def places() -> Places:
    """Active standard ZIP codes of the 50 states and DC, weighted by population."""
    st = states()
    table = _read("places.parquet")
    found = pc.index_in(table.column("state"), value_set=st.code)
    if found.null_count:
        raise ValueError("places reference a state missing from states.parquet")
    state_index = _numbers(found, pa.int32()).astype(np.int16)
    # The build writes places sorted by state; sort anyway so per-state slices are valid.
    order = np.argsort(state_index, kind="stable")
    if not np.array_equal(order, np.arange(order.size)):
        table = table.take(_indices(order))
        state_index = state_index[order]
    counts = np.bincount(state_index, minlength=len(st.code)).astype(np.int64)
    if (counts == 0).any():
        raise ValueError("every state needs at least one place")
    stop = np.cumsum(counts)
    return Places(
        zip_code=_column(table, "zip_code"),
        city=_column(table, "city"),
        state=_column(table, "state"),
        county=_column(table, "county"),
        area_code=_column(table, "area_code"),
        latitude=_numbers(table.column("latitude"), pa.float64()),
        longitude=_numbers(table.column("longitude"), pa.float64()),
        state_index=_frozen(state_index),
        cumulative=_frozen(_cumulative(_numbers(table.column("weight"), pa.float64()))),
        state_start=_frozen(stop - counts),
        state_stop=_frozen(stop),
    )
