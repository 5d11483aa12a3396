"""`distinct` answers as np.unique does, on both of its paths (marks and sorting)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from fakehouse.core.distinct import DENSE, distinct


@given(st.lists(st.integers(0, 60), max_size=40), st.integers(0, 300))
def test_distinct_is_np_unique(values, extra):
    values = np.array(values, dtype=np.int64)
    bound = 61 + extra  # past DENSE x the length for short lists: the sorting path too
    found, first, back = distinct(values, bound)
    want, want_first, want_back = np.unique(values, return_index=True, return_inverse=True)
    assert found.tolist() == want.tolist()
    assert first.tolist() == want_first.tolist()
    assert back.tolist() == want_back.tolist()
    assert (found[back] == values).all()


def test_both_paths_are_taken():
    values = np.array([5, 1, 5, 3], dtype=np.int64)
    dense = distinct(values, DENSE * len(values))
    sorted_ = distinct(values, DENSE * len(values) + 1)
    for a, b in zip(dense, sorted_, strict=True):
        assert a.tolist() == b.tolist()
