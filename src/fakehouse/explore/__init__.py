"""Explore a warehouse: open it from a notebook (`open_warehouse`), chart the promises of its
data (`figures`), and write one self-contained HTML page about it (`report`).

Nothing here is imported by `fakehouse --help`; matplotlib is needed only to draw.
"""

from fakehouse.explore.warehouse import ENV, Warehouse, find, open_warehouse

__all__ = ["ENV", "Warehouse", "find", "open_warehouse"]
