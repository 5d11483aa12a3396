"""Turning numpy columns into Arrow arrays of the contract's types, without Python loops.

Arrays are built from their buffers (`pa.Array.from_buffers`), never with `pa.array` or
`pa.scalar` on numpy or Python values: pyarrow's own conversion imports pandas on first use
when it is installed, which costs about 0.3 s in every worker process.
`tests/test_engine.py` keeps generation pandas-free.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MONEY = pa.decimal128(12, 2)
TIMESTAMP = pa.timestamp("us")


def _four_digit_words() -> np.ndarray:
    """The ASCII text of 0000..9999, each as one uint32 word (4 bytes in memory order)."""
    values = np.arange(10_000)
    chars = np.empty((10_000, 4), dtype=np.uint8)
    for k in range(3, -1, -1):
        chars[:, k] = 48 + values % 10
        values //= 10
    return chars.view(np.uint32).ravel()


_FOUR_DIGITS = _four_digit_words()


def ids(prefix: str, width: int, numbers: np.ndarray) -> pa.Array:
    """Ids such as CUST0000000001 from 1-based numbers; nulls where numbers < 1.

    Built as one fixed-width byte matrix (prefix, then digits four at a time from a table of
    0000-9999) handed to Arrow as a string buffer: no per-value string formatting.
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    head = prefix.encode()
    size = len(head) + width
    words = -(-width // 4)
    digits = np.empty((len(numbers), words), dtype=np.uint32)
    rest = np.maximum(numbers, 0)
    for k in range(words - 1, -1, -1):
        digits[:, k] = _FOUR_DIGITS[rest % 10_000]
        rest = rest // 10_000
    chars = np.empty((len(numbers), size), dtype=np.uint8)
    chars[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
    chars[:, len(head) :] = digits.view(np.uint8)[:, 4 * words - width :]
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


def array(
    values: np.ndarray, type: pa.DataType | None = None, mask: np.ndarray | None = None
) -> pa.Array:
    """A fixed-width Arrow array over a numpy array (booleans are bit-packed)."""
    values = np.ascontiguousarray(values)
    if values.dtype == np.bool_:
        native, data = pa.bool_(), np.packbits(values, bitorder="little")
    else:
        native, data = pa.from_numpy_dtype(values.dtype), values
    null_count = 0 if mask is None else int(mask.sum())
    out = pa.Array.from_buffers(
        native, len(values), [_validity(mask), pa.py_buffer(data)], null_count
    )
    return out if type is None or type == native else out.cast(type)


def strings(values: list[str] | tuple[str, ...]) -> pa.Array:
    """A string array from a (small) list of Python strings."""
    encoded = [v.encode() for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    offsets[1:] = np.cumsum([len(b) for b in encoded])
    data = b"".join(encoded)
    return pa.Array.from_buffers(
        pa.string(), len(encoded), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def literal(text: str) -> pa.Scalar:
    return strings([text])[0]


def take(values: pa.Array, indices: np.ndarray) -> pa.Array:
    return values.take(array(np.asarray(indices, dtype=np.int64)))


def dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """date32 from days since 1970-01-01."""
    return array(np.asarray(days, dtype=np.int32), pa.date32(), mask)


def timestamps(seconds: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """timestamp (microseconds, no time zone) from epoch seconds."""
    return array(np.asarray(seconds, dtype=np.int64) * 1_000_000, TIMESTAMP, mask)


def labels(values: tuple[str, ...] | list[str], codes: np.ndarray) -> pa.Array:
    """Strings chosen by integer codes from a small vocabulary."""
    return take(strings(list(values)), codes)


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    """Element-wise string concatenation of arrays and literals."""
    items = [literal(p) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*items, literal(sep))


def number_strings(numbers: np.ndarray, width: int = 0) -> pa.Array:
    text = pc.cast(array(np.asarray(numbers, dtype=np.int64)), pa.string())
    return pc.utf8_lpad(text, width, "0") if width else text


def null_where(values: pa.Array, mask: np.ndarray) -> pa.Array:
    return pc.if_else(array(np.asarray(mask, dtype=bool)), pa.nulls(1, values.type)[0], values)


def where(mask: np.ndarray, when_true: pa.Array, when_false: pa.Array | str) -> pa.Array:
    other = literal(when_false) if isinstance(when_false, str) else when_false
    return pc.if_else(array(np.asarray(mask, dtype=bool)), when_true, other)
