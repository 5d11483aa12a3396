"""What a plugin needs to add its own tables to a domain (README, "Your own tables").

A plugin is a Python module that declares `DOMAIN` (the domain its tables join), `TABLES`
(declarations made with `Column` and `Table`) and optionally `CHECKS` (behaviour checks, a
function of the domain's parameters, built with `rows`, `violations` and `metric`). Run it
with `fakehouse generate retail --plugin my_tables.py`, or install it with an entry point in
the group `fakehouse.plugins`. Keys, not-null columns and references are checked from the
declarations; nothing else is needed.

A table's `block(ctx, start, stop, first_row)` returns its columns for rows [start, stop)
(numpy or Arrow arrays), every value a pure function of (seed, table, column, row), computed
for all rows at once (no loop per row):

- random numbers from keyed streams: `ctx.stream(table, column).uniform(rows)` (or
  `.normal`, `.integers`); `path(a, b)` keys draws by two counters (a customer, a month);
- parents picked by popularity: `popular(ctx, "products", stream, rows)`, a Zipf law over
  the parent's own popularity ranking; a domain may offer its own picker
  (`fakehouse.domains.retail.customers.pick`: customers by their segment's activity);
- dates after a parent's date: `days_after(u, parent_day, ctx.window.end_day)`, with the
  parent's day re-derived from its index, never read back (retail: `customers
  .registration_day`, `products.launch_day`, `stores.opening_day`, `employees.hire_day`,
  `sales.baskets(ctx, t).day`; financial: `customers.facts(ctx, idx).join_day`);
- keys: `ids(ctx, "customers", idx)` for a parent's, `TABLE.ids(rows)` for the table's own;
- columns of the contract's types: `arrow.money(cents)`, `arrow.dates(days)`,
  `arrow.timestamps(seconds)`, `arrow.labels(values, codes)`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.checks import Check, metric, rows, violations
from fakehouse.core.distributions import geometric, zipf_rank
from fakehouse.core.permutation import Permutation
from fakehouse.core.rng import Stream, path
from fakehouse.core.table import Column, Context, Domain, Table
from fakehouse.core.timeline import Window, history_window, uniform_days

__all__ = [
    "Check",
    "Column",
    "Context",
    "Domain",
    "Stream",
    "Table",
    "Window",
    "arrow",
    "days_after",
    "history_window",
    "ids",
    "metric",
    "path",
    "popular",
    "rows",
    "violations",
]


def popular(
    ctx: Context, table: str, stream: Stream, index: np.ndarray, skew: float = 1.0
) -> np.ndarray:
    """0-based rows of `table` for events `index`: a few rows are picked most, by a Zipf law
    of exponent `skew` over the table's popularity ranking (a keyed permutation of its rows,
    the same for every table that names it: retail's products sell by it)."""
    if table not in ctx.sizes:
        raise ValueError(f"popular() picks rows of tables of a fixed size; {table} is not one")
    n = ctx.sizes[table]
    ranking = Permutation(n, ctx.stream(table, "popularity").key)
    return ranking.inverse(zipf_rank(stream.uniform(index), n, skew))


def days_after(
    u: np.ndarray,
    day: np.ndarray | int,
    last: np.ndarray | int,
    mean_days: float | None = None,
) -> np.ndarray:
    """Days (since 1970-01-01) on or after `day` and on or before `last`, from uniforms `u`:
    spread evenly, or, with `mean_days`, a lag of that mean (geometric: most soon after)."""
    day = np.asarray(day, dtype=np.int64)
    last = np.maximum(np.asarray(last, dtype=np.int64), day)
    if mean_days is None:
        return uniform_days(u, day, last)
    return np.minimum(day + geometric(u, 1.0 / (1.0 + mean_days)), last)


def ids(ctx: Context, table: str, index: np.ndarray) -> pa.Array:
    """The keys of 0-based rows `index` of `table` (negative: null)."""
    return ctx.domain.table(table).ids(index)
