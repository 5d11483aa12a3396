import numpy as np
import pytest

from fakehouse.core.distributions import (
    Categorical,
    cumulative,
    geometric,
    poisson,
    zipf_rank,
)
from fakehouse.core.rng import Stream

U = Stream.root(9).child("u").uniform(np.arange(200_000))


def test_categorical_follows_weights():
    mix = Categorical.of({"a": 0.5, "b": 0.3, "c": 0.2})
    share = np.bincount(mix.sample(U), minlength=3) / len(U)
    assert np.allclose(share, [0.5, 0.3, 0.2], atol=0.005)


@pytest.mark.parametrize("bad", [[], [-1.0, 2.0], [0.0, 0.0]])
def test_cumulative_rejects_bad_weights(bad):
    with pytest.raises(ValueError):
        cumulative(bad)


@pytest.mark.parametrize("lam", [0.5, 2.6, 5.0])
def test_poisson_mean_and_variance(lam):
    k = poisson(U, lam)
    assert abs(k.mean() - lam) < 0.03 * lam + 0.01
    assert abs(k.var() - lam) < 0.06 * lam + 0.02


def test_geometric_mean():
    k = geometric(U, 0.25)
    assert abs(k.mean() - 3.0) < 0.05
    assert k.min() == 0


def test_geometric_with_certain_success_is_zero_without_a_warning():
    assert (geometric(U, 1.0) == 0).all()  # warnings are errors in the tests


def test_zipf_is_heavy_headed_and_in_range():
    r = zipf_rank(U, 10_000, 1.05)
    assert r.min() >= 0 and r.max() < 10_000
    counts = np.bincount(r, minlength=10_000)
    top = np.sort(counts)[::-1]
    assert top[:100].sum() / len(r) > 0.35  # 1% of items take over a third of draws
    assert counts[0] > counts[10] > counts[1_000]
