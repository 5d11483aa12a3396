"""Golden warehouses: the pinned values of a small warehouse of each domain.

A golden file holds every value of every table of one domain at multiplier 0.01 and seed 42
(column by column, as JSON, gzipped: about 60 KB a domain), so that a change of generated data
is caught and reported by its first differing row: table, row index, column, expected and
found. Changing the data must be done on purpose: rewrite the files with

    python -m tests.golden [DOMAIN ...]

and say in the commit why the data changed.
"""

from __future__ import annotations

import gzip
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import fakehouse
from fakehouse.domains import registry
from tests.checksums import digests, read

FOLDER = Path(__file__).parent / "golden"
MULTIPLIER = 0.01
SEED = 42
#: every built-in domain has a golden file
DOMAINS = tuple(registry.PACKAGES)


def path(domain: str) -> Path:
    return FOLDER / f"{domain}_m{MULTIPLIER:g}_seed{SEED}.json.gz"


def generate(domain: str, out: Path, **kwargs: Any) -> Path:
    """The golden warehouse of `domain`, generated into `out`."""
    fakehouse.generate(domain, multiplier=MULTIPLIER, seed=SEED, out=out, **kwargs)
    return out


def snapshot(warehouse: Path) -> dict[str, Any]:
    """Every value of every table of a warehouse (as JSON values: decimals, dates and
    timestamps as text), with the tables' checksums."""
    manifest = json.loads((warehouse / "fakehouse.json").read_text())
    tables = {}
    for entry in manifest["domains"].values():
        for table in entry["rows"]:
            data = read(warehouse, entry["schema"], table)
            columns = {c: data.column(c).to_pylist() for c in data.column_names}
            tables[f"{entry['schema']}.{table}"] = json.loads(json.dumps(columns, default=str))
    return {"digests": digests(warehouse), "tables": tables}


def load(domain: str) -> dict[str, Any]:
    return json.loads(gzip.decompress(path(domain).read_bytes()))


def write(domain: str, snap: dict[str, Any]) -> Path:
    FOLDER.mkdir(exist_ok=True)
    text = json.dumps(snap, separators=(",", ":"), sort_keys=False).encode()
    path(domain).write_bytes(gzip.compress(text, mtime=0))
    return path(domain)


def first_difference(expected: dict[str, Any], found: dict[str, Any]) -> str | None:
    """None if both snapshots hold the same tables and values; else what differs first: a
    missing or extra table, a table's columns or row count, or its first differing row with
    every column that differs there (expected vs found)."""
    want, got = expected["tables"], found["tables"]
    if list(want) != list(got):
        return f"tables differ: expected {list(want)}, found {list(got)}"
    for table, columns in want.items():
        if list(columns) != list(got[table]):
            return f"{table}: columns differ: expected {list(columns)}, found {list(got[table])}"
        rows = {len(v) for v in columns.values()} | {len(v) for v in got[table].values()}
        first = None
        for column, values in columns.items():
            other = got[table][column]
            row = next(
                (i for i, (a, b) in enumerate(zip(values, other, strict=False)) if a != b), None
            )
            if row is not None and (first is None or row < first):
                first = row
        if first is None and len(rows) > 1:
            n_want = len(next(iter(columns.values()), []))
            n_got = len(next(iter(got[table].values()), []))
            return f"{table}: expected {n_want} rows, found {n_got} (the common rows agree)"
        if first is not None:
            differ = [
                f"{c}: expected {v[first]!r}, found {got[table][c][first]!r}"
                for c, v in columns.items()
                if v[first] != got[table][c][first]
            ]
            return f"{table} row {first} (0-based) differs first: " + "; ".join(differ)
    return None


def main(domains: list[str]) -> None:
    for domain in domains or DOMAINS:
        with tempfile.TemporaryDirectory() as tmp:
            out = generate(domain, Path(tmp) / "g", workers=2)
            print(f"wrote {write(domain, snapshot(out))}")


if __name__ == "__main__":
    main(sys.argv[1:])
