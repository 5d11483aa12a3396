"""The small plumbing the banking tables share: chunks, customer groups, the shared ledger."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakehouse.core.table import Context
from fakehouse.domains.financial import groups, layout, ledger


def concat(parts: list[dict], table=None) -> dict:
    """Join per-chunk column dicts (numpy or Arrow) into one; empty columns of `table` when
    there are no parts."""
    if not parts:
        return {c.name: pa.nulls(0, c.type) for c in table.columns}
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


def owned_groups(ctx: Context, start: int, stop: int) -> tuple[int, int]:
    """Groups [g0, g1) whose rows a block of customers [start, stop) emits, for tables
    counted per group: a group belongs to the block holding its first customer, so a first
    pass needs no per-customer split of the group's rows."""
    g = groups.size(ctx)
    return -(-start // g), -(-stop // g)


def on_first_customers(ctx: Context, start: int, stop: int, g0: int, per_group) -> np.ndarray:
    """Per customer of [start, stop): the rows of each owned group among groups g0.. (given
    per group in `per_group`), counted on the group's first customer."""
    out = np.zeros(stop - start, dtype=np.int64)
    og0, og1 = owned_groups(ctx, start, stop)
    gs = np.arange(g0, g0 + len(per_group))
    mine = (gs >= og0) & (gs < og1)
    out[gs[mine] * groups.size(ctx) - start] = np.asarray(per_group)[mine]
    return out


def customer_groups(ctx: Context, start: int, stop: int, chunk: int = 128):
    """(g0, g1) spans of at most `chunk` groups covering customers [start, stop)."""
    g = groups.size(ctx)
    first, last = start // g, -(-stop // g)
    return [(a, min(a + chunk, last)) for a in range(first, last, chunk)]


#: accounts, credit_cards, loans, transactions and fraud_cases form one table group: they are
#: driven by customers and generated in one task per block, sharing one ledger simulation
GROUP = "ledger"


def shared_ledger(ctx: Context, g0: int, g1: int):
    """The ledger of groups [g0, g1), simulated once per task for all tables of the group."""
    key = ("financial.ledger", g0, g1)
    if key not in ctx.scratch:
        ctx.scratch[key] = ledger.simulate(ctx, shared_layout(ctx, g0, g1))
    return ctx.scratch[key]


def shared_layout(ctx: Context, g0: int, g1: int):
    """The layout of groups [g0, g1), built once per task (generation or first pass)."""
    key = ("financial.layout", g0, g1)
    if key not in ctx.scratch:
        ctx.scratch[key] = layout.build(ctx, g0, g1)
    return ctx.scratch[key]


def accounts_of(lay, kind: int, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """The `kind` accounts of customers [start, stop) in a layout: their positions among that
    kind's accounts (rows of the cards or loans arrays) and among all accounts."""
    pos = np.flatnonzero(lay.kind == kind)
    keep = (lay.customer[pos] >= start) & (lay.customer[pos] < stop)
    return np.flatnonzero(keep), pos[keep]


def per_customer(ctx: Context, start: int, stop: int, kinds) -> np.ndarray:
    """Accounts of `kinds` per customer of [start, stop): the first pass of accounts, cards
    and loans, from the layout alone."""
    out = np.zeros(stop - start, dtype=np.int64)
    for g0, g1 in customer_groups(ctx, start, stop):
        lay = shared_layout(ctx, g0, g1)
        cust = lay.customer[np.isin(lay.kind, kinds)]
        cust = cust[(cust >= start) & (cust < stop)]
        out += np.bincount(cust - start, minlength=stop - start)
    return out
