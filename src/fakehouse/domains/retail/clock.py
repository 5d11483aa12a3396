"""Retail's two activity intensities over the history window: in store and online."""

from __future__ import annotations

import numpy as np

from fakehouse.core.table import Context
from fakehouse.core.timeline import Intensity


def intensity(ctx: Context, online: bool) -> Intensity:
    """Sales intensity by channel; built once per worker."""

    def build() -> Intensity:
        h = ctx.params.history
        hours = h.online_hour_weights if online else h.store_hour_weights
        return Intensity.build(
            ctx.window,
            hour_weights=np.asarray(hours),
            weekday_weights=np.asarray(h.weekday_weights),
            month_weights=np.asarray(h.month_weights),
            yearly_growth=h.yearly_growth,
            holidays=h.holidays,
        )

    return ctx.cached(f"intensity.{'online' if online else 'store'}", build)
