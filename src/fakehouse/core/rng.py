"""Counter-based randomness: every draw is a pure function of (seed, names, row index).

A `Stream` is keyed by hashing *names* (seed, table, column, ...) with BLAKE2b, and a draw for
row `i` is the splitmix64 finaliser of `key + i * golden`. There is no state: any block of rows
can be produced alone, on any worker, in any order, and gives the same values. Adding a table
or a column never shifts another's stream, because keys come from names, not positions.

Events with two or more counters (an account's days, a customer's months) draw at a path
`(account, day)`, turned into one index by `path`: the first counter selects a random base
(its finaliser), from which the next one counts. Two counters never run into each other's
range, however large either grows, so no event is told apart from another by arithmetic on
its counters. Stream methods take a path as a tuple; code that draws several columns for
the same events computes `path(...)` once and passes the index.

This module must never use a global random state or a per-row Python call.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_TO_UNIT = 2.0**-53
_PATH = np.uint64(0x632BE59BD9B4E019)  # keeps path bases apart from plain indices


def hash_names(*names: object) -> int:
    """A 64-bit key from names; stable across processes, platforms and Python versions."""
    text = "\x1f".join(str(n) for n in names).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection of uint64 with full avalanche."""
    x = x ^ (x >> _S30)
    x = x * _M1
    x = x ^ (x >> _S27)
    x = x * _M2
    return x ^ (x >> _S31)


#: a row index, or a path of counters (account, day, ...) of equal shapes (scalars broadcast)
Index = np.ndarray | int | tuple


def _as_index(index: np.ndarray | int) -> np.ndarray:
    return np.asarray(index).astype(np.uint64, copy=False)


def path(first: np.ndarray | int, *rest: np.ndarray | int) -> np.ndarray:
    """One index (uint64) for a path of counters such as (account, day): the first counter's
    finaliser is a random base from which the next counts, and so on. A one-counter path is
    the counter itself."""
    at = _as_index(first)
    with np.errstate(over="ignore"):
        for counter in rest:
            at = mix64(at * _GOLDEN + _PATH) + _as_index(counter)
    return at


@dataclass(frozen=True)
class Stream:
    """Independent random numbers indexed by row; derive sub-streams by name with `child`."""

    key: int

    @classmethod
    def root(cls, seed: int) -> Stream:
        return cls(hash_names("fakehouse", seed))

    def child(self, *names: object) -> Stream:
        return Stream(hash_names(self.key, *names))

    def bits(self, index: Index) -> np.ndarray:
        """64 random bits per row index, or per path of counters (see the module doc)."""
        at = path(*index) if isinstance(index, tuple) else _as_index(index)
        with np.errstate(over="ignore"):
            return mix64(np.uint64(self.key) + at * _GOLDEN)

    def ids(self, index: Index) -> np.ndarray:
        """Non-negative int64 identities of 63 random bits: distinct in practice, so that
        events can be recognised (the two sides of a transfer) without numbering them."""
        return (self.bits(index) >> np.uint64(1)).astype(np.int64)

    def uniform(self, index: Index) -> np.ndarray:
        """Uniform floats in the open interval (0, 1): safe for log and inverse CDFs."""
        return ((self.bits(index) >> np.uint64(11)).astype(np.float64) + 0.5) * _TO_UNIT

    def integers(self, index: Index, low: int, high: np.ndarray | int) -> np.ndarray:
        """Integers in [low, high); `high` may be an array (per-row bounds)."""
        span = np.asarray(high, dtype=np.int64) - low
        return low + np.floor(self.uniform(index) * span).astype(np.int64)

    def normal(self, index: Index) -> np.ndarray:
        """Standard normal draws by Box-Muller from two named sub-streams."""
        u1 = self.child("bm", 1).uniform(index)
        u2 = self.child("bm", 2).uniform(index)
        return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
