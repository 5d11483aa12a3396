"""The promises of the data as charts: one `Figure` per behaviour a check holds the data to.

A figure names the domain it belongs to, the checks whose promise it shows (their measured
values go beside it in the report), one sentence saying what it shows, a query in DuckDB SQL
(on `{s}`, the domain's schema, and `{start}` / `{end}`, the history window, as checks
write them; `Warehouse.columns` runs it on either engine), and how to draw the query's
columns. Checks are looked up by name, never imported: a check without a figure still
appears in the report, with its measured value and no chart.

Charts are drawn with matplotlib's object API (no pyplot, no global state) and rendered as
SVG: text stays text, and the report needs no script, font or image from anywhere.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Columns = Mapping[str, Sequence[Any]]
Draw = Callable[["Axes", Columns], None]

INK, ACCENT, GRID = "#1f4e79", "#d9822b", "#d0d7de"
STYLE = {
    "svg.fonttype": "none",  # text as <text>: small, sharp, set in the reader's sans-serif
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#57606a",
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
}
WEEKDAYS = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}
MONTHS = {
    1: "Jan", 2: "Feb", 3: "Mar", 4: "Apr", 5: "May", 6: "Jun",
    7: "Jul", 8: "Aug", 9: "Sep", 10: "Oct", 11: "Nov", 12: "Dec",
}  # fmt: skip


@dataclass(frozen=True)
class Figure:
    domain: str  # the registry's name: "retail"
    checks: tuple[str, ...]  # the checks whose promise it shows
    title: str
    says: str  # one sentence: what the chart shows
    sql: str  # DuckDB SQL on {s} (and {start}, {end}); the columns `draw` reads
    draw: Draw


# --- kinds of chart ----------------------------------------------------------------------------


def _label(ax: Axes, xlabel: str, ylabel: str) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def bars(
    x: str,
    y: str,
    xlabel: str,
    ylabel: str,
    names: Mapping[Any, str] | None = None,
    dots: str | None = None,
    dots_label: str = "",
    horizontal: bool = False,
) -> Draw:
    """One bar per row, in the query's order: category `x`, height `y` (with `dots`, a
    second value per row drawn as a marker, e.g. what was expected)."""

    def draw(ax: Axes, data: Columns) -> None:
        labels = [str((names or {}).get(v, v)) for v in data[x]]
        at = list(range(len(labels)))
        values = [float(v or 0) for v in data[y]]
        if horizontal:
            ax.barh(at, values, color=INK, label=ylabel)
            ax.set_yticks(at, labels)
            ax.invert_yaxis()
            ax.grid(axis="x")
            ax.grid(axis="y", visible=False)
            _label(ax, ylabel, "")
        else:
            ax.bar(at, values, color=INK, label=ylabel)
            ax.set_xticks(at, labels, rotation=30 if max(map(len, labels), default=0) > 6 else 0)
            _label(ax, xlabel, ylabel)
        if dots:
            marks = [float(v) if v is not None else float("nan") for v in data[dots]]
            if horizontal:
                ax.plot(marks, at, "o", color=ACCENT, label=dots_label)
            else:
                ax.plot(at, marks, "o", color=ACCENT, label=dots_label)
            ax.legend(frameon=False)

    return draw


def histogram(x: str, y: str, xlabel: str, ylabel: str, width: float, log10: bool = False) -> Draw:
    """Counts `y` of bins starting at `x`, `width` wide (on a log scale when the bins are
    of log10 of the value: then ticks show the values)."""

    def draw(ax: Axes, data: Columns) -> None:
        starts = [float(v) for v in data[x]]
        counts = [float(v) for v in data[y]]
        if log10:
            lefts = [10**s for s in starts]
            widths = [10 ** (s + width) - 10**s for s in starts]
            ax.set_xscale("log")
        else:
            lefts, widths = starts, [width] * len(starts)
        ax.bar(lefts, counts, width=widths, align="edge", color=INK, edgecolor="white", lw=0.3)
        _label(ax, xlabel, ylabel)

    return draw


def lines(
    x: str, y: str, series: str, xlabel: str, ylabel: str, log10_x: bool = False, marker="o"
) -> Draw:
    """One line per value of `series` (rows in x order), through points (`x`, `y`)."""

    def draw(ax: Axes, data: Columns) -> None:
        groups: dict[Any, tuple[list[float], list[float]]] = {}
        for s, u, v in zip(data[series], data[x], data[y], strict=True):
            xs, ys = groups.setdefault(s, ([], []))
            xs.append(10 ** float(u) if log10_x else float(u))
            ys.append(float(v))
        for name, (xs, ys) in groups.items():
            ax.plot(xs, ys, marker=marker, ms=3, lw=1.4, label=str(name))
        if log10_x:
            ax.set_xscale("log")
        if len(groups) > 1:
            ax.legend(frameon=False, fontsize=8)
        _label(ax, xlabel, ylabel)

    return draw


# --- the figures -------------------------------------------------------------------------------

_SALES_PER_DAY = (
    "WITH d AS (SELECT CAST(g.day AS DATE) AS day FROM generate_series(CAST({{start}} AS "
    "TIMESTAMP), CAST({{end}} AS TIMESTAMP), INTERVAL 1 DAY) AS g(day)), "
    "s AS (SELECT CAST(transaction_date AS DATE) AS day, count(*) AS n "
    "FROM {{s}}.transactions GROUP BY 1) "
    "SELECT {part}(d.day) AS {name}, avg(coalesce(s.n, 0)) AS sales "
    "FROM d LEFT JOIN s ON s.day = d.day GROUP BY 1 ORDER BY 1"
)
_BY_SEGMENT = (
    "SELECT c.customer_segment AS segment, {metric} AS value FROM {{s}}.customers AS c "
    "LEFT JOIN {{s}}.transactions AS t ON t.customer_id = c.customer_id GROUP BY 1 "
    "ORDER BY CASE c.customer_segment WHEN 'VIP' THEN 1 WHEN 'Premium' THEN 2 "
    "WHEN 'Regular' THEN 3 WHEN 'Basic' THEN 4 ELSE 5 END"
)
_BY_RISK_ORDER = "ORDER BY CASE risk WHEN 'Low' THEN 1 WHEN 'Medium' THEN 2 ELSE 3 END"
_BY_SCORE_BAND = (
    "SELECT 'cards' AS series, floor(c.credit_score / 50) * 50 + 25 AS band, "
    "avg({column}) AS value FROM {{s}}.credit_cards AS k JOIN {{s}}.customers AS c "
    "ON c.customer_id = k.customer_id GROUP BY 2 HAVING count(*) >= 5 ORDER BY 2"
)

RETAIL = [
    Figure(
        "retail",
        ("customers.state_mix",),
        "Where customers live",
        "Customers live where Americans do: the share of customers in the 15 most common home "
        "states (bars) beside each state's share of the US population (dots).",
        "SELECT c.state, count(*) / sum(count(*)) OVER () AS share, "
        "max(r.share) AS population FROM {s}.customers AS c "
        "LEFT JOIN ref_states AS r ON r.code = c.state GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15",
        bars(
            "state",
            "share",
            "home state",
            "share of customers",
            dots="population",
            dots_label="share of the US population",
        ),
    ),
    Figure(
        "retail",
        ("products.price_level_by_category",),
        "Price level by category",
        "Each category has its own price level: the median list price of its products.",
        "SELECT category, median(CAST(unit_price AS DOUBLE)) AS price FROM {s}.products "
        "GROUP BY 1 ORDER BY 2 DESC, 1",
        bars("category", "price", "category", "median unit_price ($)"),
    ),
    Figure(
        "retail",
        ("employees.salary_by_position",),
        "Salary by position",
        "Pay follows the job: the average salary of each position, store managers first.",
        "SELECT position, avg(salary) AS salary FROM {s}.employees GROUP BY 1 ORDER BY 2 DESC, 1",
        bars("position", "salary", "", "average salary ($)", horizontal=True),
    ),
    Figure(
        "retail",
        ("transactions.returns_by_channel", "transactions.cancellations_online"),
        "Returns and cancellations by channel",
        "Online orders come back and are cancelled far more often than sales in a store: the "
        "share of each channel's sales returned (bars) and cancelled (dots).",
        "SELECT channel, 100 * avg(CASE WHEN transaction_status = 'Returned' THEN 1 ELSE 0 END) "
        "AS returned, 100 * avg(CASE WHEN transaction_status = 'Cancelled' THEN 1 ELSE 0 END) "
        "AS cancelled FROM {s}.transactions GROUP BY 1 ORDER BY 1",
        bars(
            "channel",
            "returned",
            "channel",
            "% of sales returned",
            dots="cancelled",
            dots_label="% of sales cancelled",
        ),
    ),
    Figure(
        "retail",
        ("transactions.peak_hours",),
        "Peak hours",
        "Stores are busiest from late morning to early afternoon and again in the early "
        "evening: in-store sales by hour of the day.",
        "SELECT hour(transaction_date) AS hour, count(*) AS sales FROM {s}.transactions "
        "WHERE channel = 'In-Store' GROUP BY 1 ORDER BY 1",
        bars("hour", "sales", "hour of the day", "in-store sales"),
    ),
    Figure(
        "retail",
        ("transactions.weekend_effect",),
        "Busier weekends",
        "Weekends are busier: the average number of sales per day, by day of the week.",
        _SALES_PER_DAY.format(part="isodow", name="weekday"),
        bars("weekday", "sales", "day of the week", "sales per day", names=WEEKDAYS),
    ),
    Figure(
        "retail",
        ("transactions.high_season",),
        "High season",
        "November and December are the busiest months: the average number of sales per day, "
        "by month.",
        _SALES_PER_DAY.format(part="month", name="month"),
        bars("month", "sales", "month", "sales per day", names=MONTHS),
    ),
    Figure(
        "retail",
        ("transactions.segment_frequency",),
        "Purchase frequency by segment",
        "VIPs buy most often: the number of sales per customer, by segment.",
        _BY_SEGMENT.format(metric="count(t.transaction_id) / count(DISTINCT c.customer_id)"),
        bars("segment", "value", "customer_segment", "sales per customer"),
    ),
    Figure(
        "retail",
        ("transactions.segment_basket",),
        "Basket size by segment",
        "VIPs fill the biggest baskets: the average number of items per sale, by segment.",
        _BY_SEGMENT.format(metric="avg(t.item_count)"),
        bars("segment", "value", "customer_segment", "items per sale"),
    ),
    Figure(
        "retail",
        ("transactions.home_state",),
        "Shopping near home",
        "People shop near home: in-store sales at a store in the customer's own state, and "
        "elsewhere.",
        "SELECT CASE WHEN st.state = c.state THEN 'home state' ELSE 'another state' END "
        "AS place, count(*) AS sales FROM {s}.transactions AS t JOIN {s}.stores AS st "
        "ON st.store_id = t.store_id JOIN {s}.customers AS c ON c.customer_id = t.customer_id "
        "WHERE t.channel = 'In-Store' GROUP BY 1 ORDER BY 2 DESC, 1",
        bars("place", "sales", "store", "in-store sales"),
    ),
    Figure(
        "retail",
        ("transaction_items.lines_mean", "transaction_items.lines_per_transaction"),
        "Basket sizes",
        "Most baskets hold a few items: sales by their number of lines.",
        "SELECT lines, count(*) AS sales FROM (SELECT transaction_id, count(*) AS lines "
        "FROM {s}.transaction_items GROUP BY 1) AS x GROUP BY 1 ORDER BY 1",
        bars("lines", "sales", "lines per sale", "sales"),
    ),
    Figure(
        "retail",
        ("product_reviews.rating_shape", "product_reviews.rating_mean"),
        "The rating curve",
        "Ratings form a bell around four stars: reviews by rating.",
        "SELECT rating, count(*) AS reviews FROM {s}.product_reviews GROUP BY 1 ORDER BY 1",
        bars("rating", "reviews", "stars", "reviews"),
    ),
]

FINANCIAL = [
    Figure(
        "financial",
        ("customers.credit_score_mean", "customers.credit_score_skew"),
        "Credit scores",
        "Credit scores gather around 700 with a long tail of low scores: customers by credit "
        "score, in bands of 25 points.",
        "SELECT floor(credit_score / 25) * 25 AS band, count(*) AS customers "
        "FROM {s}.customers GROUP BY 1 ORDER BY 1",
        histogram("band", "customers", "credit_score", "customers", width=25),
    ),
    Figure(
        "financial",
        ("customers.risk_by_score",),
        "Risk follows credit score",
        "Risk follows the credit score: the average score of each risk category.",
        "SELECT risk_category AS risk, avg(credit_score) AS score FROM {s}.customers "
        f"GROUP BY 1 {_BY_RISK_ORDER}",
        bars("risk", "score", "risk_category", "average credit_score"),
    ),
    Figure(
        "financial",
        ("accounts.deposit_balances_lognormal",),
        "Deposit balances",
        "Deposit balances are log-normal, a bell on a log scale: open deposit accounts by "
        "balance, per account type.",
        "SELECT account_type, floor(log10(current_balance) * 4) / 4 AS bin, count(*) AS accounts "
        "FROM {s}.accounts WHERE account_type IN ('Checking', 'Savings', 'Money Market', 'CD') "
        "AND account_status <> 'Closed' AND current_balance > 0 GROUP BY 1, 2 ORDER BY 1, 2",
        lines(
            "bin", "accounts", "account_type", "current_balance ($, log scale)", "accounts", True
        ),
    ),
    Figure(
        "financial",
        ("transactions.deposits_bimodal",),
        "Deposits and paychecks",
        "Deposits have two humps on a log scale, everyday deposits and paychecks: deposits by "
        "amount.",
        "SELECT least(floor(log10(amount) * 24 / 5), 23) * 5 / 24 AS bin, count(*) AS deposits "
        "FROM {s}.transactions WHERE transaction_type = 'Deposit' AND amount >= 1 "
        "AND amount <= 100000 GROUP BY 1 ORDER BY 1",
        histogram("bin", "deposits", "amount ($, log scale)", "deposits", 5 / 24, log10=True),
    ),
    Figure(
        "financial",
        ("transactions.atm_denominations",),
        "ATM withdrawals",
        "Cash comes out of ATMs in steps of $20: ATM withdrawals by amount, up to $500.",
        "SELECT abs(amount) AS amount, count(*) AS withdrawals FROM {s}.transactions "
        "WHERE channel = 'ATM' AND transaction_type = 'Withdrawal' AND abs(amount) <= 500 "
        "GROUP BY 1 ORDER BY 1",
        histogram("amount", "withdrawals", "amount ($)", "withdrawals", width=12),
    ),
    Figure(
        "financial",
        ("transactions.purchases_long_tailed",),
        "Purchase amounts",
        "Purchases are long-tailed: many small ones, a few large: purchases by amount, on a "
        "log scale.",
        "SELECT floor(log10(abs(amount)) * 8) / 8 AS bin, count(*) AS purchases "
        "FROM {s}.transactions WHERE transaction_type = 'Purchase' AND abs(amount) >= 0.01 "
        "GROUP BY 1 ORDER BY 1",
        histogram("bin", "purchases", "amount ($, log scale)", "purchases", 1 / 8, log10=True),
    ),
    Figure(
        "financial",
        ("transactions.fraud_share", "fraud_cases.detected_fraud_cased"),
        "Fraud by typology",
        "Fraud comes in typologies a model can learn: fraudulent transactions by the typology "
        "of their confirmed case (or not yet detected).",
        "SELECT coalesce(f.fraud_type, 'not detected') AS typology, count(*) AS transactions "
        "FROM {s}.transactions AS t LEFT JOIN (SELECT transaction_id, min(fraud_type) "
        "AS fraud_type FROM {s}.fraud_cases WHERE resolution = 'Confirmed Fraud' GROUP BY 1) "
        "AS f ON f.transaction_id = t.transaction_id WHERE t.is_fraud GROUP BY 1 "
        "ORDER BY 2 DESC, 1",
        bars("typology", "transactions", "", "fraudulent transactions", horizontal=True),
    ),
    Figure(
        "financial",
        ("credit_cards.limit_follows_score",),
        "Card limits",
        "Card limits rise with the credit score: the average credit limit by score band.",
        _BY_SCORE_BAND.format(column="k.credit_limit"),
        lines("band", "value", "series", "credit_score", "average credit_limit ($)"),
    ),
    Figure(
        "financial",
        ("credit_cards.rate_follows_score",),
        "Card rates",
        "Card rates fall as the credit score rises: the average APR by score band.",
        _BY_SCORE_BAND.format(column="k.interest_rate * 100"),
        lines("band", "value", "series", "credit_score", "average interest_rate (%)"),
    ),
    Figure(
        "financial",
        ("loans.default_by_risk", "loans.default_share"),
        "Defaults by risk",
        "Defaults rise with risk: the share of loans in Default, by the borrower's risk category.",
        # an average of integers: a double on both engines (Spark rounds a DECIMAL's average)
        "SELECT c.risk_category AS risk, 100 * avg(CASE WHEN l.loan_status = 'Default' THEN 1 "
        "ELSE 0 END) AS defaulted FROM {s}.loans AS l JOIN {s}.customers AS c "
        f"ON c.customer_id = l.customer_id GROUP BY 1 {_BY_RISK_ORDER}",
        bars("risk", "defaulted", "risk_category", "loans in Default (%)"),
    ),
]

FIGURES: tuple[Figure, ...] = (*RETAIL, *FINANCIAL)


def render(figure: Figure, data: Columns, key: str) -> str:
    """`figure` drawn from `data` as one inline `<svg>` element: sized by its viewBox (it
    fills its container), ids prefixed with `key` (several charts share one page), and the
    same bytes for the same data."""
    import matplotlib
    from matplotlib.figure import Figure as Canvas

    with matplotlib.rc_context({**STYLE, "svg.hashsalt": key}):
        canvas = Canvas(figsize=(6.4, 3.4), layout="constrained")
        figure.draw(canvas.add_subplot(), data)
        out = io.StringIO()
        canvas.savefig(out, format="svg")
    text = out.getvalue()
    svg = text[text.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)  # RDF, a date
    svg = re.sub(r'\s(width|height)="[^"]*pt"', "", svg, count=2)  # the root's size
    svg = re.sub(r'\bid="', f'id="{key}-', svg)
    svg = svg.replace("url(#", f"url(#{key}-").replace('href="#', f'href="#{key}-')
    return svg.replace("<svg ", f'<svg role="img" aria-label="{figure.title}" ', 1)
