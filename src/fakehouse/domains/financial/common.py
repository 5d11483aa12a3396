"""Ids and the small plumbing the banking tables share."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.table import MAX_MULTIPLIER, Context
from fakehouse.domains.financial import groups

WIDTH = {name: len(str(base * MAX_MULTIPLIER)) for name, base in groups.BASE.items()}
PREFIX = {
    "accounts": "ACC",
    "credit_cards": "CARD",
    "loans": "LOAN",
    "transactions": "TXN",
    "fraud_cases": "CASE",
}


def ids(table: str, idx: np.ndarray) -> pa.Array:
    """Ids of 0-based rows of `table` (negative: null)."""
    return arrow.ids(PREFIX[table], WIDTH[table], np.asarray(idx, dtype=np.int64) + 1)


def concat(parts: list[dict], table=None) -> dict:
    """Join per-chunk column dicts (numpy or Arrow) into one; empty columns of `table` when
    there are no parts."""
    if not parts:
        return {c.name: pa.array([], type=c.type) for c in table.columns}
    if len(parts) == 1:
        return parts[0]
    out = {}
    for name, first in parts[0].items():
        values = [p[name] for p in parts]
        if isinstance(first, pa.Array | pa.ChunkedArray):
            out[name] = pa.concat_arrays(
                [v.combine_chunks() if isinstance(v, pa.ChunkedArray) else v for v in values]
            )
        else:
            out[name] = np.concatenate(values)
    return out


def customer_groups(ctx: Context, start: int, stop: int, chunk: int = 32):
    """(g0, g1) spans of at most `chunk` groups covering customers [start, stop)."""
    g = groups.size(ctx)
    first, last = start // g, -(-stop // g)
    return [(a, min(a + chunk, last)) for a in range(first, last, chunk)]
