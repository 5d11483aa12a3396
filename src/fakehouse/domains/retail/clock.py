"""Retail's two activity intensities over the history window: in store and online."""

from __future__ import annotations

import numpy as np

from fakehouse.core.table import Context
from fakehouse.core.timeline import Intensity


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
