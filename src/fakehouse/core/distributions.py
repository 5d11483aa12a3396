"""Vectorised distributions driven by uniforms from `rng.Stream`.

Every function maps arrays of uniforms (or normals) to draws by an inverse CDF or a closed
form, so a draw for a row depends only on that row's uniforms: blocks stay independent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fakehouse.core.segments import starts


def cumulative(weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """Normalised cumulative weights whose last entry is exactly 1.0."""
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or len(w) == 0 or (w < 0).any() or w.sum() <= 0:
        raise ValueError(
            f"weights must be a non-empty, non-negative vector with a positive sum: {w}"
        )
    cum = np.cumsum(w) / w.sum()
    cum[-1] = 1.0
    return cum


def choice(u: np.ndarray, cum: np.ndarray) -> np.ndarray:
    """Indices drawn with the weights behind `cum` (see `cumulative`)."""
    return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)


@dataclass(frozen=True)
class Categorical:
    """A finite distribution over labelled values."""

    values: tuple
    cum: np.ndarray

    @classmethod
    def of(cls, mix: dict) -> Categorical:
        return cls(tuple(mix), cumulative(list(mix.values())))

    def sample(self, u: np.ndarray) -> np.ndarray:
        return choice(u, self.cum)


@dataclass(frozen=True)
class Alias:
    """Several finite laws as Walker's alias tables laid end to end: a draw costs O(1)
    whatever the number of values (one uniform: which entry, and whether to keep it)."""

    keep: np.ndarray  # per entry: the chance of keeping it
    other: np.ndarray  # per entry: the value (within its law) taken otherwise
    start: np.ndarray  # per law: first entry
    count: np.ndarray

    @classmethod
    def of(cls, laws: Sequence[Sequence[float] | np.ndarray]) -> Alias:
        """Tables of the laws (each a vector of weights >= 0 with a positive sum)."""
        keep, other, count = [], [], []
        for weights in laws:
            w = cumulative(weights)  # checks the weights
            n = len(w)
            scaled = list(np.diff(np.concatenate([[0.0], w])) * n)
            k, o = [1.0] * n, list(range(n))
            small = [i for i, x in enumerate(scaled) if x < 1.0]
            large = [i for i, x in enumerate(scaled) if x >= 1.0]
            while small and large:  # Vose: each small entry is topped up by a large one
                a, b = small.pop(), large.pop()
                k[a], o[a] = scaled[a], b
                scaled[b] -= 1.0 - scaled[a]
                (small if scaled[b] < 1.0 else large).append(b)
            keep += k
            other += o
            count.append(n)
        count = np.asarray(count, dtype=np.int64)
        return cls(np.asarray(keep), np.asarray(other, dtype=np.int64), starts(count), count)

    def sample(self, law: np.ndarray, u: np.ndarray) -> np.ndarray:
        """A value (0-based within its law) of law `law` for each uniform."""
        n = self.count[law]
        x = u * n
        slot = np.minimum(x.astype(np.int64), n - 1)
        at = self.start[law] + slot
        return np.where(x - slot < self.keep[at], slot, self.other[at])


def logistic(u: np.ndarray) -> np.ndarray:
    """Unit-variance logistic draws from uniforms: bell-shaped like a normal, a little
    heavier-tailed, and from one uniform (a normal by Box-Muller takes two)."""
    return np.log(u / (1.0 - u)) * (np.sqrt(3.0) / np.pi)


def lognormal(z: np.ndarray, median: float | np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
    """Log-normal values with the given median from standard normals `z`."""
    return np.asarray(median) * np.exp(np.asarray(sigma) * z)


def truncated_normal(
    z: np.ndarray, mean: float | np.ndarray, sd: float | np.ndarray, low: float, high: float
) -> np.ndarray:
    """Normal draws clipped to [low, high] (clipping keeps the draw a pure function of z)."""
    return np.clip(np.asarray(mean) + np.asarray(sd) * z, low, high)


def geometric(
    u: np.ndarray, p: float | np.ndarray, cap: int | np.ndarray | None = None
) -> np.ndarray:
    """Failures before the first success, P(k) = (1-p)^k p, k >= 0 (always 0 when p = 1);
    with `cap`, the law truncated to k <= cap (by inverse CDF, so no mass piles up at the cap)."""
    p = np.asarray(p, dtype=np.float64)
    if cap is not None:  # u scaled into [1 - F(cap), 1): the upper tail above cap is cut off
        tail = np.exp((np.asarray(cap) + 1.0) * np.log1p(-np.minimum(p, 1.0 - 1e-12)))
        u = tail + u * (1.0 - tail)
    with np.errstate(divide="ignore"):
        return np.floor(np.log(u) / np.log1p(-p)).astype(np.int64)


def poisson(u: np.ndarray, lam: float | np.ndarray, cap: int = 64) -> np.ndarray:
    """Poisson counts by inverse CDF, per-row means allowed; counts are capped at `cap`."""
    lam = np.broadcast_to(np.asarray(lam, dtype=np.float64), u.shape)
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    count = np.zeros(u.shape, dtype=np.int64)
    for k in range(1, cap + 1):
        below = cdf < u
        if not below.any():
            break
        count += below
        pmf = pmf * lam / k
        cdf = cdf + pmf
    return count


def zipf_rank(
    u: np.ndarray, n: int | np.ndarray, s: float, offset: float | np.ndarray = 0.0
) -> np.ndarray:
    """Ranks in [0, n) with P(rank k) roughly proportional to (k + 1 + offset) ** -s.

    A continuous power law on [1 + offset, n + 1 + offset) inverted in closed form: a few
    ranks get most draws, the cost is O(1) per draw whatever n is. An offset (Zipf-Mandelbrot)
    flattens the head: the top ranks share their lead instead of one rank taking it all.
    `n` and `offset` may be arrays (one law per draw): `ZipfLaws` made for this call.
    """
    n, offset = np.broadcast_arrays(
        np.asarray(n, dtype=np.int64), np.asarray(offset, dtype=np.float64)
    )
    laws = ZipfLaws.of(n.ravel(), s, offset.ravel())
    return laws.sample(np.asarray(u), 0 if n.ndim == 0 else np.arange(n.size))


@dataclass(frozen=True)
class ZipfLaws:
    """Several Zipf-Mandelbrot laws (`zipf_rank`'s, one per entry: n ranks, an offset, one
    exponent s) with their terms worked out once, so that a draw costs one power."""

    n: np.ndarray
    s: float
    offset: np.ndarray
    low: np.ndarray  # the law's terms at the ends of [1 + offset, n + 1 + offset)
    high: np.ndarray

    @classmethod
    def of(cls, n: np.ndarray, s: float, offset: np.ndarray) -> ZipfLaws:
        n = np.asarray(n, dtype=np.int64)
        start = 1.0 + np.asarray(offset, dtype=np.float64)
        return cls(n, s, start - 1.0, cls._term(start, s), cls._term(start + n, s))

    @staticmethod
    def _term(x: np.ndarray, s: float) -> np.ndarray:
        return np.log(x) if abs(s - 1.0) < 1e-9 else x ** (1.0 - s)

    def _position(self, term: np.ndarray) -> np.ndarray:
        return np.exp(term) if abs(self.s - 1.0) < 1e-9 else term ** (1.0 / (1.0 - self.s))

    def sample(self, u: np.ndarray, law: np.ndarray) -> np.ndarray:
        """A rank of law `law` for each uniform."""
        low, high = self.low[law], self.high[law]
        x = self._position(low + u * (high - low))
        rank = np.floor(x - self.offset[law]).astype(np.int64) - 1
        return np.clip(rank, 0, np.maximum(self.n[law] - 1, 0))

    def share(self, rank: np.ndarray, law: np.ndarray) -> np.ndarray:
        """The chance of `rank` under law `law`."""
        start = 1.0 + self.offset[law] + rank
        low, high = self.low[law], self.high[law]
        return (self._term(start + 1.0, self.s) - self._term(start, self.s)) / (high - low)
