"""Order-sensitive content checksums of a warehouse's tables, independent of file layout."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq


def read(warehouse: Path, schema: str, table: str):
    files = sorted((warehouse / schema / table).glob("part-*.parquet"))
    return pq.ParquetFile(files[0]).read() if len(files) == 1 else _concat(files)


def _concat(files):
    import pyarrow as pa

    return pa.concat_tables([pq.ParquetFile(f).read() for f in files])


def digest(warehouse: Path, schema: str, table: str) -> str:
    data = read(warehouse, schema, table)
    h = hashlib.sha256()
    for column in data.column_names:
        h.update(column.encode())
        h.update(json.dumps(data.column(column).to_pylist(), default=str).encode())
    return h.hexdigest()


def digests(warehouse: Path) -> dict[str, str]:
    manifest = json.loads((warehouse / "fakehouse.json").read_text())
    return {
        f"{d['schema']}.{t}": digest(warehouse, d["schema"], t)
        for d in manifest["domains"].values()
        for t in d["rows"]
    }
