"""Turning numpy columns into Arrow arrays of the contract's types, without Python loops."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MONEY = pa.decimal128(12, 2)
TIMESTAMP = pa.timestamp("us")


def ids(prefix: str, width: int, numbers: np.ndarray) -> pa.Array:
    """Ids such as CUST0000000001 from 1-based numbers; nulls where numbers < 1.

    Built as one fixed-width byte matrix (prefix, then digits by integer arithmetic) handed
    to Arrow as a string buffer: no per-value string formatting.
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    head = prefix.encode()
    size = len(head) + width
    chars = np.empty((len(numbers), size), dtype=np.uint8)
    chars[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
    rest = np.maximum(numbers, 0)
    for k in range(size - 1, len(head) - 1, -1):
        chars[:, k] = 48 + rest % 10
        rest = rest // 10
    offsets = np.arange(len(numbers) + 1, dtype=np.int32) * size
    missing = numbers < 1
    validity = _validity(missing)
    return pa.Array.from_buffers(
        pa.string(),
        len(numbers),
        [validity, pa.py_buffer(offsets), pa.py_buffer(chars)],
        int(missing.sum()),
    )


def _validity(missing: np.ndarray | None) -> pa.Buffer | None:
    """An Arrow validity bitmap (1 = valid), or None when nothing is missing."""
    if missing is None or not missing.any():
        return None
    return pa.py_buffer(np.packbits(~missing, bitorder="little"))


def money(cents: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """decimal(12,2) from whole cents, built straight from the int128 buffer (exact, no float)."""
    cents = np.asarray(cents, dtype=np.int64)
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63  # sign extension into the high word
    null_count = 0 if mask is None else int(mask.sum())
    return pa.Array.from_buffers(
        MONEY, len(cents), [_validity(mask), pa.py_buffer(words)], null_count
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
