"""The buffer-built Arrow arrays against Python's own formatting of the same values."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from fakehouse.core import arrow


@given(
    prefix=st.sampled_from(["", "TXN", "CUST", "CASE"]),
    width=st.integers(1, 15),
    numbers=st.lists(st.integers(-3, 10**15 - 1), max_size=50),
)
def test_ids_match_python_formatting(prefix, width, numbers):
    numbers = [n % 10**width if n > 0 else n for n in numbers]
    got = arrow.ids(prefix, width, np.array(numbers, dtype=np.int64)).to_pylist()
    assert got == [f"{prefix}{n:0{width}d}" if n >= 1 else None for n in numbers]


@given(st.lists(st.integers(-(10**11), 10**11), max_size=50))
def test_money_keeps_every_cent(cents):
    got = arrow.money(np.array(cents, dtype=np.int64)).to_pylist()
    assert [int(v * 100) for v in got] == cents
