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


#: hour-of-day profiles of ledger activity: in person, online, and online late at night
PROFILES = ("in_person", "online", "night")
NIGHT_SHIFT = 4  # hours a night owl's online day runs late


def intensity(ctx: Context, profile: str) -> Intensity:
    """Card and banking activity over the ledger with an hour profile of `PROFILES`: the
    calendar's in-person or online hours, or the online hours shifted `NIGHT_SHIFT` hours
    later (night owls). Built once per worker."""

    def build() -> Intensity:
        c = ctx.params.calendar
        hours = np.array(list((c.pos_hours if profile == "in_person" else c.online_hours).values()))
        if profile == "night":
            hours = np.roll(hours, NIGHT_SHIFT)
        return Intensity.build(
            ledger(ctx),
            hour_weights=hours,
            weekday_weights=np.array(list(c.weekdays.values())),
            month_weights=np.array(list(c.months.values())),
        )

    if profile not in PROFILES:
        raise ValueError(f"unknown activity profile {profile!r}")
    return ctx.cached(f"financial.intensity.{profile}", build)
