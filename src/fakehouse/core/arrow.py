"""Turning numpy columns into Arrow arrays of the contract's types, without Python loops."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MONEY = pa.decimal128(12, 2)
TIMESTAMP = pa.timestamp("us")


def ids(prefix: str, width: int, numbers: np.ndarray) -> pa.Array:
    """Ids such as CUST0000000001 from 1-based numbers; nulls where numbers < 1."""
    numbers = np.asarray(numbers, dtype=np.int64)
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0")
    out = pc.binary_join_element_wise(prefix, digits, "")
    if (numbers < 1).any():
        out = pc.if_else(pa.array(numbers < 1), pa.scalar(None, pa.string()), out)
    return out


def money(cents: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """decimal(12,2) from whole cents, built straight from the int128 buffer (exact, no float)."""
    cents = np.asarray(cents, dtype=np.int64)
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63  # sign extension into the high word
    validity = None
    null_count = 0
    if mask is not None and mask.any():
        validity = pa.array(~mask).buffers()[1]
        null_count = int(mask.sum())
    return pa.Array.from_buffers(
        MONEY, len(cents), [validity, pa.py_buffer(words.tobytes())], null_count
    )


def dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """date32 from days since 1970-01-01."""
    return pa.array(np.asarray(days, dtype=np.int32), pa.date32(), mask=mask)


def timestamps(seconds: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """timestamp (microseconds, no time zone) from epoch seconds."""
    micros = np.asarray(seconds, dtype=np.int64) * 1_000_000
    return pa.array(micros, TIMESTAMP, mask=mask)


def labels(values: tuple[str, ...] | list[str], codes: np.ndarray) -> pa.Array:
    """Strings chosen by integer codes from a small vocabulary."""
    return pa.array(list(values), pa.string()).take(pa.array(np.asarray(codes, dtype=np.int64)))


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    """Element-wise string concatenation of arrays and literals."""
    return pc.binary_join_element_wise(*parts, sep)


def number_strings(numbers: np.ndarray, width: int = 0) -> pa.Array:
    text = pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string())
    return pc.utf8_lpad(text, width, "0") if width else text


def null_where(array: pa.Array, mask: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(mask), pa.scalar(None, array.type), array)
