"""When things happen: a history window and an hourly intensity sampled by inverse CDF.

The intensity of an hour is trend x season (month) x holiday x day-of-week x hour-of-day.
Its cumulative sum over the window's hours is a small array (26k entries for three years),
so a timestamp is one `searchsorted` away from a uniform. Restricting a draw to an interval
[lower, upper) maps the uniform into [F(lower), F(upper)) first, so events keep their
seasonality and peak hours and still never happen before what they depend on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

SECONDS_PER_DAY = 86_400
SECONDS_PER_HOUR = 3_600
MICROS = 1_000_000
#: people's online and mobile activity per hour 0..23, low at night with an evening peak: the
#: default of both domains (shop sessions in retail, mobile and online banking in the bank)
ONLINE_HOUR_WEIGHTS = (
    0.35,
    0.22,
    0.14,
    0.1,
    0.09,
    0.12,
    0.25,
    0.45,
    0.7,
    0.85,
    0.95,
    1.0,
    1.05,
    1.0,
    0.95,
    0.95,
    1.0,
    1.05,
    1.15,
    1.3,
    1.45,
    1.4,
    1.1,
    0.7,
)


EPOCH = date(1970, 1, 1)
#: the special days of the US retail calendar `holiday_factors` knows
HOLIDAYS = (
    "thanksgiving",
    "black_friday",
    "cyber_monday",
    "christmas_rush",
    "christmas_eve",
    "christmas_day",
    "boxing_week",
    "new_year",
    "independence_day",
)


def epoch_day(d: date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


@dataclass(frozen=True)
class Window:
    """The history window [start, end] in whole days since 1970-01-01 (both included)."""

    start_day: int
    end_day: int

    @classmethod
    def ending(cls, end: date, years: int) -> Window:
        """The `years` whole years ending at `end`: from the day after `end` less `years`
        years (28 February for a 29 February without its leap day) up to `end`."""
        try:
            before = end.replace(year=end.year - years)
        except ValueError:  # 29 February
            before = end.replace(year=end.year - years, day=28)
        return cls(epoch_day(before) + 1, epoch_day(end))

    @classmethod
    def between(cls, first: date, last: date) -> Window:
        """The days from `first` to `last`, both included."""
        return cls(epoch_day(first), epoch_day(last))

    def tail(self, days: int) -> Window:
        """The last `days` days of this window (all of it when shorter)."""
        return Window(max(self.start_day, self.end_day - days + 1), self.end_day)

    @property
    def first(self) -> date:
        return EPOCH + timedelta(days=self.start_day)

    @property
    def last(self) -> date:
        return EPOCH + timedelta(days=self.end_day)

    @property
    def days(self) -> int:
        return self.end_day - self.start_day + 1

    @property
    def start_second(self) -> int:
        return self.start_day * SECONDS_PER_DAY

    @property
    def end_second(self) -> int:
        """First second after the window."""
        return (self.end_day + 1) * SECONDS_PER_DAY

    def day_numbers(self) -> np.ndarray:
        return np.arange(self.start_day, self.end_day + 1, dtype=np.int64)


def history_window(params: Any) -> Window:
    """The history window of a domain's parameters: from `params.history.start_date` when it
    is set, else the `years` whole years, to `params.history.end_date`. The one definition
    every domain declares (`Domain(window=history_window)`); blocks read it as `ctx.window`."""
    h = params.history
    if getattr(h, "start_date", None) is not None:
        return Window.between(h.start_date, h.end_date)
    return Window.ending(h.end_date, h.years)


def years_before(end: date, years: int) -> date:
    """The first day of the `years` whole years ending at `end`."""
    return Window.ending(end, years).first


def calendar(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(year, month 1-12, day of month, weekday 0=Monday) of epoch days, vectorised."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    mday = (d - months).astype(np.int64) + 1
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    return year, month, mday, weekday


def holiday_factors(days: np.ndarray, factors: dict[str, float]) -> np.ndarray:
    """Multipliers for the US retail calendar: Thanksgiving week, Black Friday, Cyber Monday,
    Christmas run-up and days, New Year. Keys of `factors` name the days."""
    _, month, mday, weekday = calendar(days)
    out = np.ones(len(days))
    thanksgiving = (month == 11) & (weekday == 3) & (mday >= 22) & (mday <= 28)
    tg_days = days[thanksgiving]
    rules = {
        "thanksgiving": np.isin(days, tg_days),
        "black_friday": np.isin(days, tg_days + 1),
        "cyber_monday": np.isin(days, tg_days + 4),
        "christmas_rush": (month == 12) & (mday >= 10) & (mday <= 23),
        "christmas_eve": (month == 12) & (mday == 24),
        "christmas_day": (month == 12) & (mday == 25),
        "boxing_week": (month == 12) & (mday >= 26),
        "new_year": (month == 1) & (mday == 1),
        "independence_day": (month == 7) & (mday == 4),
    }
    for name, factor in factors.items():
        out[rules[name]] *= factor
    return out


@dataclass(frozen=True)
class Intensity:
    """An hourly event intensity over a window, with inverse-CDF sampling."""

    window: Window
    cum: np.ndarray  # F at each hour boundary, len = hours + 1, from 0.0 to 1.0

    @classmethod
    def build(
        cls,
        window: Window,
        hour_weights: np.ndarray,
        weekday_weights: np.ndarray,
        month_weights: np.ndarray,
        yearly_growth: float = 0.0,
        holidays: dict[str, float] | None = None,
    ) -> Intensity:
        days = window.day_numbers()
        _, month, _, weekday = calendar(days)
        years = (days - days[0]) / 365.25
        daily = (
            np.asarray(month_weights, dtype=np.float64)[month - 1]
            * np.asarray(weekday_weights, dtype=np.float64)[weekday]
            * (1.0 + yearly_growth) ** years
            * holiday_factors(days, holidays or {})
        )
        hourly = np.outer(daily, np.asarray(hour_weights, dtype=np.float64)).ravel()
        cum = np.concatenate([[0.0], np.cumsum(hourly)])
        cum /= cum[-1]
        return cls(window, cum)

    def cdf(self, seconds: np.ndarray) -> np.ndarray:
        """F at absolute epoch seconds (clamped to the window)."""
        hours = len(self.cum) - 1
        rel = np.clip(seconds - self.window.start_second, 0, hours * SECONDS_PER_HOUR)
        hour = np.minimum(rel // SECONDS_PER_HOUR, hours - 1)
        frac = (rel - hour * SECONDS_PER_HOUR) / SECONDS_PER_HOUR
        return self.cum[hour] + frac * (self.cum[hour + 1] - self.cum[hour])

    def sample(
        self,
        u: np.ndarray,
        lower: np.ndarray | int | None = None,
        upper: np.ndarray | int | None = None,
    ) -> np.ndarray:
        """Epoch seconds with this intensity, restricted to [lower, upper) when given."""
        lo = self.cdf(np.asarray(lower)) if lower is not None else 0.0
        hi = self.cdf(np.asarray(upper)) if upper is not None else 1.0
        target = lo + u * (hi - lo)
        hour = np.clip(np.searchsorted(self.cum, target, side="right") - 1, 0, len(self.cum) - 2)
        width = self.cum[hour + 1] - self.cum[hour]
        frac = np.divide(target - self.cum[hour], width, out=np.zeros_like(target), where=width > 0)
        seconds = self.window.start_second + (hour + np.clip(frac, 0.0, 1.0)) * SECONDS_PER_HOUR
        seconds = np.floor(seconds).astype(np.int64)
        if lower is not None:
            seconds = np.maximum(seconds, lower)
        if upper is not None:
            seconds = np.minimum(seconds, np.asarray(upper) - 1)
        return seconds


def uniform_days(u: np.ndarray, first: np.ndarray | int, last: np.ndarray | int) -> np.ndarray:
    """Whole days uniformly in [first, last] (both included; per-row bounds allowed)."""
    first = np.asarray(first, dtype=np.int64)
    span = np.asarray(last, dtype=np.int64) - first + 1
    return first + np.floor(u * np.maximum(span, 1)).astype(np.int64)
