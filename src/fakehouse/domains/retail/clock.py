"""Retail's two activity intensities over the history window: in store and online."""

from __future__ import annotations

import numpy as np

from fakehouse.core.table import Context
from fakehouse.core.timeline import SECONDS_PER_DAY, SECONDS_PER_HOUR, Intensity


def intensity(ctx: Context, online: bool) -> Intensity:
    """Sales intensity by channel; built once per worker."""

    def build() -> Intensity:
        c = ctx.params.calendar
        hours = c.online_hours if online else c.store_hours
        return Intensity.build(
            ctx.window,
            hour_weights=np.array(list(hours.values())),
            weekday_weights=np.array(list(c.weekdays.values())),
            month_weights=np.array(list(c.months.values())),
            yearly_growth=c.yearly_growth,
            holidays=c.holidays,
        )

    return ctx.cached(f"intensity.{'online' if online else 'store'}", build)


def seconds(
    ctx: Context, u: np.ndarray, lower: np.ndarray, upper: np.ndarray, online: np.ndarray
) -> np.ndarray:
    """Times in [lower, upper) (epoch seconds) by each row's channel intensity: the
    calendar's season, weekdays and hours survive the restriction."""
    out = np.empty(len(u), dtype=np.int64)
    for channel in (True, False):
        rows = np.flatnonzero(online == channel)
        if len(rows):
            out[rows] = intensity(ctx, online=channel).sample(u[rows], lower[rows], upper[rows])
    return out


def before(ctx: Context, day: np.ndarray) -> np.ndarray:
    """Share of the window's activity before the start of `day` (epoch days; clamped to the
    window). The same for both channels: they differ only in hours."""

    def build() -> np.ndarray:
        return intensity(ctx, online=True).cum[:: SECONDS_PER_DAY // SECONDS_PER_HOUR].copy()

    days = ctx.cached("activity.days", build)
    return days[np.clip(np.asarray(day) - ctx.window.start_day, 0, len(days) - 1)]
