import numpy as np
import pytest

from fakehouse.core.rng import Stream, hash_names, path


def test_same_names_same_numbers_and_names_separate_streams():
    idx = np.arange(10_000)
    a = Stream.root(1).child("customers", "age")
    assert np.array_equal(a.uniform(idx), Stream.root(1).child("customers", "age").uniform(idx))
    b = Stream.root(1).child("customers", "income")
    c = Stream.root(2).child("customers", "age")
    assert abs(np.corrcoef(a.uniform(idx), b.uniform(idx))[0, 1]) < 0.05
    assert not np.array_equal(a.uniform(idx), c.uniform(idx))


def test_a_row_does_not_depend_on_its_block():
    s = Stream.root(7).child("t", "c")
    whole = s.uniform(np.arange(1_000))
    parts = np.concatenate([s.uniform(np.arange(0, 333)), s.uniform(np.arange(333, 1_000))])
    assert np.array_equal(whole, parts)
    assert s.uniform(np.array([500]))[0] == whole[500]


def test_uniform_is_open_unit_interval_and_flat():
    u = Stream.root(3).child("x").uniform(np.arange(200_000))
    assert u.min() > 0.0 and u.max() < 1.0
    counts, _ = np.histogram(u, bins=10, range=(0, 1))
    assert np.all(np.abs(counts / len(u) - 0.1) < 0.005)


def test_normal_has_unit_moments():
    z = Stream.root(3).child("z").normal(np.arange(200_000))
    assert abs(z.mean()) < 0.01
    assert abs(z.std() - 1.0) < 0.01


def test_integers_respect_per_row_bounds():
    high = np.arange(1, 1_001)
    x = Stream.root(5).child("n").integers(np.arange(1_000), 0, high)
    assert np.all((x >= 0) & (x < high))


@pytest.mark.parametrize("names", [("a",), ("a", "b"), ("retail", "customers", "age", 3)])
def test_hash_names_is_stable(names):
    # keys must never depend on the Python process (no built-in hash())
    assert hash_names(*names) == hash_names(*names)
    assert hash_names("a", "b") != hash_names("ab")


def test_paths_of_counters_key_independent_draws():
    s = Stream.root(9).child("ledger", "time")
    acc = np.repeat(np.arange(300), 400)
    day = np.tile(np.arange(400), 300)
    u = s.uniform((acc, day))
    assert len(np.unique(u)) == len(u)  # no two (account, day) share a draw
    # a path never collides with a flattened index that once stood for it
    assert not np.isin(u, s.uniform(acc * 1024 + day)).any()
    # the same path gives the same draw, whichever rows are asked for together
    assert np.array_equal(s.uniform((acc[::7], day[::7])), u[::7])
    assert np.array_equal(s.uniform(path(acc, day)), u)  # computed once, drawn from often
    # scalars broadcast along a path; a one-element path is the plain index
    assert np.array_equal(s.uniform((acc, 5)), s.uniform((acc, np.full(len(acc), 5))))
    assert np.array_equal(s.uniform((acc,)), s.uniform(acc))
    # counters are ordered: (a, b) is not (b, a)
    assert not np.array_equal(s.uniform((acc, day)), s.uniform((day, acc)))
    counts, _ = np.histogram(u, bins=10, range=(0, 1))
    assert np.all(np.abs(counts / len(u) - 0.1) < 0.01)


def test_ids_are_non_negative_and_distinct():
    ids = Stream.root(1).child("row").ids((np.arange(100_000), 3))
    assert ids.dtype == np.int64 and (ids >= 0).all()
    assert len(np.unique(ids)) == len(ids)
