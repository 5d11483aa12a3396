"""Keep freed memory in a generating process instead of handing it back at once.

A block builds and drops dozens of arrays of a few MB each. glibc's malloc adapts its
thresholds to that only partly: it returns the freed top of the heap to the system and maps
some blocks afresh, so every block faults the same pages in again. That doubled the system
time of `generate retail -m 10`. Raising the two thresholds keeps at most TRIM bytes of
freed heap for the next block; peak memory stays bounded by the block size.
"""

from __future__ import annotations

import contextlib
import sys

#: arrays up to this size come from the heap (glibc accepts at most 32 MiB on 64-bit)
MMAP = 32 * 2**20
#: freed heap kept for reuse before any is returned to the system
TRIM = 64 * 2**20
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's <malloc.h>


def keep_freed_memory() -> None:
    """Set glibc's malloc thresholds for this process (and the processes it forks); a no-op
    on other C libraries and systems."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None)
        libc.mallopt(M_MMAP_THRESHOLD, MMAP)
        libc.mallopt(M_TRIM_THRESHOLD, TRIM)
