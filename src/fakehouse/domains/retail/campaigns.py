"""retail_analytics.marketing_campaigns: each campaign's plan, spend and funnel, and the sales
it drove.

The plan and funnel are `marketing.funnel`; conversions, revenue and margin are not drawn
but counted: a block re-derives the sales of its campaigns' slots (`marketing.sales_of`) and
sums those attributed to them, so each campaign reports exactly its sales in transactions.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import calendar
from fakehouse.domains.retail import marketing, products, sales

NAME = marketing.NAME
THEMES = (
    "New Year",
    "Valentine's",
    "Spring",
    "Easter",
    "Mother's Day",
    "Summer",
    "Independence Day",
    "Back to School",
    "Fall",
    "Halloween",
    "Black Friday",
    "Holiday",
)


def ids(idx: np.ndarray) -> pa.Array:
    return TABLE.ids(idx)


def results(ctx: Context, idx: np.ndarray, target: np.ndarray):
    """(conversions, revenue, gross margin in cents) of campaigns `idx`: the sales attributed
    to them, their total_amount and their lines' net revenue less cost."""
    owner, t = marketing.sales_of(ctx, idx, target)
    s = sales.sales(ctx, t)
    mine = s.campaign == np.asarray(idx)[owner]
    cost = products.unit_cost_cents(ctx, s.product) * s.quantity
    margin = s.per_sale(s.line_total - s.tax - cost)

    def total(values: np.ndarray) -> np.ndarray:  # exact: sums of cents below 2^53
        return np.round(np.bincount(owner[mine], values[mine], len(idx))).astype(np.int64)

    revenue = total(s.per_sale(s.line_total).astype(np.float64))
    return np.bincount(owner[mine], minlength=len(idx)), revenue, total(margin.astype(np.float64))


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    idx = np.arange(start, stop, dtype=np.int64)
    f = marketing.funnel(ctx, idx)
    types = marketing.types(ctx)
    conversions, revenue, margin = results(ctx, idx, f.target)
    year, month, _, _ = calendar(f.start)
    with np.errstate(divide="ignore", invalid="ignore"):
        ctr = arrow.array(f.clicks / f.impressions, mask=f.impressions == 0)
        conversion_rate = arrow.array(conversions / f.clicks, mask=f.clicks == 0)
        roi = arrow.array((margin - f.spend) / f.spend, mask=f.spend == 0)
    name = arrow.join(
        arrow.labels(THEMES, month - 1),
        arrow.labels(types.values, f.kind),
        arrow.number_strings(year),
        sep=" ",
    )
    return {
        "campaign_id": ids(idx),
        "campaign_name": name,
        "campaign_type": arrow.labels(types.values, f.kind),
        "start_date": arrow.dates(f.start),
        "end_date": arrow.dates(f.end),
        "discount_rate": marketing.discount_rate(ctx, idx),
        "budget": arrow.money(np.round(f.budget * 100).astype(np.int64)),
        "actual_spend": arrow.money(f.spend),
        "impressions": f.impressions,
        "clicks": f.clicks,
        "conversions": conversions,
        "revenue_generated": arrow.money(revenue),
        "margin_generated": arrow.money(margin),
        "ctr": ctr,
        "conversion_rate": conversion_rate,
        "roi": roi,
        "status": arrow.labels(marketing.STATUSES, f.status),
    }


TABLE = Table(
    name=NAME,
    description="Marketing campaigns spread over the calendar, with the sales they drove.",
    base_rows=500,
    block=block,
    primary_key=("campaign_id",),
    #: a campaign re-derives its sales (about 12, with their lines): this sizes its blocks
    rows_per_driver=50.0,
    parents=("customers", "products", "stores", "employees", "transactions"),
    columns=(
        Column(
            "campaign_id",
            pa.string(),
            "Campaign key, CMP + 8 digits, in order of start.",
            unique=True,
            id_prefix="CMP",
        ),
        Column("campaign_name", pa.string(), "Theme of the start month, type and year."),
        Column("campaign_type", pa.string(), "Email, Social Media, Search, Display, ..."),
        Column("start_date", pa.date32(), "First day."),
        Column("end_date", pa.date32(), "Last day, on or after start_date."),
        Column("discount_rate", pa.float64(), "Discount given on the lines of attributed sales."),
        Column("budget", arrow.MONEY, "Planned spend."),
        Column("actual_spend", arrow.MONEY, "Spent so far (0 for Planned)."),
        Column(
            "impressions",
            pa.int64(),
            "Ads shown (mails sent): actual_spend / CPM x 1000; CPM varies by campaign and "
            "season; Email and SMS reach opted-in customers only.",
        ),
        Column("clicks", pa.int64(), "At most impressions."),
        Column(
            "conversions",
            pa.int64(),
            "The sales attributed to the campaign (transactions.campaign_id), at most clicks.",
        ),
        Column("revenue_generated", arrow.MONEY, "Sum of total_amount of those sales."),
        Column(
            "margin_generated",
            arrow.MONEY,
            "Gross margin of those sales: their lines' line_total - tax_amount - quantity x "
            "the product's unit_cost.",
        ),
        Column(
            "ctr", pa.float64(), "clicks / impressions; null without impressions.", nullable=True
        ),
        Column(
            "conversion_rate",
            pa.float64(),
            "conversions / clicks; null without clicks.",
            nullable=True,
        ),
        Column(
            "roi",
            pa.float64(),
            "(margin_generated - actual_spend) / actual_spend; null before any spend.",
            nullable=True,
        ),
        Column("status", pa.string(), "Completed, Active or Planned as of the window's end."),
    ),
)
