"""The bank's transaction ledger (the last days of the history window) and its intensities."""

from __future__ import annotations

import numpy as np

from fakehouse.core.table import Context
from fakehouse.core.timeline import SECONDS_PER_DAY, Intensity, Window


def ledger(ctx: Context) -> Window:
    """Days covered by the transactions table: the last `ledger_days` of the window."""
    return ctx.window.tail(ctx.params.history.ledger_days)


def ledger_seconds(ctx: Context) -> tuple[int, int]:
    lw = ledger(ctx)
    return lw.start_day * SECONDS_PER_DAY, (lw.end_day + 1) * SECONDS_PER_DAY


def intensity(ctx: Context, online: bool) -> Intensity:
    """Card and banking activity over the ledger, in person or online; built once per worker."""

    def build() -> Intensity:
        c = ctx.params.calendar
        return Intensity.build(
            ledger(ctx),
            hour_weights=np.array(list((c.online_hours if online else c.pos_hours).values())),
            weekday_weights=np.array(list(c.weekdays.values())),
            month_weights=np.array(list(c.months.values())),
        )

    return ctx.cached(f"financial.intensity.{online}", build)
