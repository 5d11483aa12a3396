import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fakehouse.core.permutation import Permutation


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 5_000), key=st.integers(0, 2**63 - 1))
def test_forward_is_a_bijection_and_inverse_undoes_it(n, key):
    p = Permutation(n, key)
    x = np.arange(n)
    y = p.forward(x)
    assert np.array_equal(np.sort(y), x)
    assert np.array_equal(p.inverse(y), x)


def test_permutation_looks_random():
    y = Permutation(100_000, 42).forward(np.arange(100_000))
    # neighbours land far apart, and the first tenth of ranks is spread over all rows
    assert np.median(np.abs(np.diff(y))) > 10_000
    assert np.corrcoef(np.arange(100_000), y)[0, 1] < 0.02
