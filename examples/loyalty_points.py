"""loyalty_points: points retail customers earn and redeem (a fakehouse plugin)."""

import numpy as np
import pyarrow as pa

from fakehouse.domains.retail import customers
from fakehouse.plugin import Column, Table, arrow, days_after

DOMAIN = "retail"  # the domain whose tables these join


def block(ctx, start, stop, first_row):
    r = np.arange(start, stop)  # this block's rows; every draw is keyed by table, column, row
    draw = lambda column: ctx.stream("loyalty_points", column)  # noqa: E731
    customer = customers.pick(ctx, draw("customer"), r)  # active customers earn most
    joined = np.maximum(customers.registration_day(ctx, customer), ctx.window.start_day)
    return {
        "entry_id": TABLE.ids(r),
        "customer_id": customers.ids(customer),
        "entry_date": arrow.dates(days_after(draw("date").uniform(r), joined, ctx.window.end_day)),
        "points": draw("points").integers(r, -200, 500).astype(np.int32),
    }


TABLE = Table(
    name="loyalty_points",
    description="Points customers earn (positive) and redeem (negative), one row per entry.",
    base_rows=20_000,  # rows at multiplier 1
    block=block,
    primary_key=("entry_id",),
    parents=("customers",),  # generated after the customers it re-derives
    columns=(
        Column("entry_id", pa.string(), "Entry key.", unique=True, id_prefix="LOY"),
        Column("customer_id", pa.string(), "The member.", references="customers.customer_id"),
        Column("entry_date", pa.date32(), "On or after the member registered."),
        Column("points", pa.int32(), "Points earned, or redeemed when negative."),
    ),
)
TABLES = [TABLE]
