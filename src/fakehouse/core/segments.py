"""Vectorised work on rows grouped in contiguous segments, and exact totals over groups.

Rows of one segment (the transactions of an account, the accounts of a customer group) sit
next to each other; a segment is described by its length. Everything here is numpy, O(rows),
with no Python loop per segment.

`Allocation` splits an exact table total over fixed-size groups of parent rows by a prefix
formula, so a group's share is a pure function of the group index: blocks that hold whole
groups stay independent, and the split never depends on how the engine cuts blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def starts(lengths: np.ndarray) -> np.ndarray:
    """First row of each segment (exclusive prefix sum of `lengths`)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    out = np.zeros(len(lengths), dtype=np.int64)
    if len(lengths) > 1:
        np.cumsum(lengths[:-1], out=out[1:])
    return out


def ids(lengths: np.ndarray) -> np.ndarray:
    """Segment number of every row."""
    lengths = np.asarray(lengths, dtype=np.int64)
    return np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)


def positions(lengths: np.ndarray) -> np.ndarray:
    """0-based position of every row inside its segment."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(starts(lengths), lengths)


def cumsum(values: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Inclusive running sum that restarts at every segment; `segment` is non-decreasing."""
    values = np.asarray(values)
    if len(values) == 0:
        return values.copy()
    total = np.cumsum(values)
    first = np.flatnonzero(np.r_[True, segment[1:] != segment[:-1]])
    before = total[first] - values[first]
    lengths = np.diff(np.r_[first, len(values)])
    return total - np.repeat(before, lengths)


def reduce(ufunc: np.ufunc, values: np.ndarray, lengths: np.ndarray, empty) -> np.ndarray:
    """`ufunc.reduce` over each segment; `empty` for segments of length 0."""
    lengths = np.asarray(lengths, dtype=np.int64)
    out = np.full(len(lengths), empty, dtype=np.result_type(values, type(empty)))
    full = lengths > 0
    if full.any():
        out[full] = ufunc.reduceat(values, starts(lengths)[full])
    return out


def systematic(weights: np.ndarray, segment: np.ndarray, totals: np.ndarray, u: np.ndarray):
    """How many of `totals[s]` draws each item gets, by systematic sampling inside its segment.

    Items of segment `s` share `totals[s]` draws in proportion to their weights; an item whose
    expected count x is below 1 is drawn once with probability x, never twice. Totals are exact.
    `segment` is the non-decreasing segment number of each item, `u` one uniform per segment.
    Items are taken in the order given: shuffle them first to avoid pairing neighbours.
    """
    weights = np.asarray(weights, dtype=np.float64)
    n_seg = len(totals)
    seg_sum = np.bincount(segment, weights=weights, minlength=n_seg)
    scale = np.divide(totals, seg_sum, out=np.zeros(n_seg), where=seg_sum > 0)
    hi = cumsum(weights * scale[segment], segment)
    last = np.r_[segment[1:] != segment[:-1], True] if len(segment) else np.zeros(0, bool)
    hi[last] = np.asarray(totals, dtype=np.float64)[segment[last]] * (seg_sum[segment[last]] > 0)
    lo = np.r_[0.0, hi[:-1]]
    lo[np.r_[True, segment[1:] != segment[:-1]] if len(segment) else slice(0)] = 0.0
    offset = np.asarray(u)[segment]
    return (np.ceil(hi - offset) - np.ceil(lo - offset)).astype(np.int64)


def draws(cum: np.ndarray, segment_start: np.ndarray, segment_stop: np.ndarray, u: np.ndarray):
    """Items drawn with replacement inside segments of a global cumulative-weight array.

    `cum` is the running sum of item weights over all segments (not normalised); a draw with
    uniform `u` for segment [start, stop) returns an item index in that range.
    """
    base = np.where(segment_start > 0, cum[np.maximum(segment_start - 1, 0)], 0.0)
    top = cum[np.maximum(segment_stop - 1, 0)]
    idx = np.searchsorted(cum, base + u * (top - base), side="right")
    return np.clip(idx, segment_start, segment_stop - 1)


def floor_share(total: int, part: np.ndarray, whole: int) -> np.ndarray:
    """floor(total * part / whole) exactly in int64, without overflow for part <= whole < 2^31."""
    part = np.asarray(part, dtype=np.int64)
    q, r = divmod(int(total), int(whole))
    return q * part + (r * part) // whole


@dataclass(frozen=True)
class Allocation:
    """An exact total split over groups of `group` parent rows out of `parents`, by prefix.

    Group g gets `cum(g + 1) - cum(g)` rows with `cum(g) = floor(total * min(g * group,
    parents) / parents)`: shares follow group sizes, sum exactly to `total`, and each is a
    pure function of g.
    """

    total: int
    parents: int
    group: int

    @property
    def groups(self) -> int:
        return -(-self.parents // self.group)

    def cum(self, g: np.ndarray | int) -> np.ndarray:
        units = np.minimum(np.asarray(g, dtype=np.int64) * self.group, self.parents)
        return floor_share(self.total, units, self.parents)

    def counts(self, g0: int, g1: int) -> np.ndarray:
        return np.diff(self.cum(np.arange(g0, g1 + 1)))

    def group_of(self, rows: np.ndarray | int) -> np.ndarray:
        """The group holding each 0-based row of the allocated table."""
        rows = np.asarray(rows, dtype=np.int64)
        guess = (rows.astype(np.float64) * self.parents / max(self.total, 1)) // self.group
        g = np.clip(guess.astype(np.int64), 0, self.groups - 1)
        for _ in range(4):  # float guess is off by at most one group
            g = np.where(self.cum(g) > rows, g - 1, g)
            g = np.where(self.cum(g + 1) <= rows, g + 1, g)
        return np.clip(g, 0, self.groups - 1)


def apportion(total: int, weights: np.ndarray, caps: np.ndarray | None = None) -> np.ndarray:
    """Non-negative integers summing exactly to `total`, in proportion to `weights`, none
    above its cap: capped items give their excess to the others (water-filling), then the
    largest remainders are rounded up (ties to the lower index). A pure function of its
    arguments, so every worker derives the same split."""
    w = np.asarray(weights, dtype=np.float64)
    cap = np.full(len(w), np.inf) if caps is None else np.asarray(caps, dtype=np.float64)
    room = float(np.sum(np.where(w > 0, cap, 0.0)))
    if total < 0 or (w < 0).any() or (total > 0 and not total <= room):
        raise ValueError(f"cannot split {total} over weights {w} with caps {cap}")
    if total == 0:
        return np.zeros(len(w), dtype=np.int64)
    # the scale at which each item reaches its cap; items fill up in that order
    order = np.argsort(np.divide(cap, w, out=np.full(len(w), np.inf), where=w > 0), kind="stable")
    w_sorted, cap_sorted = w[order], cap[order]
    level = np.divide(cap_sorted, w_sorted, out=np.full(len(w), np.inf), where=w_sorted > 0)
    full = np.concatenate([[0.0], np.cumsum(np.where(np.isinf(level), 0.0, cap_sorted))])
    rest = np.concatenate([np.cumsum(w_sorted[::-1])[::-1], [0.0]])  # weight not yet capped
    # filled at scale level[j]: items 0..j capped, the rest at level[j] x weight
    with np.errstate(invalid="ignore"):
        filled = np.where(np.isinf(level), np.inf, full[1:] + level * rest[1:])
    j = min(int(np.searchsorted(filled, total, side="left")), len(w) - 1)
    scale = (total - full[j]) / rest[j] if rest[j] > 0 else 0.0
    quota = np.minimum(w * scale, cap)
    count = np.floor(quota).astype(np.int64)
    short = total - int(count.sum())
    if short > 0:
        remainder = np.where((count < cap) & (w > 0), quota - count, -1.0)
        count[np.argsort(-remainder, kind="stable")[:short]] += 1
    return count
