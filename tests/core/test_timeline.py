import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fakehouse.core.rng import Stream
from fakehouse.core.timeline import (
    SECONDS_PER_DAY,
    Intensity,
    Window,
    calendar,
    epoch_day,
    history_window,
    holiday_factors,
)

WINDOW = Window.ending(date(2025, 12, 31), 3)
HOURS = np.array([0] * 8 + [1] * 4 + [3] * 4 + [1] * 6 + [0] * 2, dtype=float)
MONTHS = np.array([1.0] * 10 + [2.0, 2.0])
INTENSITY = Intensity.build(WINDOW, HOURS, np.ones(7), MONTHS)
U = Stream.root(1).child("t").uniform(np.arange(100_000))


def test_window_is_three_calendar_years():
    assert WINDOW.start_day == epoch_day(date(2023, 1, 1))
    assert WINDOW.end_day == epoch_day(date(2025, 12, 31))
    assert WINDOW.days == 1096


def test_the_history_window_of_parameters_and_its_tail():
    params = SimpleNamespace(history=SimpleNamespace(end_date=date(2024, 6, 30), years=2))
    w = history_window(params)
    assert (w.first, w.last) == (date(2022, 7, 1), date(2024, 6, 30))
    assert (w.tail(31).first, w.tail(31).last) == (date(2024, 5, 31), date(2024, 6, 30))
    assert w.tail(10_000) == w


def test_windows_are_made_only_in_core_timeline():
    """One definition of the history window: no other module builds a Window by hand."""
    src = Path(__file__).parents[2] / "src" / "fakehouse"
    made = re.compile(r"\bWindow(\.ending)?\(")
    copies = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if p.name != "timeline.py" and made.search(p.read_text())
    ]
    assert copies == []


def test_window_is_whole_years_ending_at_the_end_date():
    w = Window.ending(date(2025, 12, 31), 3)
    assert (w.first, w.last) == (date(2023, 1, 1), date(2025, 12, 31))
    w = Window.ending(date(2024, 6, 30), 2)
    assert (w.first, w.last) == (date(2022, 7, 1), date(2024, 6, 30))
    # a leap day whose year `years` back has none: the window starts on 1 March
    w = Window.ending(date(2024, 2, 29), 1)
    assert (w.first, w.last) == (date(2023, 3, 1), date(2024, 2, 29))
    assert w.days == 366


def test_calendar_matches_python():
    days = np.arange(epoch_day(date(2024, 2, 27)), epoch_day(date(2024, 3, 3)))
    year, month, mday, weekday = calendar(days)
    expected = [
        date(2024, 2, 27),
        date(2024, 2, 28),
        date(2024, 2, 29),
        date(2024, 3, 1),
        date(2024, 3, 2),
    ]
    assert [
        (int(y), int(m), int(d), int(w))
        for y, m, d, w in zip(year, month, mday, weekday, strict=False)
    ] == [(d.year, d.month, d.day, d.weekday()) for d in expected]


def test_black_friday_is_the_day_after_the_fourth_thursday_of_november():
    days = np.arange(epoch_day(date(2024, 11, 1)), epoch_day(date(2024, 12, 1)))
    factors = holiday_factors(days, {"black_friday": 3.0})
    assert days[factors == 3.0].tolist() == [epoch_day(date(2024, 11, 29))]


def test_samples_follow_hours_and_months():
    s = INTENSITY.sample(U)
    hour = (s % SECONDS_PER_DAY) // 3600
    assert np.all(HOURS[hour] > 0)  # never in a closed hour
    peak = np.isin(hour, range(12, 16)).mean()
    assert abs(peak - 12 / 22) < 0.01  # 4 hours of weight 3 out of 22
    _, month, _, _ = calendar(s // SECONDS_PER_DAY)
    assert abs(np.isin(month, (11, 12)).mean() - 4 / 14) < 0.01


@settings(max_examples=50, deadline=None)
@given(
    lo=st.integers(0, WINDOW.days * SECONDS_PER_DAY - 1),
    width=st.integers(1, WINDOW.days * SECONDS_PER_DAY),
)
def test_restricted_samples_stay_inside_the_interval(lo, width):
    lower = WINDOW.start_second + lo
    upper = min(lower + width, WINDOW.end_second)
    s = INTENSITY.sample(U[:2_000], np.full(2_000, lower), np.full(2_000, upper))
    assert np.all((s >= lower) & (s < upper))
