import numpy as np
import pytest

from fakehouse.core.distributions import (
    Alias,
    Categorical,
    ZipfLaws,
    cumulative,
    geometric,
    logistic,
    poisson,
    zipf_rank,
)
from fakehouse.core.rng import Stream
from fakehouse.core.segments import apportion

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


def test_geometric_with_a_cap_is_the_truncated_law():
    k = geometric(U, 0.25, cap=3)
    assert k.min() == 0 and k.max() == 3
    weights = 0.75 ** np.arange(4)
    share = np.bincount(k, minlength=4) / len(k)
    assert np.allclose(share, weights / weights.sum(), atol=0.005)  # no pile-up at the cap


def test_alias_tables_follow_each_law():
    laws = [[1.0, 2.0, 7.0], [5.0], [0.0, 1.0, 1.0, 2.0]]
    table = Alias.of(laws)
    for law, weights in enumerate(laws):
        draws = table.sample(np.full(len(U), law), U)
        share = np.bincount(draws, minlength=len(weights)) / len(U)
        assert np.allclose(share, np.asarray(weights) / sum(weights), atol=0.005)


def test_logistic_draws_have_unit_variance_and_no_skew():
    x = logistic(U)
    assert abs(x.mean()) < 0.01 and abs(x.std() - 1.0) < 0.02


def test_zipf_offset_flattens_the_head():
    plain = np.bincount(zipf_rank(U, 1000, 0.9), minlength=1000) / len(U)
    flat = np.bincount(zipf_rank(U, 1000, 0.9, offset=80.0), minlength=1000) / len(U)
    assert flat[0] < plain[0] / 5
    assert flat[:200].sum() > 0.4  # still a long tail: the top fifth sells most of it


def test_zipf_laws_sample_and_share_agree_with_zipf_rank():
    laws = ZipfLaws.of(np.array([50, 1000]), 0.9, np.array([0.0, 80.0]))
    for law, (n, offset) in enumerate([(50, 0.0), (1000, 80.0)]):
        draws = laws.sample(U, np.full(len(U), law))
        assert np.array_equal(draws, zipf_rank(U, n, 0.9, offset))
        share = laws.share(np.arange(n), np.full(n, law))
        assert abs(share.sum() - 1.0) < 1e-9
        assert np.allclose(np.bincount(draws, minlength=n) / len(U), share, atol=0.005)


def test_apportion_is_exact_proportional_and_capped():
    count = apportion(100, np.array([1.0, 1.0, 2.0, 0.0]))
    assert count.sum() == 100 and count[3] == 0
    assert count.tolist() == [25, 25, 50, 0]
    capped = apportion(100, np.array([1.0, 1.0, 8.0]), caps=np.array([50, 50, 40]))
    assert capped.sum() == 100 and capped[2] == 40 and capped.tolist() == [30, 30, 40]
    odd = apportion(10, np.array([1.0, 1.0, 1.0]))
    assert odd.sum() == 10 and odd.max() - odd.min() == 1


def test_apportion_rejects_what_cannot_be_split():
    with pytest.raises(ValueError):
        apportion(10, np.array([1.0, 1.0]), caps=np.array([3, 3]))
