"""The behaviour checks of financial_analytics: every invariant and distribution the bank
promises beyond its table declarations (whose columns, keys and references are checked by
the generic checks of `core.contract`).

Values of the contract are restated here, never imported from the generator, so the checks
hold the generator to the contract. A few checks read the bank's extra columns
(accounts.opening_balance: the ledger starts from it; loans.account_id: the loan's ledger
account; transactions.reference and counterparty_account_id: the two sides of a transfer).

Distributions allow for sampling noise the way retail's `rate_ratio` does: a bound is widened
by three standard errors of the metric at the warehouse's size, so a 500-customer warehouse
is judged loosely and a 50,000-customer one closely. Where a behaviour is a parameter (the
credit score distribution, the fraud rate and its detection, default rates by risk), the
bounds are derived from the parameters the warehouse was made with.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import timedelta
from importlib import resources
from itertools import pairwise

import numpy as np

from fakehouse.core.checks import Check, metric, quoted, rows, violations
from fakehouse.domains.financial import customers, difficulty
from fakehouse.domains.financial.params import (
    LEDGER_DAYS,
    MONTH_DAYS,
    ROWS_PER_LEDGER_DAY,
    FinancialParams,
)

# restated from the contract (and, for the card prefixes, the networks' published test cards)
RISKS = ("Low", "Medium", "High")  # least risky first
ACCOUNT_TYPES = ("Checking", "Savings", "Money Market", "CD", "Credit Card", "Loan")
DEPOSIT_TYPES = ("Checking", "Savings", "Money Market", "CD")
TEST_CARD_PREFIXES = ("400000", "222300", "378282", "601100")  # Visa, MC, Amex, Discover
FRAUD_SHARE = (0.8, 1.2)  # times the configured fraud rate ("about 0.1%" by default)
#: "every detected fraud gets a case": the share detected, less those detected after the end
#: date (90% detected by default: 75% asked for)
FRAUD_CASED = 5 / 6
#: loans in Default as a share of their configured chance of default (a loan defaults only 4
#: months in and when not paid off: about 0.6 by default)
DEFAULT_SHARE = (0.4, 0.9)
SCORE_MEAN_WITHIN = 25  # points either side of the configured distribution's mean
SCORE_SKEW_SHARE = 0.3  # of the configured distribution's (negative) skewness


def _day(column: str) -> str:
    return f"CAST({column} AS DATE)"


def _case(column: str, values: dict) -> str:
    """`CASE column WHEN key THEN value ... END` (string keys quoted)."""
    whens = " ".join(
        f"WHEN {f'{k!r}' if isinstance(k, str) else k} THEN {v!r}" for k, v in values.items()
    )
    return f"CASE {column} {whens} END"


# --- customers -----------------------------------------------------------------------------

# never issued: area 000, 666 or 900-999 (ITIN areas, whose groups 50-65, 70-88, 90-92 and
# 94-99 are issued as ITINs, so only the other groups are safe), group 00 or serial 0000
_SSN = (
    r"regexp_full_match(ssn, '[0-9]{3}-[0-9]{2}-[0-9]{4}') AND ("
    "substr(ssn, 1, 3) IN ('000', '666') OR substr(ssn, 5, 2) = '00' "
    "OR substr(ssn, 8, 4) = '0000' OR (substr(ssn, 1, 1) = '9' "
    "AND NOT (TRY_CAST(substr(ssn, 5, 2) AS INT) BETWEEN 50 AND 65 "
    "OR TRY_CAST(substr(ssn, 5, 2) AS INT) BETWEEN 70 AND 88 "
    "OR TRY_CAST(substr(ssn, 5, 2) AS INT) IN (90, 91, 92, 94, 95, 96, 97, 98, 99))))"
)


def score_moments(params: FinancialParams) -> tuple[float, float]:
    """Mean and skewness of credit scores for the configured distribution: 850 less a gap,
    log-normal around score_gap_median with score_gap_sigma over a standard normal credit
    quality, squeezed into 300-850 (quadrature)."""
    p = params.people
    z = np.linspace(-8, 8, 4001)
    w = np.exp(-0.5 * z * z)
    w /= w.sum()
    score = 850 - 550 * np.tanh(p.score_gap_median * np.exp(-p.score_gap_sigma * z) / 550)
    mean = float(w @ score)
    var = float(w @ (score - mean) ** 2)
    skew = float(w @ (score - mean) ** 3) / var**1.5 if var > 0 else 0.0
    return mean, skew


def _customers(params: FinancialParams) -> list[Check]:
    mean, skew = score_moments(params)
    low, high = round(mean - SCORE_MEAN_WITHIN), round(mean + SCORE_MEAN_WITHIN)
    skew_high = round(SCORE_SKEW_SHARE * skew, 2) if skew < -0.2 else math.inf
    skew_sql = repr(skew_high) if math.isfinite(skew_high) else "'inf'::DOUBLE"
    mean_score = (
        "SELECT max(m) FILTER (WHERE r = '{0}') - max(m) FILTER (WHERE r = '{1}') "
        "FROM (SELECT risk_category AS r, avg(credit_score) AS m FROM {{s}}.customers GROUP BY 1)"
    )
    return [
        rows(
            "customers.credit_score_range",
            "customers",
            "credit_score is 300-850",
            "credit_score BETWEEN 300 AND 850",
        ),
        Check(
            "customers.credit_score_mean",
            "customers",
            f"mean credit_score is {low}-{high}, around the {mean:.0f} of the configured "
            "score distribution (like US averages by default; less/plus 3 standard errors)",
            "SELECT avg(credit_score) AS value, "
            f"{low} - 3 * stddev_samp(credit_score) / sqrt(count(*)) AS low, "
            f"{high} + 3 * stddev_samp(credit_score) / sqrt(count(*)) AS high FROM {{s}}.customers",
        ),
        Check(
            "customers.credit_score_skew",
            "customers",
            f"credit scores are left-skewed like real ones: skewness <= {skew_high:g} "
            f"({SCORE_SKEW_SHARE:g} x the configured distribution's {skew:.2f}; plus 3 standard "
            "errors, sqrt(6 / n))",
            "SELECT skewness(credit_score) AS value, '-inf'::DOUBLE AS low, "
            f"{skew_sql} + 3 * sqrt(6.0 / count(*)) AS high FROM {{s}}.customers",
        ),
        rows(
            "customers.risk_values",
            "customers",
            "risk_category is Low, Medium or High",
            f"risk_category IN ({quoted(RISKS)})",
        ),
        metric(
            "customers.risk_by_score",
            "customers",
            "driven by credit score: mean credit_score of Low > Medium > High risk, "
            "each at least 30 points above the next",
            f"SELECT least(({mean_score.format('Low', 'Medium')}), "
            f"({mean_score.format('Medium', 'High')}))",
            30,
            math.inf,
        ),
        rows(
            "customers.kyc_after_join",
            "customers",
            "kyc_date >= join_date; kyc_date is set iff kyc_verified",
            "CASE WHEN kyc_verified THEN kyc_date >= join_date ELSE kyc_date IS NULL END",
        ),
        rows(
            "customers.jobs_fit_age_and_education",
            "customers",
            "occupation fits age and education: each job only from its minimum age and "
            f"education as configured ({_job_needs(params)}); a bachelor's degree from 22, a "
            "graduate degree from 24; retirees are 55 or older",
            f"{_level('education')} <= {_EDUCATION_AGE} AND CASE occupation "
            + " ".join(
                f"WHEN '{job}' THEN {_AGE} >= {o.min_age!r} "
                f"AND {_level('education')} >= {EDUCATIONS.index(o.education)}"
                for job, o in params.people.occupations.items()
            )
            + f" WHEN 'Retired' THEN {_AGE} >= 55 ELSE true END",
        ),
        rows(
            "customers.kyc_pending_only_new",
            "customers",
            "identity is verified within days of joining: only customers who joined in the "
            f"last {params.customers.kyc_pending_days} days may be pending (kyc_verified false)",
            f"kyc_verified OR join_date > {{end}} - {params.customers.kyc_pending_days}",
        ),
        metric(
            "customers.segment_by_deposits",
            "customers",
            "segments follow balances: the median deposits (all deposit accounts of a customer) "
            "of Mass Market, Mass Affluent, Affluent and Private Banking each at least "
            f"{SEGMENT_STEP:g} x the previous (segments with 10+ customers; shown: the smallest "
            "step over its bound)",
            "WITH d AS (SELECT c.customer_segment AS g, coalesce(sum(a.current_balance) "
            f"FILTER (WHERE a.account_type IN ({quoted(DEPOSIT_TYPES)})), 0) AS v "
            "FROM {s}.customers AS c LEFT JOIN {s}.accounts AS a ON a.customer_id = c.customer_id "
            "GROUP BY c.customer_id, c.customer_segment), "
            "m AS (SELECT g, median(v) AS v, row_number() OVER (ORDER BY CASE g "
            + " ".join(f"WHEN '{g}' THEN {i}" for i, g in enumerate(SEGMENT_ORDER))
            + f" END) AS i FROM d WHERE g IN ({quoted(SEGMENT_ORDER)}) GROUP BY g "
            "HAVING count(*) >= 10) "
            f"SELECT coalesce(min(b.v / greatest(a.v, 1) / {SEGMENT_STEP!r}), 'inf'::DOUBLE) "
            "FROM m AS a JOIN m AS b ON b.i = a.i + 1",
            1.0,
            math.inf,
        ),
        rows(
            "customers.ssn_never_issued",
            "customers",
            "ssn is ddd-dd-dddd in a never-issued range (area 000, 666 or 9xx outside the ITIN "
            "groups; group 00; serial 0000)",
            _SSN,
        ),
    ]


EDUCATIONS = ("Less than High School", "High School", "Some College", "Bachelor's", "Graduate")
_AGE = "date_diff('day', date_of_birth, {end}) / 365.25"  # years at the end date
#: the highest level an age allows: high school from 18, some college from 19, a bachelor's
#: degree from 22, a graduate degree from 24
_EDUCATION_AGE = (
    f"CASE WHEN {_AGE} < 19 THEN 1 WHEN {_AGE} < 22 THEN 2 WHEN {_AGE} < 24 THEN 3 ELSE 4 END"
)
SEGMENT_ORDER = ("Mass Market", "Mass Affluent", "Affluent", "Private Banking")
SEGMENT_STEP = 1.5


def _level(column: str) -> str:
    """The index of an education label in EDUCATIONS, as SQL."""
    whens = " ".join(
        "WHEN '" + e.replace("'", "''") + f"' THEN {i}" for i, e in enumerate(EDUCATIONS)
    )
    return f"(CASE {column} {whens} END)"  # a CASE, not list_position: Spark has none


def _job_needs(params: FinancialParams) -> str:
    strict = [
        f"{job} {o.min_age:g}+ with {o.education}"
        for job, o in params.people.occupations.items()
        if o.education in EDUCATIONS[3:]
    ]
    return "; ".join(strict) or "none"


# --- accounts ------------------------------------------------------------------------------


def _accounts() -> list[Check]:
    completed = (
        "SELECT account_id, sum(amount) AS total FROM {s}.transactions "
        "WHERE status = 'Completed' GROUP BY 1"
    )
    per_type = (
        "SELECT account_type, count(*) AS n, skewness(ln(current_balance)) AS skew "
        "FROM {s}.accounts WHERE account_type IN ("
        + quoted(DEPOSIT_TYPES)
        + ") AND account_status <> 'Closed' AND current_balance > 0 GROUP BY 1"
    )
    return [
        rows(
            "accounts.type_values",
            "accounts",
            "account_type is Checking, Savings, Money Market, CD, Credit Card or Loan",
            f"account_type IN ({quoted(ACCOUNT_TYPES)})",
        ),
        violations(
            "accounts.open_after_join",
            "accounts",
            "open_date is on or after the customer's join_date (and not after the window)",
            "SELECT count(*) FROM {s}.accounts AS a JOIN {s}.customers AS c "
            "ON c.customer_id = a.customer_id "
            "WHERE NOT coalesce(a.open_date >= c.join_date AND a.open_date <= {end}, false)",
        ),
        violations(
            "accounts.open_after_kyc",
            "accounts",
            "accounts open once the customer's identity is verified: open_date >= kyc_date "
            "(customers still pending are the newest; their accounts may be open)",
            "SELECT count(*) FROM {s}.accounts AS a JOIN {s}.customers AS c "
            "ON c.customer_id = a.customer_id WHERE c.kyc_verified AND a.open_date < c.kyc_date",
        ),
        violations(
            "accounts.balance_from_ledger",
            "accounts",
            "current_balance = opening_balance + its completed transactions (to the cent)",
            f"SELECT count(*) FROM {{s}}.accounts AS a LEFT JOIN ({completed}) AS t "
            "ON t.account_id = a.account_id WHERE NOT coalesce("
            "abs(a.current_balance - a.opening_balance - coalesce(t.total, 0)) < 0.005, false)",
        ),
        metric(
            "accounts.deposit_balances_lognormal",
            "accounts",
            "open deposit balances are log-normal: |skewness of ln(current_balance)| <= 0.6 "
            "per deposit type (plus 3 standard errors, sqrt(6 / n); types with n >= 8)",
            f"SELECT coalesce(max(abs(skew) - 3 * sqrt(6.0 / n)), 'inf'::DOUBLE) "
            f"FROM ({per_type}) WHERE n >= 8",
            -math.inf,
            0.6,
        ),
    ]


# --- transactions --------------------------------------------------------------------------

# deposits: histogram of log10(amount) in 24 bins over $1-$100,000, smoothed over 3 bins;
# the two outermost modes above 5% of the highest must have a valley between them below
# 60% of the lower mode
_BIMODAL = (
    "WITH d AS (SELECT least(floor(log10(amount) * 24 / 5), 23) AS b FROM {s}.transactions "
    "WHERE transaction_type = 'Deposit' AND amount >= 1 AND amount <= 100000), "
    "h AS (SELECT g.b, count(d.b) AS n FROM range(24) AS g(b) LEFT JOIN d ON d.b = g.b "
    "GROUP BY g.b), "
    "s AS (SELECT b, sum(n) OVER (ORDER BY b ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) / 3.0 "
    "AS v FROM h), "
    "w AS (SELECT b, v, lag(v) OVER (ORDER BY b) AS prev, lead(v) OVER (ORDER BY b) AS next "
    "FROM s), "
    "p AS (SELECT min(b) AS lo, max(b) AS hi FROM w WHERE v > prev AND v >= next "
    "AND v > 0.05 * (SELECT max(v) FROM s)) "
    "SELECT coalesce((SELECT min(v) FROM w, p WHERE b >= lo AND b < hi) "
    "/ least((SELECT v FROM w, p WHERE b = lo), (SELECT v FROM w, p WHERE b = hi)), 1.0) "
)


# Fraud comes in episodes of a few rows (up to about a dozen), so the count of fraud rows
# varies about 6 times as much as independent rows would: one standard error of the share is
# sqrt(6 x 0.001 / n). A count of few episodes is also right-skewed, so the upper bound
# allows one more episode of the largest size (11 rows). Simulated, a generator at exactly
# 0.1% fails this less than once in 2,500 warehouses at any size.
def _fraud_se(rate: float) -> str:
    return f"sqrt(6 * {rate!r} / count(*))"


#: deposits of a customer's transactions, with the customer (c)
_BENEFITS = (
    "SELECT count(*) FROM {s}.transactions AS t JOIN {s}.accounts AS a "
    "ON a.account_id = t.account_id JOIN {s}.customers AS c ON c.customer_id = a.customer_id"
)
_MONTH = "CAST(date_trunc('month', t.transaction_date) AS DATE)"
_SOCIAL_SECURITY_DAY = (
    f"CASE WHEN c.date_of_birth + 22645 < DATE '1997-05-01' THEN CASE isodow({_MONTH} + 2) "
    f"WHEN 6 THEN {_MONTH} + 1 WHEN 7 THEN {_MONTH} ELSE {_MONTH} + 2 END "
    f"ELSE {_MONTH} + CAST((10 - isodow({_MONTH})) % 7 AS INT) + 7 * CASE "
    "WHEN day(c.date_of_birth) <= 10 THEN 1 WHEN day(c.date_of_birth) <= 20 THEN 2 "
    "ELSE 3 END END"
)


def _employers() -> str:
    """(occupation, employer) rows of the shipped employers file, as SQL VALUES."""
    text = resources.files("fakehouse.domains.financial").joinpath("data/employers.json")
    raw = json.loads(text.read_text())
    pairs = [(o, e) for o, names in raw.items() if not o.startswith("_") for e in names]
    quote = lambda x: "'" + x.replace("'", "''") + "'"  # noqa: E731
    return ", ".join(f"({quote(o)}, {quote(e)})" for o, e in pairs)


def _transactions(params: FinancialParams) -> list[Check]:
    rate = params.fraud.rate
    largest = max(t.size[1] for t in params.fraud.typologies.values())
    running = (
        "SELECT t.balance_after, a.opening_balance + sum(CASE WHEN t.status = 'Completed' "
        "THEN t.amount ELSE 0 END) OVER (PARTITION BY t.account_id "
        "ORDER BY t.transaction_date, t.transaction_id ROWS UNBOUNDED PRECEDING) AS expected "
        "FROM {s}.transactions AS t LEFT JOIN {s}.accounts AS a ON a.account_id = t.account_id"
    )
    low, high = (round(rate * f, 8) for f in FRAUD_SHARE)
    return [
        violations(
            "transactions.in_account_life",
            "transactions",
            "transaction_date is inside the window and the account's life "
            "(open_date .. close_date)",
            "SELECT count(*) FROM {s}.transactions AS t LEFT JOIN {s}.accounts AS a "
            f"ON a.account_id = t.account_id WHERE NOT coalesce({_day('t.transaction_date')} "
            f"BETWEEN greatest(a.open_date, {{start}}) AND coalesce(a.close_date, {{end}}) "
            f"AND {_day('t.transaction_date')} <= {{end}}, false)",
        ),
        violations(
            "transactions.running_balance",
            "transactions",
            "per account in time order, balance_after = opening_balance + completed amounts "
            "so far (to the cent)",
            f"SELECT count(*) FROM ({running}) "
            "WHERE NOT coalesce(abs(balance_after - expected) < 0.005, false)",
        ),
        rows(
            "transactions.atm_denominations",
            "transactions",
            "ATM withdrawals are whole multiples of $20",
            "NOT (channel = 'ATM' AND transaction_type = 'Withdrawal') OR amount % 20 = 0",
        ),
        metric(
            "transactions.purchases_long_tailed",
            "transactions",
            "purchase amounts are long-tailed: 99th percentile >= 8 x the median",
            # as doubles: DuckDB rounds a quantile of a DECIMAL to cents, Spark does not
            "SELECT quantile_cont(v, 0.99) / median(v) FROM (SELECT CAST(abs(amount) AS DOUBLE) "
            "AS v FROM {s}.transactions WHERE transaction_type = 'Purchase')",
            8.0,
            math.inf,
        ),
        metric(
            "transactions.deposits_bimodal",
            "transactions",
            "deposit amounts are bimodal (everyday deposits, paychecks): on a log scale the "
            "valley between the outer modes is < 0.6 x the lower mode",
            _BIMODAL,
            -math.inf,
            0.6,
        ),
        Check(
            "transactions.fraud_share",
            "transactions",
            f"is_fraud on about the configured fraud rate ({rate:g}) of rows: {low:g}-{high:g}, "
            f"less/plus 3 standard errors of clustered fraud (plus one episode of {largest} rows)",
            "SELECT avg(CASE WHEN is_fraud THEN 1.0 ELSE 0.0 END) AS value, "
            f"greatest(0.0, {low!r} - 3 * {_fraud_se(rate)}) AS low, "
            f"{high!r} + 3 * {_fraud_se(rate)} + {float(largest)!r} / count(*) AS high "
            "FROM {s}.transactions",
        ),
        violations(
            "transactions.benefits_eligible",
            "transactions",
            "benefits go to those entitled: Social Security only to Retired customers of 62 or "
            "older (at the end date), pensions only to Retired customers",
            f"{_BENEFITS} WHERE (t.description LIKE 'SOCIAL SECURITY%' OR t.description LIKE "
            "'PENSION%') AND NOT coalesce(c.occupation = 'Retired' AND (t.description "
            f"NOT LIKE 'SOCIAL SECURITY%' OR {_AGE.replace('date_of_birth', 'c.date_of_birth')} "
            ">= 62), false)",
        ),
        violations(
            "transactions.social_security_schedule",
            "transactions",
            "Social Security pays on the SSA schedule: the 2nd, 3rd or 4th Wednesday of the "
            "month for a birth day in 1-10, 11-20 or 21-31; the 3rd (the Friday before on a "
            "weekend) for benefits started before May 1997 (62 = 22,645 days after birth)",
            f"{_BENEFITS} WHERE t.description LIKE 'SOCIAL SECURITY%' AND NOT coalesce("
            f"{_day('t.transaction_date')} = {_SOCIAL_SECURITY_DAY}, false)",
        ),
        violations(
            "transactions.payroll_from_employer",
            "transactions",
            "paychecks come from an employer of the customer's occupation "
            "(data/employers.json; 'Other' for occupations it does not list)",
            f"WITH e(occupation, employer) AS (VALUES {_employers()}) "
            f"{_BENEFITS} "
            "WHERE t.description LIKE 'PAYROLL DIRECT DEPOSIT %' AND NOT EXISTS (SELECT 1 "
            "FROM e WHERE e.employer = substr(t.description, 24) AND e.occupation = "
            "CASE WHEN c.occupation IN (SELECT occupation FROM e) THEN c.occupation "
            "ELSE 'Other' END)",
        ),
        violations(
            "transactions.own_transfers_paired",
            "transactions",
            "a transfer or payment between a customer's own accounts appears on both sides: "
            "one other row with the same reference, on the counterparty account and pointing "
            "back, same holder; a Transfer's two amounts cancel",
            "SELECT count(*) FROM {s}.transactions AS t "
            "LEFT JOIN {s}.transactions AS u "
            "ON u.reference = t.reference AND u.transaction_id <> t.transaction_id "
            "LEFT JOIN {s}.accounts AS a ON a.account_id = t.account_id "
            "LEFT JOIN {s}.accounts AS b ON b.account_id = t.counterparty_account_id "
            "WHERE t.counterparty_account_id IS NOT NULL AND NOT coalesce("
            "u.account_id = t.counterparty_account_id "
            "AND u.counterparty_account_id = t.account_id AND a.customer_id = b.customer_id "
            "AND (t.transaction_type <> 'Transfer' OR u.amount = -t.amount), false)",
        ),
    ]


# --- household cash flow and the ledger's density ---------------------------------------------

#: everyday spending: purchases, cash and transfers sent to others
_SPENDING = (
    "t.status = 'Completed' AND (t.transaction_type = 'Purchase' "
    "OR (t.channel = 'ATM' AND t.transaction_type = 'Withdrawal') "
    "OR (t.transaction_type = 'Transfer' AND t.counterparty_account_id IS NULL "
    "AND t.amount < 0 AND t.description NOT LIKE 'TRANSFER TO BROKERAGE%'))"
)
#: the fewest debits a month an active Checking account has, at the default density (the
#: public figure is a few dozen); the bound follows the configured rows per customer-month
DEBITS_A_MONTH = 20


def _ledger(params: FinancialParams) -> tuple[str, float]:
    """(the ledger's first day as a DATE literal, its length in months)."""
    h = params.history
    first = h.end_date - timedelta(days=h.ledger_days - 1)
    return f"DATE '{first.isoformat()}'", h.ledger_days / MONTH_DAYS


def _density(params: FinancialParams) -> float:
    """Transactions per customer-month configured, over the default's."""
    default = {"customers": customers.BASE_ROWS, "transactions": LEDGER_DAYS * ROWS_PER_LEDGER_DAY}
    rows = {k: r.base_rows for k, r in params.tables.items()}
    rows = {k: rows.get(k, v) for k, v in default.items()}
    per_month = rows["transactions"] / rows["customers"] / _ledger(params)[1]
    return per_month / (ROWS_PER_LEDGER_DAY * MONTH_DAYS / customers.BASE_ROWS)


def _cash_flow(params: FinancialParams) -> list[Check]:
    first, months = _ledger(params)
    debits = round(DEBITS_A_MONTH * _density(params), 1)
    own = "t.description NOT IN ('INITIAL DEPOSIT', 'ACCOUNT CLOSING WITHDRAWAL')"
    paychecks = (
        "SELECT account_id, amount, balance_after, lead(balance_after) OVER w AS next_after, "
        "lead(amount) OVER w AS next_amount FROM {s}.transactions "
        "WHERE description LIKE 'PAYROLL%' AND status = 'Completed' "
        "WINDOW w AS (PARTITION BY account_id ORDER BY transaction_date, transaction_id)"
    )
    paid = (
        "SELECT a.account_id, a.current_balance > a.opening_balance AS grew FROM {s}.accounts "
        f"AS a WHERE a.account_type = 'Checking' AND a.account_status <> 'Closed' "
        f"AND a.open_date < {first} AND a.account_id IN (SELECT account_id FROM "
        "{s}.transactions WHERE description LIKE 'PAYROLL%')"
    )
    established = (
        "SELECT opening_balance, count(*) OVER (PARTITION BY opening_balance) AS same "
        f"FROM {{s}}.accounts WHERE account_type IN ({quoted(DEPOSIT_TYPES)}) "
        f"AND account_status <> 'Closed' AND open_date < {first}"
    )
    spending = (
        f"SELECT a.customer_id, sum(-abs(t.amount)) AS spent FROM {{s}}.transactions AS t "
        f"JOIN {{s}}.accounts AS a ON a.account_id = t.account_id WHERE {_SPENDING} GROUP BY 1"
    )
    return [
        Check(
            "transactions.cash_flow_balanced",
            "transactions",
            "money flows as in households' budgets: over the ledger, Checking's outflows are "
            "0.9-1.1 x its inflows (accounts opened or closed inside it aside)",
            "SELECT sum(CASE WHEN t.amount < 0 THEN -t.amount ELSE 0 END) "
            "/ greatest(sum(CASE WHEN t.amount > 0 THEN t.amount ELSE 0 END), 1) AS value, "
            f"0.9 AS low, 1.1 AS high FROM {{s}}.transactions AS t JOIN {{s}}.accounts AS a "
            "ON a.account_id = t.account_id WHERE a.account_type = 'Checking' "
            f"AND t.status = 'Completed' AND {own}",
        ),
        metric(
            "transactions.paychecks_spent",
            "transactions",
            "balances cycle with pay periods: between two paychecks, a paid Checking account "
            "spends at least half a paycheck (median over pay periods of the balance after a "
            "paycheck less the balance just before the next, over the paycheck)",
            f"SELECT median((balance_after - (next_after - next_amount)) / amount) "
            f"FROM ({paychecks}) WHERE next_after IS NOT NULL AND amount > 0",
            0.5,
            math.inf,
        ),
        Check(
            "accounts.balances_no_drift",
            "accounts",
            "balances do not drift: 30-70% of paid, established Checking accounts end the "
            "ledger above where they started (less/plus 3 standard errors)",
            "SELECT avg(CASE WHEN grew THEN 1.0 ELSE 0.0 END) AS value, "
            "0.3 - 3 * sqrt(0.25 / greatest(count(*), 1)) AS low, "
            f"0.7 + 3 * sqrt(0.25 / greatest(count(*), 1)) AS high FROM ({paid})",
        ),
        metric(
            "accounts.no_balance_pileup",
            "accounts",
            "no pile-up at a floor: no single opening balance holds more than 2% of the "
            "established deposit accounts",
            f"SELECT coalesce(max(CAST(same AS DOUBLE)) / count(*), 0.0) FROM ({established})",
            0.0,
            0.02,
        ),
        metric(
            "transactions.checking_debits",
            "transactions",
            f"a ledger dense enough to mean something: active Checking accounts have a median "
            f"of at least {debits:g} debits a month (a few dozen at the default density; the "
            "bound follows the configured rows per customer-month)",
            f"SELECT coalesce(median(n) / {months!r}, 0.0) FROM (SELECT t.account_id, "
            "count(*) AS n FROM {s}.transactions AS t JOIN {s}.accounts AS a "
            "ON a.account_id = t.account_id WHERE a.account_type = 'Checking' "
            f"AND a.account_status = 'Active' AND a.open_date < {first} AND t.amount < 0 "
            "GROUP BY 1)",
            debits,
            math.inf,
        ),
        Check(
            "transactions.spending_follows_income",
            "transactions",
            "spending scales with income: corr(ln everyday spending, ln annual_income) over "
            "customers >= 0.5 (less 3 standard errors, Fisher z)",
            "SELECT corr(ln(-s.spent), ln(c.annual_income)) AS value, "
            "tanh(atanh(0.5) - 3 / sqrt(greatest(count(*) - 3, 1))) AS low, 1.0 AS high "
            f"FROM ({spending}) AS s JOIN {{s}}.customers AS c ON c.customer_id = s.customer_id "
            "WHERE s.spent < 0 AND c.is_active",
        ),
    ]


# --- credit cards --------------------------------------------------------------------------

_LUHN = (
    "(SELECT sum(CASE WHEN i % 2 = 1 THEN 2 * d - CASE WHEN d >= 5 THEN 9 ELSE 0 END ELSE d END) "
    "FROM (SELECT r.i, CAST(substr(reverse(t.card_number), r.i + 1, 1) AS INT) AS d "
    "FROM unnest(range(length(t.card_number))) AS r(i))) % 10 = 0"
)


def _correlation(column: str, score_low: float, sign: int) -> str:
    """Lower bound of `sign` x corr(column, credit_score): `score_low` less 3 standard errors
    (Fisher z)."""
    return (
        f"SELECT {sign} * corr(k.{column}, c.credit_score) AS value, "
        f"tanh(atanh({score_low!r}) - 3 / sqrt(greatest(count(*) - 3, 1))) AS low, "
        "1.0 AS high FROM {s}.credit_cards AS k JOIN {s}.customers AS c "
        "ON c.customer_id = k.customer_id"
    )


def utilisation_shape(params: FinancialParams) -> dict[str, tuple[float, float, float]]:
    """Per risk category: the configured mean utilisation of a card, and the shares of cards
    under 5% and over 80% utilised (those carrying a balance: logit-normal around the
    risk's median; the others taken as near zero), by quadrature."""
    p = params.cards
    z = np.linspace(-8, 8, 4001)
    w = np.exp(-0.5 * z * z)
    w /= w.sum()
    out = {}
    for risk in RISKS:
        r = p.risks[risk]
        m = min(max(r.utilization, 1e-6), 1 - 1e-6)
        util = np.clip(1 / (1 + np.exp(-(np.log(m / (1 - m)) + p.utilization_sigma * z))), 0, 0.97)
        out[risk] = (
            r.revolver_rate * float(w @ util),
            1 - r.revolver_rate + r.revolver_rate * float(w @ (util < 0.05)),
            r.revolver_rate * float(w @ (util > 0.8)),
        )
    return out


#: card utilisation: its mean within this much of the configured mean (plus 3 standard
#: errors); at least this share of the configured shares near zero and near the limit
UTILISATION_WITHIN, UTILISATION_SHARE = 0.08, 0.5
#: delinquency rises with utilisation: cards over half used are delinquent at least this
#: many times as often as the others (where the configured weight is 1 or more)
DELINQUENCY_STEP = 2.0
_UTIL = "(k.current_balance / k.credit_limit)"


def _credit_cards(params: FinancialParams) -> list[Check]:
    shape = utilisation_shape(params)
    by_risk = [_case("c.risk_category", {r: v[i] for r, v in shape.items()}) for i in range(3)]
    share = UTILISATION_SHARE
    step = DELINQUENCY_STEP if params.cards.delinquency_weight >= 1 else 0.0
    holders = "FROM {s}.credit_cards AS k JOIN {s}.customers AS c ON c.customer_id = k.customer_id"
    delinquent = "CASE WHEN k.delinquency_status <> 'Current' THEN 1.0 ELSE 0.0 END"
    return [
        Check(
            "credit_cards.utilisation_mean",
            "credit_cards",
            "mean utilisation (current_balance / credit_limit) is within "
            f"{UTILISATION_WITHIN:g} of the configured mean for the holders' risk categories "
            "(about 25-30% by default, as US averages), plus 3 standard errors",
            f"SELECT avg({_UTIL}) AS value, avg({by_risk[0]}) - {UTILISATION_WITHIN!r} "
            f"- 3 * stddev_samp({_UTIL}) / sqrt(count(*)) AS low, avg({by_risk[0]}) "
            f"+ {UTILISATION_WITHIN!r} + 3 * stddev_samp({_UTIL}) / sqrt(count(*)) AS high "
            f"{holders}",
        ),
        metric(
            "credit_cards.utilisation_spread",
            "credit_cards",
            "utilisation is spread out: the shares of cards under 5% and over 80% used are "
            f"each at least {share:g} x the configured ones (many near zero, a tail near the "
            "limit), less 3 standard errors (shown: the smaller share over its bound)",
            "SELECT least("
            f"(avg(CASE WHEN {_UTIL} < 0.05 THEN 1.0 ELSE 0.0 END) + 3 * sqrt({share!r} "
            f"* avg({by_risk[1]}) / count(*))) / ({share!r} * avg({by_risk[1]})), "
            f"(avg(CASE WHEN {_UTIL} > 0.8 THEN 1.0 ELSE 0.0 END) + 3 * sqrt({share!r} "
            f"* avg({by_risk[2]}) / count(*))) / ({share!r} * avg({by_risk[2]}))) {holders}",
            1.0,
            math.inf,
        ),
        metric(
            "credit_cards.delinquency_by_utilisation",
            "credit_cards",
            "delinquency rises with utilisation: cards over half used are past due at least "
            f"{step:g} x as often as the others (smoothed by half a card), less 3 standard "
            "errors (shown: the ratio over its bound)",
            "WITH x AS (SELECT "
            f"sum({delinquent}) FILTER (WHERE {_UTIL} > 0.5) + 0.5 AS d_hi, "
            f"count(*) FILTER (WHERE {_UTIL} > 0.5) + 1 AS n_hi, "
            f"sum({delinquent}) FILTER (WHERE {_UTIL} <= 0.5) + 0.5 AS d_lo, "
            f"count(*) FILTER (WHERE {_UTIL} <= 0.5) + 1 AS n_lo {holders}) "
            f"SELECT (d_hi / n_hi) / (d_lo / n_lo) / ({step!r} "
            "* exp(-3 * sqrt(1 / d_hi + 1 / d_lo))) FROM x",
            1.0 if step else -math.inf,
            math.inf,
        ),
        rows(
            "credit_cards.frozen_at_90_days",
            "credit_cards",
            "frozen_date is set iff the card is 90+ Days past due, then at least 120 days after "
            "its account opened and not after the end date, and the card's account "
            "is Frozen",
            "(frozen_date IS NOT NULL) = (delinquency_status = '90+ Days') AND (frozen_date IS "
            "NULL OR (frozen_date <= {end} AND EXISTS (SELECT 1 FROM {s}.accounts AS a WHERE "
            "a.account_id = t.account_id AND a.account_status = 'Frozen' "
            "AND frozen_date >= a.open_date + 120)))",
        ),
        violations(
            "credit_cards.no_purchases_when_frozen",
            "credit_cards",
            "a frozen card stops: no Completed or Pending purchase on its account on or after "
            "its frozen_date",
            "SELECT count(*) FROM {s}.transactions AS t JOIN {s}.credit_cards AS k "
            "ON k.account_id = t.account_id WHERE t.transaction_type = 'Purchase' "
            "AND t.status <> 'Failed' "
            f"AND {_day('t.transaction_date')} >= k.frozen_date",
        ),
        rows(
            "credit_cards.luhn_test_range",
            "credit_cards",
            "card_number is 15-16 digits, Luhn-valid, with a network's test-card prefix "
            f"({', '.join(TEST_CARD_PREFIXES)})",
            "regexp_full_match(card_number, '[0-9]{15,16}') "
            f"AND substr(card_number, 1, 6) IN ({quoted(TEST_CARD_PREFIXES)}) AND {_LUHN}",
        ),
        rows(
            "credit_cards.card_account",
            "credit_cards",
            "account_id is a Credit Card account of the card's customer",
            "EXISTS (SELECT 1 FROM {s}.accounts AS a WHERE a.account_id = t.account_id "
            "AND a.customer_id = t.customer_id AND a.account_type = 'Credit Card')",
        ),
        rows(
            "credit_cards.account_balance",
            "credit_cards",
            "current_balance and credit_limit are those of the card's account",
            "EXISTS (SELECT 1 FROM {s}.accounts AS a WHERE a.account_id = t.account_id "
            "AND a.current_balance = t.current_balance AND a.credit_limit = t.credit_limit)",
        ),
        rows(
            "credit_cards.available_credit",
            "credit_cards",
            "available_credit = credit_limit - current_balance (to the cent)",
            "abs(available_credit - (credit_limit - current_balance)) < 0.005",
        ),
        Check(
            "credit_cards.limit_follows_score",
            "credit_cards",
            "credit_limit rises with credit score: corr(credit_limit, credit_score) >= 0.3 "
            "(less 3 standard errors)",
            _correlation("credit_limit", 0.3, 1),
        ),
        Check(
            "credit_cards.rate_follows_score",
            "credit_cards",
            "interest_rate falls with credit score: corr(interest_rate, credit_score) <= -0.5 "
            "(plus 3 standard errors; shown negated)",
            _correlation("interest_rate", 0.5, -1),
        ),
    ]


# --- loans ---------------------------------------------------------------------------------

_MONTHLY = "(CAST(interest_rate AS DOUBLE) / 12)"
_GROWTH = f"(1 + {_MONTHLY})"
_PAYMENT = (
    f"CASE WHEN interest_rate = 0 THEN loan_amount / term_months ELSE loan_amount * {_MONTHLY} "
    f"/ (1 - power({_GROWTH}, -term_months)) END"
)
_SCHEDULE = (
    "CASE WHEN interest_rate = 0 THEN loan_amount * (term_months - payments_made) / term_months "
    f"ELSE loan_amount * (power({_GROWTH}, term_months) - power({_GROWTH}, payments_made)) "
    f"/ (power({_GROWTH}, term_months) - 1) END"
)


def _rise(groups: str, labels: tuple[str, ...], rates: dict[str, float]) -> tuple[str, str]:
    """A metric that default rates rise along `labels` (the values of the SQL expression
    `groups` over loans l joined to customers c) as configured by `rates`: each rate over
    the previous one (smoothed by half a loan) divided by the ratio required, less 3
    standard errors of the ratio; the smallest of these must be >= 1. Returns (query, the
    required steps as text)."""
    required = {
        (a, b): min(DEFAULT_STEP, (rates[b] / rates[a]) ** 0.75)
        for a, b in pairwise(labels)
        if rates[a] > 0 and rates[b] >= DEFAULT_RISE_FROM * rates[a]
    }
    key = {label: f"g{i}" for i, label in enumerate(labels)}
    steps = [
        f"(p_{key[b]} / p_{key[a]}) / ({step!r} * exp(-3 * sqrt(1 / k_{key[a]} + 1 / k_{key[b]})))"
        for (a, b), step in required.items()
    ] or ["1e9"]
    per = ", ".join(
        f"max(k / n) FILTER (WHERE g = '{label}') AS p_{key[label]}, "
        f"max(k) FILTER (WHERE g = '{label}') AS k_{key[label]}"
        for label in labels
    )
    query = (
        f"WITH r AS (SELECT {groups} AS g, count(*) AS n, "
        "count(*) FILTER (WHERE l.loan_status = 'Default') + 0.5 AS k "
        "FROM {s}.loans AS l JOIN {s}.customers AS c ON c.customer_id = l.customer_id "
        f"GROUP BY 1), p AS (SELECT {per} FROM r) SELECT least({', '.join(steps)}) FROM p"
    )
    shown = ", ".join(f"{a} < {b}: {x:.2g} x" for (a, b), x in required.items()) or "none"
    return query, shown


# "rising": default rates multiply from one risk grade (or loan type) to the next, so each
# one's rate is held to at least twice the one below it (or the configured ratio to the power
# 0.75, if smaller; no promise where the configured rates rise less than 1.5 x), less 3
# standard errors of the ratio (with few defaults the bound drops below 1; from multiplier 5
# on it demands a real rise)
DEFAULT_STEP, DEFAULT_RISE_FROM = 2.0, 1.5
#: "mortgages default least, unsecured loans most": the order of loan types checked
DEFAULT_ORDER = ("Mortgage", "Auto", "Personal")
#: defaults rise with payment over income: loans above their type's median payment-to-income
#: default at least this many times as often as those below (Mantel-Haenszel over types)
PTI_STEP = 1.15
#: mortgage rates by origination year: the mean gap to the market rate plus the borrower's
#: spread, within this many points (plus 3 standard errors)
RATE_WITHIN = 0.005


def _default_chance(params: FinancialParams) -> str:
    """The configured chance of default of loan l (of customer c), as SQL."""
    p = params.loans
    rate = _case("l.loan_type", {t: x.default_rate for t, x in p.types.items()})
    factor = _case("c.risk_category", {r: x.default_factor for r, x in p.risks.items()})
    return (
        f"least(0.95, {rate} * {factor} * exp({p.payment_to_income_weight!r} * "
        f"(12 * l.monthly_payment / c.annual_income - {p.reference_payment_to_income!r})))"
    )


def _market_rate(params: FinancialParams) -> str:
    """The rate of mortgage l of customer c at its origination: the year's market rate (the
    nearest year's outside the table), less the short-term discount, plus the risk spread."""
    p = params.loans
    years = list(p.mortgage_rates)
    market = _case(
        f"least(greatest(year(l.origination_date), {years[0]}), {years[-1]})",
        dict(p.mortgage_rates),
    )
    spread = _case(
        "c.risk_category",
        {r: x.spread * p.types["Mortgage"].spread_scale for r, x in p.risks.items()},
    )
    margin = p.types["Mortgage"].margin
    short = p.mortgage_short_term
    return (
        f"({market} + {margin!r} - CASE WHEN l.term_months <= 180 THEN {short!r} ELSE 0 END "
        f"+ {spread})"
    )


# Due dates fall monthly on the origination day (the 28th at most): instalments due by the
# end date, as the schedule counts them
_ELAPSED = (
    "greatest(0, (year({end}) * 12 + month({end})) - (year(origination_date) * 12 "
    "+ month(origination_date)) - CASE WHEN least(day(origination_date), 28) > day({end}) "
    "THEN 1 ELSE 0 END)"
)


def _loans(params: FinancialParams) -> list[Check]:
    p = params.loans
    low, high = DEFAULT_SHARE
    by_risk, risk_steps = _rise(
        "c.risk_category", RISKS, {r: p.risks[r].default_factor for r in RISKS}
    )
    by_type, type_steps = _rise(
        "l.loan_type", DEFAULT_ORDER, {t: p.types[t].default_rate for t in DEFAULT_ORDER}
    )
    chance = _default_chance(params)
    caps = _case("loan_type", {t: x.max_payment_to_income for t, x in p.types.items()})
    pti_step = PTI_STEP if p.payment_to_income_weight >= 2 else 0.0
    return [
        rows(
            "loans.amortisation",
            "loans",
            "monthly_payment = loan_amount r / (1 - (1 + r)^-term_months), r = interest_rate / 12 "
            "(to the cent)",
            f"abs(monthly_payment - ({_PAYMENT})) <= 0.01",
        ),
        rows(
            "loans.schedule_balance",
            "loans",
            "0 <= payments_made <= term_months and remaining_balance is the schedule's balance "
            "after payments_made payments (to the cent)",
            f"payments_made BETWEEN 0 AND term_months AND abs(remaining_balance - ({_SCHEDULE})) "
            "<= 0.01",
        ),
        rows(
            "loans.account_balance",
            "loans",
            "the loan's account is a Loan account of its customer whose current_balance is "
            "remaining_balance",
            "EXISTS (SELECT 1 FROM {s}.accounts AS a WHERE a.account_id = t.account_id "
            "AND a.customer_id = t.customer_id AND a.account_type = 'Loan' "
            "AND a.current_balance = t.remaining_balance)",
        ),
        rows(
            "loans.status_from_payments",
            "loans",
            "loan_status agrees with the instalments due by the end date (monthly from "
            "origination) and payments_made: Paid Off iff all term_months are paid; Current "
            "missed none; Late missed 1 or 2; Default 3 or more",
            f"CASE loan_status WHEN 'Paid Off' THEN payments_made = term_months "
            f"AND {_ELAPSED} >= term_months "
            f"ELSE payments_made < term_months AND CASE loan_status "
            f"WHEN 'Current' THEN {_ELAPSED} - payments_made = 0 "
            f"WHEN 'Late' THEN {_ELAPSED} - payments_made BETWEEN 1 AND 2 "
            f"WHEN 'Default' THEN {_ELAPSED} - payments_made >= 3 END END",
        ),
        violations(
            "loans.within_debt_to_income",
            "loans",
            f"underwritten to income: each loan's payment within its type's cap of monthly "
            f"income (loans at the $500 floor excepted), and a borrower's loans together "
            f"within {p.max_debt_to_income:g} of it (to the cent)",
            "SELECT (SELECT count(*) FROM {s}.loans AS t JOIN {s}.customers AS c "
            "ON c.customer_id = t.customer_id WHERE t.loan_amount > 500 AND NOT coalesce("
            f"t.monthly_payment <= {caps.replace('loan_type', 't.loan_type')} "
            "* c.annual_income / 12 + 0.01, false)) + (SELECT count(*) FROM (SELECT customer_id, "
            "sum(monthly_payment) AS paid FROM {s}.loans GROUP BY 1) AS t "
            "JOIN {s}.customers AS c ON c.customer_id = t.customer_id WHERE NOT coalesce("
            f"t.paid <= {p.max_debt_to_income!r} * c.annual_income / 12 + 0.01, false))",
        ),
        Check(
            "loans.rate_follows_market",
            "loans",
            "mortgage rates follow the market of their origination year: per year (with 3+ "
            "mortgages) the mean of interest_rate less the year's 30-year rate (the "
            "configured Freddie Mac PMMS table; less the 15-year discount) and the borrower's "
            f"risk spread is within {RATE_WITHIN:g}, plus 3 standard errors",
            "WITH y AS (SELECT year(l.origination_date) AS y, count(*) AS n, "
            f"avg(l.interest_rate - {_market_rate(params)}) AS gap, "
            f"stddev_samp(l.interest_rate - {_market_rate(params)}) AS sd "
            "FROM {s}.loans AS l JOIN {s}.customers AS c ON c.customer_id = l.customer_id "
            "WHERE l.loan_type = 'Mortgage' GROUP BY 1 HAVING count(*) >= 3) "
            "SELECT coalesce(max(abs(gap) - 3 * sd / sqrt(n)), 0) AS value, "
            f"'-inf'::DOUBLE AS low, {RATE_WITHIN!r} AS high FROM y",
        ),
        Check(
            "loans.default_share",
            "loans",
            f"loans in Default are {low:g}-{high:g} x the configured chance of default of "
            "each (by type, the holder's risk and payment over income; 5-10% of all by "
            "default: a loan defaults only once 4 months in and when not paid off), less/plus "
            "3 standard errors",
            "WITH x AS (SELECT avg(CASE WHEN l.loan_status = 'Default' THEN 1.0 ELSE 0.0 END) "
            f"AS share, avg({chance}) AS rate, count(*) AS n "
            "FROM {s}.loans AS l JOIN {s}.customers AS c ON c.customer_id = l.customer_id) "
            f"SELECT share AS value, greatest(0.0, {low!r} * rate "
            f"- 3 * sqrt({low!r} * rate * (1 - {low!r} * rate) / n)) AS low, "
            f"{high!r} * rate + 3 * sqrt({high!r} * rate * (1 - {high!r} * rate) / n) AS high "
            "FROM x",
        ),
        metric(
            "loans.default_by_risk",
            "loans",
            f"default rate rises with risk as configured ({risk_steps} the previous), less 3 "
            "standard errors (shown: smallest ratio over its bound)",
            by_risk,
            1.0,
            math.inf,
        ),
        metric(
            "loans.default_by_type",
            "loans",
            "mortgages default least, unsecured personal loans most: default rate rises from "
            f"Mortgage to Auto to Personal as configured ({type_steps} the previous), less 3 "
            "standard errors (shown: smallest ratio over its bound)",
            by_type,
            1.0,
            math.inf,
        ),
        metric(
            "loans.default_by_payment_to_income",
            "loans",
            "defaults rise with payment over income: loans above their type's median "
            f"payment-to-income default at least {pti_step:g} x as often as those below "
            "(Mantel-Haenszel over loan types), less 3 standard errors (shown: the ratio "
            "over its bound)",
            "WITH l AS (SELECT l.loan_type AS t, CASE WHEN l.loan_status = 'Default' THEN 1.0 "
            "ELSE 0.0 END AS d, 12 * l.monthly_payment / c.annual_income AS pti "
            "FROM {s}.loans AS l JOIN {s}.customers AS c ON c.customer_id = l.customer_id), "
            "h AS (SELECT l.t, l.d, l.pti > m.mid AS high FROM l "
            "JOIN (SELECT t, median(pti) AS mid FROM l GROUP BY 1) AS m ON m.t = l.t), "
            "s AS (SELECT t, count(*) AS n, sum(d) FILTER (WHERE high) + 0.5 AS d_hi, "
            "sum(d) FILTER (WHERE NOT high) + 0.5 AS d_lo, count(*) FILTER (WHERE high) AS n_hi, "
            "count(*) FILTER (WHERE NOT high) AS n_lo FROM h GROUP BY 1) "
            "SELECT (sum(d_hi * n_lo / n) / sum(d_lo * n_hi / n)) "
            f"/ ({pti_step!r} * exp(-3 * sqrt(1 / sum(d_hi) + 1 / sum(d_lo)))) FROM s",
            1.0 if pti_step else -math.inf,
            math.inf,
        ),
    ]


# --- fraud cases ---------------------------------------------------------------------------


# "Every detected fraud gets a case": about 90% of fraud episodes are detected, hours to days
# after their last attempt, so in a month's ledger those detected after the end date cost a
# few % more: about 85% of fraud rows have a Confirmed Fraud case; the check asks for 75%.
# Rows come in episodes, so the share's standard error is that of clustered fraud (design
# effect 6, as for `_fraud_se`). Resampling the episodes of a multiplier-20 bank, a correct
# bank fails it less than once in 5,000 warehouses at multipliers 0.05-0.3 and practically
# never from 1 on. With a handful of fraud rows the bound drops towards 0 and the
# per-account check below judges instead: an account is the victim of at most one episode
# per ledger and a detected one is investigated whole, so an account with a Confirmed Fraud
# case has one for each of its fraud rows.
_CONFIRMED = (
    "SELECT DISTINCT transaction_id, account_id FROM {s}.fraud_cases "
    "WHERE resolution = 'Confirmed Fraud'"
)


def _fraud_cases(params: FinancialParams) -> list[Check]:
    def linked(condition: str) -> str:
        return (
            "SELECT count(*) FROM {s}.fraud_cases AS f LEFT JOIN {s}.transactions AS t "
            f"ON t.transaction_id = f.transaction_id WHERE NOT coalesce({condition}, false)"
        )

    detected = params.fraud.detected_rate
    cased = round(FRAUD_CASED * detected, 4)
    se = f"sqrt(6 * {cased * (1 - cased):g} / greatest(count(*), 1))"
    return [
        violations(
            "fraud_cases.transaction_of_account",
            "fraud_cases",
            "transaction_id is a transaction of the case's account",
            linked("t.account_id = f.account_id"),
        ),
        violations(
            "fraud_cases.occurrence_date",
            "fraud_cases",
            "occurrence_date is the transaction's transaction_date",
            linked("f.occurrence_date = t.transaction_date"),
        ),
        rows(
            "fraud_cases.detected_after",
            "fraud_cases",
            "occurrence_date <= detection_date, detected inside the window",
            f"occurrence_date <= detection_date AND {_day('detection_date')} <= {{end}}",
        ),
        violations(
            "fraud_cases.confirmed_iff_fraud",
            "fraud_cases",
            "resolution is 'Confirmed Fraud' iff the transaction is_fraud",
            linked("(f.resolution = 'Confirmed Fraud') = t.is_fraud"),
        ),
        rows(
            "fraud_cases.recovered_range",
            "fraud_cases",
            "0 <= amount_recovered <= amount_involved",
            "0 <= amount_recovered AND amount_recovered <= amount_involved",
        ),
        Check(
            "fraud_cases.detected_fraud_cased",
            "fraud_cases",
            f"every detected fraud gets a case: at least {cased:.0%} of is_fraud transactions "
            f"have a Confirmed Fraud case (5/6 of the {detected:.0%} detected: less those "
            "detected after the end date), less 3 standard errors of clustered fraud",
            "SELECT coalesce(avg(CASE WHEN c.transaction_id IS NULL THEN 0.0 ELSE 1.0 END), "
            f"1.0) AS value, greatest(0.0, {cased!r} - 3 * {se}) AS low, 1.0 AS high "
            f"FROM {{s}}.transactions AS t LEFT JOIN ({_CONFIRMED}) AS c "
            "ON c.transaction_id = t.transaction_id WHERE t.is_fraud",
        ),
        violations(
            "fraud_cases.account_fraud_all_cased",
            "fraud_cases",
            "fraud is investigated per account: every is_fraud transaction of an account with "
            "a Confirmed Fraud case has a Confirmed Fraud case",
            f"SELECT count(*) FROM {{s}}.transactions AS t "
            f"JOIN (SELECT DISTINCT account_id FROM ({_CONFIRMED})) AS a "
            f"ON a.account_id = t.account_id LEFT JOIN ({_CONFIRMED}) AS c "
            "ON c.transaction_id = t.transaction_id WHERE t.is_fraud AND c.transaction_id IS NULL",
        ),
    ]


# --- the same people at the retailer ---------------------------------------------------------

RETAIL = "retail_analytics"
#: the columns that make a person, bank's -> retailer's
SAME_PERSON = {
    "first_name": "first_name",
    "last_name": "last_name",
    "date_of_birth": "date_of_birth",
    "address": "address_line1",
    "city": "city",
    "state": "state",
    "zip_code": "zip_code",
    "email": "email",
    "phone": "phone",
    "annual_income": "annual_income",
    "credit_score": "credit_score",
}


def _across(params: FinancialParams) -> list[Check]:
    """Checks of a warehouse holding the retailer too: a customer id in both is one person."""
    same = " AND ".join(f"b.{k} = r.{v}" for k, v in SAME_PERSON.items())
    overlap = params.customers.retail_overlap
    return [
        replace(
            violations(
                "customers.same_person_as_retail",
                "customers",
                "a customer_id of both the bank and the retailer is one person: name, date of "
                "birth, address, email, phone, income and credit score agree",
                f"SELECT count(*) FROM {{s}}.customers AS b JOIN {RETAIL}.customers AS r "
                f"ON r.customer_id = b.customer_id WHERE NOT coalesce({same}, false)",
            ),
            needs=(RETAIL,),
        ),
        replace(
            Check(
                "customers.retail_overlap",
                "customers",
                f"the share of bank customers who are the retailer's customers too is the "
                f"configured {overlap:g} (or all the retailer has, if it has fewer), to 0.005",
                f"WITH x AS (SELECT count(*) AS n, count(r.customer_id) AS shared, "
                f"(SELECT count(*) FROM {RETAIL}.customers) AS shop FROM {{s}}.customers AS b "
                f"LEFT JOIN {RETAIL}.customers AS r ON r.customer_id = b.customer_id) "
                f"SELECT shared / n AS value, least({overlap!r}, shop / n) - 0.005 AS low, "
                f"least({overlap!r}, shop / n) + 0.005 AS high FROM x",
            ),
            needs=(RETAIL,),
        ),
    ]


def checks(params: FinancialParams) -> list[Check]:
    """Every behaviour check of financial_analytics, table by table, then those across
    domains (they run only where the retailer is there too)."""
    return [
        *_customers(params),
        *_accounts(),
        *_transactions(params),
        *_cash_flow(params),
        *difficulty.checks(params),
        *_credit_cards(params),
        *_loans(params),
        *_fraud_cases(params),
        *_across(params),
    ]
