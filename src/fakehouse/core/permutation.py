"""Keyed pseudo-random permutations of [0, n), with their inverses, vectorised.

A balanced Feistel network on the smallest even bit width covering n, with cycle walking to
stay inside [0, n). It lets a table rank its rows (by popularity, activity, ...) without
storing the ranking: `forward(i)` gives row i's rank, `inverse(r)` the row holding rank r,
both O(1) per value and pure functions of (key, n).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fakehouse.core.rng import hash_names, mix64

_ROUNDS = 4


@dataclass(frozen=True)
class Permutation:
    n: int
    key: int

    @property
    def _half_bits(self) -> int:
        return max(1, ((max(self.n - 1, 1)).bit_length() + 1) // 2)

    def _round_keys(self) -> list[np.uint64]:
        return [np.uint64(hash_names(self.key, "round", r)) for r in range(_ROUNDS)]

    def _network(self, x: np.ndarray, decrypt: bool) -> np.ndarray:
        h = np.uint64(self._half_bits)
        mask = np.uint64((1 << self._half_bits) - 1)
        left, right = x >> h, x & mask
        keys = self._round_keys()
        with np.errstate(over="ignore"):
            if decrypt:
                for k in reversed(keys):
                    left, right = right ^ (mix64(left + k) & mask), left
            else:
                for k in keys:
                    left, right = right, left ^ (mix64(right + k) & mask)
        return (left << h) | right

    def _walk(self, x: np.ndarray, decrypt: bool) -> np.ndarray:
        """Apply the network until every value lands inside [0, n) (cycle walking)."""
        if self.n <= 1:
            return np.zeros(np.shape(x), dtype=np.int64)
        y = self._network(np.asarray(x, dtype=np.uint64), decrypt)
        outside = y >= np.uint64(self.n)
        while outside.any():
            y[outside] = self._network(y[outside], decrypt)
            outside = y >= np.uint64(self.n)
        return y.astype(np.int64)

    def forward(self, i: np.ndarray) -> np.ndarray:
        return self._walk(i, decrypt=False)

    def inverse(self, r: np.ndarray) -> np.ndarray:
        return self._walk(r, decrypt=True)
