"""Luhn (mod 10) check digits for card numbers, vectorised over int64 numbers."""

from __future__ import annotations

import numpy as np

_DOUBLED = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)


def check_digit(body: np.ndarray) -> np.ndarray:
    """The digit that makes `body * 10 + digit` Luhn-valid (bodies up to 18 digits)."""
    body = np.asarray(body, dtype=np.int64)
    total = np.zeros(body.shape, dtype=np.int64)
    rest = body.copy()
    double = True  # the rightmost body digit sits next to the check digit: it is doubled
    while (rest > 0).any():
        digit = rest % 10
        total += _DOUBLED[digit] if double else digit
        rest //= 10
        double = not double
    return (10 - total % 10) % 10


def is_valid(numbers: np.ndarray) -> np.ndarray:
    numbers = np.asarray(numbers, dtype=np.int64)
    return check_digit(numbers // 10) == numbers % 10
