"""returns: a refund for every line of the retail sales marked Returned (a fakehouse plugin).

A table driven by another: its rows are counted per sale first (the planner's first pass),
so its ids stay dense. It joins the sales' group, so the work of re-deriving a block of
sales (their lines and totals) is shared with the transactions table's block.
"""

import numpy as np
import pyarrow as pa

from fakehouse.domains.retail import sales
from fakehouse.domains.retail.params import STATUSES
from fakehouse.plugin import Column, Table, arrow, days_after, path, violations

DOMAIN = "retail"
REASONS = ("Defective", "Wrong size", "Not as described", "Changed mind", "Arrived late")


def returned_lines(ctx, start, stop):
    """Sales [start, stop) and the positions of the lines of those marked Returned."""
    s = sales.sales_range(ctx, start, stop)
    returned = np.asarray(STATUSES)[s.status] == "Returned"
    return s, np.flatnonzero(returned[s.line_sale])


def counts(ctx, start, stop):
    s, lines = returned_lines(ctx, start, stop)
    return np.bincount(s.line_sale[lines], minlength=stop - start)


def block(ctx, start, stop, first_row):
    s, lines = returned_lines(ctx, start, stop)
    sale = s.t[s.line_sale[lines]]
    at = path(sale, s.line_number[lines])  # draws keyed by (sale, line)
    draw = lambda column: ctx.stream("returns", column).uniform(at)  # noqa: E731
    sold = s.seconds[s.line_sale[lines]] // 86_400
    fee = np.where(draw("restocking") < 0.25, np.floor(s.line_total[lines] * 0.15), 0)
    return {
        "return_id": TABLE.ids(first_row + np.arange(len(lines))),
        "transaction_id": sales.ids(sale),
        "line_number": s.line_number[lines].astype(np.int32),
        "reason": arrow.labels(REASONS, (draw("reason") * len(REASONS)).astype(np.int64)),
        "return_date": arrow.dates(days_after(draw("date"), sold, ctx.window.end_day, 9)),
        "refund_amount": arrow.money(s.line_total[lines] - fee.astype(np.int64)),
    }


TABLE = Table(
    name="returns",
    description="Refunds of the lines of returned sales.",
    base_rows=0,  # no fixed total: counted per sale
    max_rows=500_000,  # at most every line of every sale (50,000 x 10): sizes the ids
    block=block,
    counts=counts,
    driver="transactions",
    group="transactions",  # generated in the same task as the sales it re-derives
    rows_per_driver=0.2,
    parents=("transactions",),
    primary_key=("return_id",),
    columns=(
        Column("return_id", pa.string(), "Return key.", unique=True, id_prefix="RET"),
        Column(
            "transaction_id", pa.string(), "The sale.", references="transactions.transaction_id"
        ),
        Column("line_number", pa.int32(), "The line of the sale returned."),
        Column("reason", pa.string(), "Why it came back."),
        Column("return_date", pa.date32(), "On or after the sale's day."),
        Column("refund_amount", arrow.MONEY, "The line's total less any restocking fee."),
    ),
)
TABLES = [TABLE]
CHECKS = [
    violations(
        "returns.refund_at_most_line_total",
        "returns",
        "a refund is never more than its line's total, and the return follows the sale",
        "SELECT count(*) FROM {s}.returns AS r JOIN {s}.transaction_items AS i "
        "USING (transaction_id, line_number) JOIN {s}.transactions AS t USING (transaction_id) "
        "WHERE r.refund_amount > i.line_total OR r.return_date < CAST(t.transaction_date AS DATE)",
    ),
    violations(
        "returns.every_returned_line",
        "returns",
        "every line of a sale marked Returned has its return, and only those",
        "SELECT count(*) FROM {s}.transaction_items AS i JOIN {s}.transactions AS t "
        "USING (transaction_id) FULL JOIN {s}.returns AS r USING (transaction_id, line_number) "
        "WHERE (t.transaction_status = 'Returned') <> (r.return_id IS NOT NULL)",
    ),
]
