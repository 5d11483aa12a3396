"""Vectorised distributions driven by uniforms from `rng.Stream`.

Every function maps arrays of uniforms (or normals) to draws by an inverse CDF or a closed
form, so a draw for a row depends only on that row's uniforms: blocks stay independent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


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


def lognormal(z: np.ndarray, median: float | np.ndarray, sigma: float | np.ndarray) -> np.ndarray:
    """Log-normal values with the given median from standard normals `z`."""
    return np.asarray(median) * np.exp(np.asarray(sigma) * z)


def truncated_normal(
    z: np.ndarray, mean: float | np.ndarray, sd: float | np.ndarray, low: float, high: float
) -> np.ndarray:
    """Normal draws clipped to [low, high] (clipping keeps the draw a pure function of z)."""
    return np.clip(np.asarray(mean) + np.asarray(sd) * z, low, high)


def geometric(u: np.ndarray, p: float | np.ndarray) -> np.ndarray:
    """Failures before the first success, P(k) = (1-p)^k p, k >= 0 (always 0 when p = 1)."""
    with np.errstate(divide="ignore"):  # p = 1: log(u) / -inf is 0
        return np.floor(np.log(u) / np.log1p(-np.asarray(p))).astype(np.int64)


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


def zipf_rank(u: np.ndarray, n: int, s: float) -> np.ndarray:
    """Ranks in [0, n) with P(rank k) roughly proportional to (k + 1) ** -s.

    A continuous power law on [1, n + 1) inverted in closed form: a few ranks get most draws,
    the cost is O(1) per draw whatever n is.
    """
    if n <= 1:
        return np.zeros(u.shape, dtype=np.int64)
    if abs(s - 1.0) < 1e-9:
        x = np.exp(u * np.log(n + 1.0))
    else:
        a = 1.0 - s
        x = (1.0 + u * ((n + 1.0) ** a - 1.0)) ** (1.0 / a)
    return np.clip(np.floor(x).astype(np.int64) - 1, 0, n - 1)
