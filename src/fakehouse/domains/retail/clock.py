"""The retail history window and its two activity intensities (in store, online)."""

from __future__ import annotations

import numpy as np

from fakehouse.core.table import Context
from fakehouse.core.timeline import Intensity, Window
from fakehouse.domains.retail.params import RetailParams


def history(params: RetailParams) -> Window:
    """The history window of a warehouse made with `params`."""
    return params.history.window()


def window(ctx: Context) -> Window:
    return history(ctx.params)


def intensity(ctx: Context, online: bool) -> Intensity:
    """Sales intensity by channel; built once per worker."""

    def build() -> Intensity:
        c = ctx.params.calendar
        hours = c.online_hours if online else c.store_hours
        return Intensity.build(
            window(ctx),
            hour_weights=np.array(list(hours.values())),
            weekday_weights=np.array(list(c.weekdays.values())),
            month_weights=np.array(list(c.months.values())),
            yearly_growth=c.yearly_growth,
            holidays=c.holidays,
        )

    return ctx.cached(f"intensity.{'online' if online else 'store'}", build)
