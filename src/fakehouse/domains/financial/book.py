"""What the stages of one ledger simulation share (`Book`): the layout of its customer
groups, the ledger's days and months, each account's live span, the customers' primary
accounts, and the rows written so far. Its own module so that the ledger's stages
(`ledger`, `everyday`) can all take it without importing one another."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fakehouse.core.rng import Stream, path
from fakehouse.core.table import Context
from fakehouse.core.timeline import calendar
from fakehouse.domains.financial import layout
from fakehouse.domains.financial.clock import ledger
from fakehouse.domains.financial.layout import CARD, CHECKING, SAVINGS
from fakehouse.domains.financial.rows import Rows

NAME = "transactions"


def months(d0: int, d1: int) -> list[int]:
    """Month numbers (year * 12 + month - 1) overlapping days [d0, d1]."""
    y0, m0, _, _ = calendar(np.array([d0]))
    y1, m1, _, _ = calendar(np.array([d1]))
    return list(range(int(y0[0] * 12 + m0[0] - 1), int(y1[0] * 12 + m1[0])))


def primary(lay: layout.Layout, mask: np.ndarray) -> np.ndarray:
    """Per customer: position of its first account in `mask`, or -1."""
    n = len(lay.people.idx)
    out = np.full(n, np.iinfo(np.int64).max)
    pos = np.flatnonzero(mask)
    np.minimum.at(out, lay.owner[pos], pos)
    return np.where(out == np.iinfo(np.int64).max, -1, out)


def spans(ctx: Context, lay: layout.Layout):
    """(first and last day of the ledger, per account the first day it takes activity and
    the first day it no longer does, whether a deposit account opened inside the ledger)."""
    lw = ledger(ctx)
    d0, d1 = lw.start_day, lw.end_day
    opened_inside = (lay.open_day >= d0) & (lay.kind < CARD)
    lo = np.maximum(lay.open_day + (lay.open_day >= d0), d0)
    hi = np.minimum(lay.close_day, d1 + 1)  # exclusive; closing rows sit on the close day
    return d0, d1, lo, hi, opened_inside


@dataclass
class Book:
    """What the stages of one simulation share: the layout of its customer groups, the
    ledger's days and calendar months, each account's live span [lo, hi) of days, the
    customers' primary Checking and Savings accounts, and the rows written so far."""

    ctx: Context
    lay: layout.Layout
    d0: int  # first and last day of the ledger
    d1: int
    lo: np.ndarray  # per account: first day it takes activity, first day it no longer does
    hi: np.ndarray
    opened_inside: np.ndarray  # per account: a deposit account opened during the ledger
    months: list[int]
    checking: np.ndarray  # per customer: position of the primary account of that type, or -1
    savings: np.ndarray
    rows: Rows = field(default_factory=Rows)

    @classmethod
    def open(cls, ctx: Context, lay: layout.Layout) -> Book:
        d0, d1, lo, hi, opened_inside = spans(ctx, lay)
        live = lo < hi
        return cls(
            ctx,
            lay,
            d0,
            d1,
            lo,
            hi,
            opened_inside,
            months(d0, d1),
            primary(lay, (lay.kind == CHECKING) & live),
            primary(lay, (lay.kind == SAVINGS) & live),
        )

    @property
    def live(self) -> np.ndarray:
        return self.lo < self.hi

    @property
    def account_keys(self) -> np.ndarray:
        """Global account indices: they key account-level draws."""
        return self.lay.index

    @property
    def customer_keys(self) -> np.ndarray:
        return self.lay.people.idx

    def stream(self, column: str) -> Stream:
        return self.ctx.stream(NAME, column)

    def at(self, acc: np.ndarray, counter: np.ndarray) -> np.ndarray:
        """The draw index of events of accounts `acc` (positions in the layout) on `counter`
        (their day, month or instalment): the path (account, counter)."""
        return path(self.account_keys[acc], counter)

    def identity(self, kind: int, at: np.ndarray, *names: str) -> np.ndarray:
        """Identities of rows of `kind` (and of `names`, a biller) at draw indices `at`:
        random and distinct in practice, they pair the two sides of a transfer and order an
        account's rows of the same second."""
        return self.stream("row").child(kind, *names).ids(at)

    def in_span(self, acc: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Whether accounts `acc` take activity on `day`."""
        return (day >= self.lo[acc]) & (day < self.hi[acc])

    def monthly_net(self) -> np.ndarray:
        """Per customer: monthly take-home income in dollars (what saving is a share of)."""
        f = self.lay.people
        return f.income * np.where(f.has_job, self.ctx.params.ledger.net_pay_ratio, 0.92) / 12
