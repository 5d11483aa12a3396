"""The financial_analytics contract of docs/SCHEMA.md, checked on a generated warehouse."""

from __future__ import annotations

import numpy as np
import pytest

from fakehouse.core import luhn
from tests.financial.conftest import one

END = "DATE '2025-12-31'"
LEDGER_START = "TIMESTAMP '2025-11-01 00:00:00'"

ROWS = {
    "customers": 10_000,
    "accounts": 20_000,
    "transactions": 610_000,
    "credit_cards": 5_000,
    "loans": 3_000,
    "fraud_cases": 1_000,
}
KEYS = {
    "accounts": ("account_id", "ACC"),
    "transactions": ("transaction_id", "TXN"),
    "credit_cards": ("card_id", "CARD"),
    "loans": ("loan_id", "LOAN"),
    "fraud_cases": ("case_id", "CASE"),
}


@pytest.mark.parametrize("table", ROWS)
def test_row_counts_are_exact(bank, table):
    assert one(bank, f"SELECT COUNT(*) FROM {table}") == ROWS[table]


@pytest.mark.parametrize("table", KEYS)
def test_ids_are_dense_and_sequential(bank, table):
    key, prefix = KEYS[table]
    bad = one(
        bank,
        f"""SELECT COUNT(*) FROM (
              SELECT {key}, ROW_NUMBER() OVER (ORDER BY {key}) AS n FROM {table})
            WHERE CAST(SUBSTR({key}, {len(prefix) + 1}) AS BIGINT) <> n
               OR NOT starts_with({key}, '{prefix}')""",
    )
    assert bad == 0


def test_customer_ids_are_people(bank):
    # 30% of the bank's customers shop at the retailer: they are the retailer's first 3,000
    # customers (ids 1..3,000); the others have ids from 1,000,000,001 on, which no retail
    # customer has (retail ids stop at 10,000 x the multiplier)
    shoppers, own, first, last, bad = bank.execute(
        """SELECT count(*) FILTER (WHERE n <= 1000000000), count(*) FILTER (WHERE n > 1000000000),
                  min(n) FILTER (WHERE n > 1000000000), max(n) FILTER (WHERE n > 1000000000),
                  count(*) FILTER (WHERE NOT regexp_full_match(customer_id, 'CUST[0-9]{10}'))
           FROM (SELECT customer_id, CAST(substr(customer_id, 5) AS BIGINT) AS n FROM customers)"""
    ).fetchone()
    assert (shoppers, own, bad) == (3_000, 7_000, 0)
    assert (first, last) == (1_000_000_001, 1_000_007_000)
    assert (
        one(
            bank,
            "SELECT max(CAST(substr(customer_id, 5) AS BIGINT)) FROM customers "
            "WHERE CAST(substr(customer_id, 5) AS BIGINT) <= 1000000000",
        )
        == 3_000
    )


FOREIGN_KEYS = [
    ("accounts", "customer_id", "customers", "customer_id"),
    ("transactions", "account_id", "accounts", "account_id"),
    ("transactions", "counterparty_account_id", "accounts", "account_id"),
    ("credit_cards", "account_id", "accounts", "account_id"),
    ("credit_cards", "customer_id", "customers", "customer_id"),
    ("loans", "account_id", "accounts", "account_id"),
    ("loans", "customer_id", "customers", "customer_id"),
    ("fraud_cases", "transaction_id", "transactions", "transaction_id"),
    ("fraud_cases", "account_id", "accounts", "account_id"),
]


@pytest.mark.parametrize(("child", "column", "parent", "key"), FOREIGN_KEYS)
def test_foreign_keys(bank, child, column, parent, key):
    missing = one(
        bank,
        f"""SELECT COUNT(*) FROM {child} c ANTI JOIN {parent} p ON c.{column} = p.{key}
            WHERE c.{column} IS NOT NULL""",
    )
    assert missing == 0


# --- customers ------------------------------------------------------------------------


def test_credit_score_range_and_shape(bank):
    lo, hi, mean, skew = bank.execute(
        "SELECT MIN(credit_score), MAX(credit_score), AVG(credit_score), SKEWNESS(credit_score)"
        " FROM customers"
    ).fetchone()
    assert lo >= 300 and hi <= 850
    assert 680 <= mean <= 725
    assert skew < -0.4  # left-skewed, like real score distributions


def test_risk_follows_credit_score_and_debt(bank):
    rows = dict(
        bank.execute("SELECT risk_category, AVG(credit_score) FROM customers GROUP BY 1").fetchall()
    )
    assert set(rows) == {"Low", "Medium", "High"}
    assert rows["Low"] > rows["Medium"] > rows["High"]
    dti = dict(
        bank.execute(
            "SELECT risk_category, AVG(debt_to_income) FROM customers GROUP BY 1"
        ).fetchall()
    )
    assert dti["Low"] < dti["Medium"] < dti["High"]


def test_income_is_lognormal_rising_to_mid_career(bank):
    skew = one(bank, "SELECT SKEWNESS(LN(annual_income)) FROM customers")
    assert abs(skew) < 0.6
    by_age = dict(
        bank.execute(
            f"""SELECT LEAST(FLOOR(DATE_DIFF('year', date_of_birth, {END}) / 10) * 10, 70) AS d,
                       MEDIAN(annual_income) FROM customers GROUP BY 1"""
        ).fetchall()
    )
    assert by_age[20] < by_age[30] < by_age[40]
    assert max(by_age[40], by_age[50]) > by_age[70]
    corr = one(bank, "SELECT CORR(LN(annual_income), credit_score) FROM customers")
    assert corr > 0.2


def test_segments_follow_income(bank):
    rows = dict(
        bank.execute(
            "SELECT customer_segment, MEDIAN(annual_income) FROM customers GROUP BY 1"
        ).fetchall()
    )
    assert rows["Student"] < rows["Mass Market"] < rows["Mass Affluent"] < rows["Affluent"]
    assert rows["Affluent"] < rows["Private Banking"]


def test_kyc_after_joining_and_adults(bank):
    assert one(bank, "SELECT COUNT(*) FROM customers WHERE kyc_date < join_date") == 0
    assert (
        one(bank, "SELECT COUNT(*) FROM customers WHERE kyc_verified <> (kyc_date IS NOT NULL)")
        == 0
    )
    assert (
        one(
            bank,
            "SELECT COUNT(*) FROM customers WHERE join_date < date_of_birth + INTERVAL 18 YEAR",
        )
        == 0
    )


def test_ssn_only_from_never_issued_ranges(bank):
    bad = one(
        bank,
        r"""SELECT COUNT(*) FROM customers
            WHERE NOT regexp_full_match(ssn, '9\d\d-\d\d-\d\d\d\d')
               OR CAST(SUBSTR(ssn, 5, 2) AS INT) NOT BETWEEN 1 AND 49
               OR SUBSTR(ssn, 8, 4) = '0000'""",
    )
    assert bad == 0
    assert one(bank, "SELECT COUNT(DISTINCT ssn) = COUNT(*) FROM customers")
    assert one(bank, "SELECT COUNT(DISTINCT email) = COUNT(*) FROM customers")


def test_addresses_are_real_places(bank):
    from fakehouse.core import reference

    places = reference.places()
    known = set(
        zip(
            places.zip_code.to_pylist(),
            places.city.to_pylist(),
            places.state.to_pylist(),
            strict=True,
        )
    )
    rows = bank.execute("SELECT DISTINCT zip_code, city, state FROM customers").fetchall()
    assert set(rows) <= known


# --- accounts -------------------------------------------------------------------------


def test_account_types_and_product_mix(bank):
    types = dict(bank.execute("SELECT account_type, COUNT(*) FROM accounts GROUP BY 1").fetchall())
    assert set(types) == {"Checking", "Savings", "Money Market", "CD", "Credit Card", "Loan"}
    customers = ROWS["customers"]
    with_checking = one(
        bank, "SELECT COUNT(DISTINCT customer_id) FROM accounts WHERE account_type = 'Checking'"
    )
    assert with_checking / customers > 0.85
    assert types["Savings"] > types["Money Market"] > 0
    assert types["Savings"] > types["CD"] > 0
    assert types["Credit Card"] == ROWS["credit_cards"]
    assert types["Loan"] == ROWS["loans"]


def test_accounts_open_after_join_and_close_after_open(bank):
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM accounts a JOIN customers c USING (customer_id)
           WHERE a.open_date < c.join_date""",
        )
        == 0
    )
    assert one(bank, "SELECT COUNT(*) FROM accounts WHERE close_date < open_date") == 0
    assert one(bank, f"SELECT COUNT(*) FROM accounts WHERE open_date > {END}") == 0
    closed = one(
        bank,
        "SELECT AVG(CASE WHEN account_status = 'Closed' THEN 1 ELSE 0 END) FROM accounts"
        " WHERE account_type IN ('Checking', 'Savings')",
    )
    assert 0.02 < closed < 0.2
    assert (
        one(
            bank,
            "SELECT COUNT(*) FROM accounts"
            " WHERE (account_status = 'Closed') <> (close_date IS NOT NULL)",
        )
        == 0
    )


def test_deposit_balances_are_lognormal(bank):
    for kind in ("Savings", "Money Market", "Checking"):
        skew = one(
            bank,
            f"""SELECT SKEWNESS(LN(current_balance)) FROM accounts
                WHERE account_type = '{kind}' AND current_balance > 0
                  AND account_status <> 'Closed'""",
        )
        assert abs(skew) < 0.6, kind


def test_cards_and_loans_have_their_own_accounts(bank):
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM credit_cards k JOIN accounts a USING (account_id)
           WHERE a.account_type <> 'Credit Card' OR a.customer_id <> k.customer_id""",
        )
        == 0
    )
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM loans l JOIN accounts a USING (account_id)
           WHERE a.account_type <> 'Loan' OR a.customer_id <> l.customer_id""",
        )
        == 0
    )
    assert one(bank, "SELECT COUNT(DISTINCT account_id) FROM credit_cards") == ROWS["credit_cards"]
    assert one(bank, "SELECT COUNT(DISTINCT account_id) FROM loans") == ROWS["loans"]


# --- the ledger -----------------------------------------------------------------------


def test_running_balance_per_account(bank):
    bad = one(
        bank,
        """SELECT COUNT(*) FROM (
             SELECT t.balance_after,
                    COALESCE(LAG(t.balance_after) OVER w, a.opening_balance)
                      + CASE WHEN t.status = 'Completed' THEN t.amount ELSE 0 END AS expected
             FROM transactions t JOIN accounts a USING (account_id)
             WINDOW w AS (PARTITION BY t.account_id ORDER BY t.transaction_id))
           WHERE balance_after <> expected""",
    )
    assert bad == 0
    # ids follow time inside an account
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM (
             SELECT transaction_date < LAG(transaction_date) OVER (
                      PARTITION BY account_id ORDER BY transaction_id) AS back
             FROM transactions) WHERE back""",
        )
        == 0
    )


def test_current_balance_is_opening_plus_completed(bank):
    bad = one(
        bank,
        """SELECT COUNT(*) FROM accounts a LEFT JOIN (
             SELECT account_id, SUM(amount) AS total FROM transactions
             WHERE status = 'Completed' GROUP BY 1) t USING (account_id)
           WHERE a.current_balance <> a.opening_balance + COALESCE(t.total, 0)""",
    )
    assert bad == 0


def test_overdraft_only_with_protection(bank):
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM transactions t JOIN accounts a USING (account_id)
           WHERE a.account_type IN ('Checking', 'Savings', 'Money Market', 'CD')
             AND t.balance_after < -COALESCE(a.credit_limit, 0)""",
        )
        == 0
    )
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM transactions t JOIN accounts a USING (account_id)
           WHERE NOT a.overdraft_protection AND a.account_type <> 'Credit Card'
             AND a.account_type <> 'Loan' AND t.balance_after < 0""",
        )
        == 0
    )
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM transactions t JOIN accounts a USING (account_id)
           WHERE a.account_type = 'Credit Card' AND t.balance_after > a.credit_limit""",
        )
        == 0
    )


def test_transactions_within_ledger_and_account_life(bank):
    assert (
        one(
            bank,
            f"""SELECT COUNT(*) FROM transactions t JOIN accounts a USING (account_id)
            WHERE t.transaction_date < {LEDGER_START}
               OR CAST(t.transaction_date AS DATE) > {END}
               OR CAST(t.transaction_date AS DATE) < a.open_date
               OR CAST(t.transaction_date AS DATE) > COALESCE(a.close_date, {END})""",
        )
        == 0
    )


def test_atm_withdrawals_in_twenty_dollar_notes(bank):
    rows, bad = bank.execute(
        """SELECT COUNT(*), SUM(CASE WHEN amount % 20 <> 0 THEN 1 ELSE 0 END) FROM transactions
           WHERE channel = 'ATM'"""
    ).fetchone()
    assert rows > 500 and bad == 0


def test_deposits_are_bimodal(bank):
    amounts = np.array(
        bank.execute(
            "SELECT amount FROM transactions WHERE transaction_type = 'Deposit' AND amount > 0"
        ).fetchall(),
        dtype=float,
    ).ravel()
    hist, _ = np.histogram(np.log10(amounts), bins=24, range=(0, 5))
    smooth = np.convolve(hist, np.ones(3) / 3, mode="same")
    peaks = [
        i
        for i in range(1, len(smooth) - 1)
        if smooth[i] > smooth[i - 1] and smooth[i] >= smooth[i + 1]
    ]
    big = [i for i in peaks if smooth[i] > 0.05 * smooth.max()]
    assert len(big) >= 2, smooth
    # a valley between the small-deposit mode and the paycheck mode
    low, high = big[0], big[-1]
    assert smooth[low:high].min() < 0.6 * min(smooth[low], smooth[high])


def test_paychecks_are_stable_per_customer(bank):
    spread = one(
        bank,
        """SELECT MEDIAN(s) FROM (
             SELECT account_id, STDDEV(amount) / AVG(amount) AS s FROM transactions
             WHERE description LIKE 'PAYROLL%' GROUP BY 1 HAVING COUNT(*) >= 2)""",
    )
    assert spread < 0.03


def test_purchases_are_long_tailed(bank):
    median, p99, skew = bank.execute(
        """SELECT MEDIAN(ABS(amount)), QUANTILE_CONT(ABS(amount), 0.99), SKEWNESS(ABS(amount))
           FROM transactions WHERE transaction_type = 'Purchase' AND NOT is_fraud"""
    ).fetchone()
    assert p99 / median > 8 and skew > 3
    assert (
        one(
            bank,
            "SELECT COUNT(DISTINCT merchant_category) FROM transactions"
            " WHERE transaction_type = 'Purchase'",
        )
        >= 8
    )


def test_own_transfers_appear_on_both_sides(bank):
    bad = one(
        bank,
        """SELECT COUNT(*) FROM (
             SELECT reference, COUNT(*) AS n, SUM(amount) AS total,
                    COUNT(DISTINCT a.customer_id) AS owners
             FROM transactions t JOIN accounts a USING (account_id)
             WHERE counterparty_account_id IS NOT NULL AND transaction_type = 'Transfer'
             GROUP BY 1) WHERE n <> 2 OR total <> 0 OR owners <> 1""",
    )
    assert bad == 0
    assert (
        one(
            bank,
            "SELECT COUNT(*) FROM transactions WHERE counterparty_account_id IS NOT NULL"
            " AND transaction_type = 'Transfer'",
        )
        > 100
    )
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM transactions t JOIN transactions u
             ON t.reference = u.reference AND t.transaction_id <> u.transaction_id
           WHERE t.counterparty_account_id <> u.account_id""",
        )
        == 0
    )


def test_interest_and_fees_by_account_type(bank):
    rows = bank.execute(
        """SELECT a.account_type, t.transaction_type, COUNT(*) FROM transactions t
           JOIN accounts a USING (account_id)
           WHERE t.transaction_type IN ('Interest', 'Fee') GROUP BY 1, 2"""
    ).fetchall()
    kinds = {(a, b) for a, b, _ in rows}
    assert {("Savings", "Interest"), ("CD", "Interest"), ("Credit Card", "Interest")} <= kinds
    assert {("Checking", "Fee"), ("Credit Card", "Fee")} <= kinds


def test_failed_and_pending_are_a_small_share(bank):
    shares = dict(
        bank.execute(
            "SELECT status, COUNT(*) / SUM(COUNT(*)) OVER () FROM transactions GROUP BY 1"
        ).fetchall()
    )
    assert 0.9 < shares["Completed"] < 0.995
    assert 0.001 < shares["Failed"] < 0.05
    assert 0.001 < shares["Pending"] < 0.05


def test_fraud_share(bank):
    share = one(bank, "SELECT AVG(CASE WHEN is_fraud THEN 1.0 ELSE 0 END) FROM transactions")
    assert 0.0004 < share < 0.002


# --- cards and loans ------------------------------------------------------------------


def test_card_numbers_are_luhn_valid_test_numbers(bank):
    numbers = [int(x) for (x,) in bank.execute("SELECT card_number FROM credit_cards").fetchall()]
    assert luhn.is_valid(np.array(numbers)).all()
    prefixes = {"400000", "222300", "378282", "601100"}
    assert all(str(n)[:6] in prefixes for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_card_balances_limits_and_rates(bank):
    assert (
        one(
            bank,
            "SELECT COUNT(*) FROM credit_cards"
            " WHERE available_credit <> credit_limit - current_balance",
        )
        == 0
    )
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM credit_cards k JOIN accounts a USING (account_id)
           WHERE k.current_balance <> a.current_balance OR k.credit_limit <> a.credit_limit""",
        )
        == 0
    )
    corr_limit, corr_apr = bank.execute(
        """SELECT CORR(k.credit_limit, c.credit_score), CORR(k.interest_rate, c.credit_score)
           FROM credit_cards k JOIN customers c USING (customer_id)"""
    ).fetchone()
    assert corr_limit > 0.3 and corr_apr < -0.5
    late = dict(
        bank.execute(
            """SELECT c.risk_category, AVG(CASE WHEN delinquency_status <> 'Current' THEN 1.0
                      ELSE 0 END)
               FROM credit_cards k JOIN customers c USING (customer_id) GROUP BY 1"""
        ).fetchall()
    )
    assert late["Low"] < late["Medium"] < late["High"]
    assert one(bank, "SELECT COUNT(*) FROM credit_cards WHERE expiry_date <= issue_date") == 0


def test_amortisation(bank):
    bad_payment = one(
        bank,
        """SELECT COUNT(*) FROM loans
           WHERE ABS(monthly_payment - loan_amount * (interest_rate / 12)
                     / (1 - POWER(1 + interest_rate / 12, -term_months))) > 0.01""",
    )
    assert bad_payment == 0
    bad_balance = one(
        bank,
        """SELECT COUNT(*) FROM loans
           WHERE ABS(remaining_balance - loan_amount
                     * (POWER(1 + interest_rate / 12, term_months)
                        - POWER(1 + interest_rate / 12, payments_made))
                     / (POWER(1 + interest_rate / 12, term_months) - 1)) > 0.01""",
    )
    assert bad_balance == 0
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM loans l JOIN accounts a USING (account_id)
           WHERE a.current_balance <> l.remaining_balance""",
        )
        == 0
    )
    assert (
        one(
            bank,
            "SELECT COUNT(*) FROM loans"
            " WHERE (loan_status = 'Paid Off') <> (payments_made = term_months)",
        )
        == 0
    )


def test_loan_rates_and_defaults_rise_with_risk(bank):
    rows = {
        r: (rate, default)
        for r, rate, default in bank.execute(
            """SELECT c.risk_category, AVG(l.interest_rate),
                      AVG(CASE WHEN l.loan_status = 'Default' THEN 1.0 ELSE 0 END)
               FROM loans l JOIN customers c USING (customer_id) GROUP BY 1"""
        ).fetchall()
    }
    assert rows["Low"][0] < rows["Medium"][0] < rows["High"][0]
    assert rows["Low"][1] < rows["Medium"][1] < rows["High"][1]
    overall = one(
        bank, "SELECT AVG(CASE WHEN loan_status = 'Default' THEN 1.0 ELSE 0 END) FROM loans"
    )
    assert 0.05 <= overall <= 0.10
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM loans WHERE loan_type IN ('Auto', 'Mortgage')
           AND (collateral IS NULL OR collateral_value IS NULL)""",
        )
        == 0
    )
    medians = dict(
        bank.execute("SELECT loan_type, MEDIAN(loan_amount) FROM loans GROUP BY 1").fetchall()
    )
    assert medians["Mortgage"] > medians["Home Equity"] > medians["Personal"]


# --- fraud cases ----------------------------------------------------------------------


def test_fraud_cases_investigate_real_transactions(bank):
    bad = one(
        bank,
        """SELECT COUNT(*) FROM fraud_cases f JOIN transactions t USING (transaction_id)
           WHERE f.account_id <> t.account_id
              OR f.occurrence_date <> t.transaction_date
              OR f.detection_date < f.occurrence_date
              OR (f.resolution = 'Confirmed Fraud') <> t.is_fraud
              OR f.amount_involved <> ABS(t.amount)
              OR f.amount_recovered < 0 OR f.amount_recovered > f.amount_involved""",
    )
    assert bad == 0
    assert one(bank, "SELECT MAX(detection_date) < TIMESTAMP '2026-01-01' FROM fraud_cases")
    confirmed = one(bank, "SELECT COUNT(*) FROM fraud_cases WHERE resolution = 'Confirmed Fraud'")
    assert confirmed >= 50


def test_declined_attempts_and_false_alarms_recover_nothing(bank):
    # (confirmed, declined) -> (cases, recovered): nothing was lost, so nothing is recovered
    got = {
        (confirmed, declined): (n, recovered)
        for confirmed, declined, n, recovered in bank.execute(
            """SELECT f.resolution = 'Confirmed Fraud', t.status = 'Failed', COUNT(*),
                      SUM(f.amount_recovered)
               FROM fraud_cases f JOIN transactions t USING (transaction_id) GROUP BY ALL"""
        ).fetchall()
    }
    assert got[True, True][0] > 0 and got[True, True][1] == 0
    assert got[True, False][1] > 0
    assert got[False, True][1] == 0 and got[False, False][1] == 0


def test_every_detected_fraud_transaction_has_a_case(bank):
    # about 90% of episodes are detected, fewer by the end date: each of their rows has a case
    fraud, cased = bank.execute(
        """SELECT COUNT(*), COUNT(f.case_id) FROM transactions t
           LEFT JOIN fraud_cases f
             ON f.transaction_id = t.transaction_id AND f.resolution = 'Confirmed Fraud'
           WHERE t.is_fraud"""
    ).fetchone()
    assert 0.6 * fraud <= cased < fraud
    # an account is hit by one episode at most and investigated whole: a detected account
    # has a case for every fraud row, all detected together after its last fraud row
    rows = bank.execute(
        """SELECT t.account_id, COUNT(*), COUNT(f.case_id),
                  COUNT(DISTINCT f.detection_date), MIN(f.detection_date) > MAX(t.transaction_date)
           FROM transactions t LEFT JOIN fraud_cases f
             ON f.transaction_id = t.transaction_id AND f.resolution = 'Confirmed Fraud'
           WHERE t.is_fraud GROUP BY 1"""
    ).fetchall()
    detected = [r for r in rows if r[2] > 0]
    assert len(detected) >= 0.6 * len(rows)
    assert all(n == cases and dates == 1 and after for _, n, cases, dates, after in detected)


def test_fraud_rows_of_detectable_episodes_fit_each_groups_cases():
    # at 50 times the default fraud rate a group's fraud rows would outnumber its 25-26 cases:
    # whole detectable episodes are dropped so that every one still gets its cases
    from fakehouse.core.table import Context
    from fakehouse.domains.financial import DOMAIN, common, fraud, groups
    from fakehouse.domains.financial.params import FinancialParams

    params = FinancialParams.model_validate({"fraud": {"rate": 0.05}})
    ctx = Context.create(DOMAIN, 3, 0.2, params)
    led = common.shared_ledger(ctx, 0, 4)
    episodes, rows = led.episodes, led.rows
    group = led.layout.account_group[rows["acc"]]
    fraud_rows = rows["episode"] >= 0
    detectable = fraud_rows & episodes["detectable"][np.maximum(rows["episode"], 0)]
    share = groups.allocation(ctx, "fraud_cases").counts(0, 4)
    assert (np.bincount(group[detectable], minlength=4) <= share).all()
    assert np.bincount(group[fraud_rows], minlength=4).sum() > share.sum()  # the cap binds
    assert len(np.unique(rows["acc"][fraud_rows])) == len(episodes["key"])  # one per account
    c = fraud.cases(ctx, led)
    confirmed = c.row[c.resolution == 0]
    assert detectable[confirmed].all()
    per_episode = np.bincount(rows["episode"][confirmed], minlength=len(episodes["key"]))
    assert ((per_episode == 0) | (per_episode == episodes["size"])).all()  # whole episodes
    assert (per_episode > 0).sum() >= 10
    assert np.array_equal(np.bincount(group[c.row], minlength=4), share)  # exact totals


def test_closed_accounts_are_empty_and_leavers_closed(bank):
    assert (
        one(
            bank,
            "SELECT COUNT(*) FROM accounts"
            " WHERE account_status = 'Closed' AND current_balance <> 0",
        )
        == 0
    )
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM accounts a JOIN customers c USING (customer_id)
               WHERE NOT c.is_active AND a.account_status <> 'Closed'
                 AND a.account_type IN ('Checking', 'Savings', 'Money Market', 'CD')""",
        )
        == 0
    )


def test_cards_issued_after_their_account_opened(bank):
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM credit_cards k JOIN accounts a USING (account_id)
               WHERE k.issue_date < a.open_date OR k.issue_date > DATE '2025-12-31'""",
        )
        == 0
    )
    assert (
        one(
            bank,
            """SELECT COUNT(*) FROM loans l JOIN accounts a USING (account_id)
               WHERE l.origination_date <> a.open_date""",
        )
        == 0
    )
