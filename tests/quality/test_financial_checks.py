"""The financial_analytics checks: all pass on a generated bank, and each one can fail.

For every check, a copy of the warehouse is broken by one SQL statement aimed at that
check's promise, and the check alone must then fail. `BREAKS` must name every check, so a
new check without a breaking case fails the suite.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path

import pytest

from fakehouse import api
from fakehouse.core.contract import domain_checks
from fakehouse.core.timeline import Window
from fakehouse.domains.financial import DOMAIN as FINANCIAL
from fakehouse.domains.retail import DOMAIN as RETAIL
from fakehouse.quality import checks as q
from tests.quality import breaking

S = "financial_analytics"
SEED = 7


_first = functools.partial(breaking.first, S)


FIRST_CUSTOMER = _first("customers", "customer_id")
FIRST_ACCOUNT = _first("accounts", "account_id")
FIRST_TXN = _first("transactions", "transaction_id")
FIRST_CARD = _first("credit_cards", "card_id")
FIRST_LOAN = _first("loans", "loan_id")
FIRST_CASE = _first("fraud_cases", "case_id")
FIRST_ATM = _first("transactions", "transaction_id", "channel = 'ATM'")
FIRST_UNCONFIRMED = _first("fraud_cases", "case_id", "resolution <> 'Confirmed Fraud'")
FIRST_TRANSFER = _first(
    "transactions",
    "transaction_id",
    "transaction_type = 'Transfer' AND counterparty_account_id IS NOT NULL",
)
FIRST_DEFAULT = _first("loans", "loan_id", "loan_status IN ('Default', 'Late')")
OLD_CUSTOMER = _first("customers", "customer_id", "join_date < DATE '2025-01-01'")
FIRST_BENEFIT = _first("transactions", "transaction_id", "description LIKE 'SOCIAL SECURITY%'")
FIRST_PAYCHECK = _first("transactions", "transaction_id", "description LIKE 'PAYROLL%'")
LOW_RISK = f"customer_id IN (SELECT customer_id FROM {S}.customers WHERE risk_category = 'Low')"

BREAKS: dict[str, str] = {
    **breaking.generic_breaks(S, FINANCIAL),
    # customers
    "customers.credit_score_range": f"UPDATE {S}.customers SET credit_score = 900 "
    f"WHERE {FIRST_CUSTOMER}",
    "customers.credit_score_mean": f"UPDATE {S}.customers SET credit_score = credit_score - 60",
    "customers.credit_score_skew": f"UPDATE {S}.customers SET credit_score = 1150 - credit_score",
    "customers.risk_values": f"UPDATE {S}.customers SET risk_category = 'Very High' "
    f"WHERE {FIRST_CUSTOMER}",
    "customers.risk_by_score": f"UPDATE {S}.customers SET risk_category = CASE risk_category "
    "WHEN 'Low' THEN 'High' WHEN 'High' THEN 'Low' ELSE risk_category END",
    "customers.kyc_after_join": f"UPDATE {S}.customers SET kyc_date = join_date - 1 "
    f"WHERE {_first('customers', 'customer_id', 'kyc_verified')}",
    # a 21-year-old physician
    "customers.jobs_fit_age_and_education": f"UPDATE {S}.customers SET occupation = "
    f"'Physician', education = 'Graduate', date_of_birth = DATE '2004-06-01' "
    f"WHERE {FIRST_CUSTOMER}",
    "customers.kyc_pending_only_new": f"UPDATE {S}.customers SET kyc_verified = false, "
    f"kyc_date = NULL WHERE {OLD_CUSTOMER}",
    "customers.segment_by_deposits": f"UPDATE {S}.customers SET customer_segment = CASE "
    "customer_segment WHEN 'Mass Market' THEN 'Affluent' WHEN 'Affluent' THEN 'Mass Market' "
    "ELSE customer_segment END",
    "customers.ssn_never_issued": f"UPDATE {S}.customers SET ssn = '123-45-6789' "
    f"WHERE {FIRST_CUSTOMER}",
    # accounts
    "accounts.type_values": f"UPDATE {S}.accounts SET account_type = 'Brokerage' "
    f"WHERE {FIRST_ACCOUNT}",
    "accounts.open_after_join": f"UPDATE {S}.accounts SET open_date = DATE '1950-01-01' "
    f"WHERE {FIRST_ACCOUNT}",
    "accounts.open_after_kyc": f"UPDATE {S}.customers SET kyc_date = DATE '2025-12-31' "
    f"WHERE customer_id = (SELECT min(customer_id) FROM {S}.accounts "
    "WHERE open_date < DATE '2025-12-01')",
    "accounts.balance_from_ledger": f"UPDATE {S}.accounts SET current_balance = "
    f"current_balance + 1 WHERE {FIRST_ACCOUNT}",
    "accounts.deposit_balances_lognormal": f"UPDATE {S}.accounts "
    "SET current_balance = 1 + hash(account_id) % 100000",
    # transactions
    "transactions.in_account_life": f"UPDATE {S}.transactions "
    f"SET transaction_date = TIMESTAMP '2019-06-01 12:00:00' WHERE {FIRST_TXN}",
    "transactions.running_balance": f"UPDATE {S}.transactions SET balance_after = "
    f"balance_after + 1 WHERE {FIRST_TXN}",
    "transactions.atm_denominations": f"UPDATE {S}.transactions SET amount = amount - 5 "
    f"WHERE {FIRST_ATM}",
    "transactions.purchases_long_tailed": f"UPDATE {S}.transactions SET amount = -40 "
    "WHERE transaction_type = 'Purchase'",
    "transactions.deposits_bimodal": f"UPDATE {S}.transactions SET amount = 500 "
    "WHERE transaction_type = 'Deposit'",
    "transactions.fraud_share": f"UPDATE {S}.transactions "
    "SET is_fraud = hash(transaction_id) % 50 = 0",
    # a working customer paid Social Security
    "transactions.benefits_eligible": f"UPDATE {S}.customers SET occupation = 'Teacher' "
    f"WHERE customer_id = (SELECT min(a.customer_id) FROM {S}.accounts AS a JOIN "
    f"{S}.transactions AS t ON t.account_id = a.account_id "
    "WHERE t.description LIKE 'SOCIAL SECURITY%')",
    "transactions.social_security_schedule": f"UPDATE {S}.transactions "
    "SET transaction_date = transaction_date + INTERVAL 1 DAY "
    f"WHERE {FIRST_BENEFIT}",
    # a teacher paid by a quarry
    "transactions.payroll_from_employer": f"UPDATE {S}.transactions "
    "SET description = 'PAYROLL DIRECT DEPOSIT Nowhere Quarry Inc' "
    f"WHERE {FIRST_PAYCHECK}",
    "transactions.own_transfers_paired": f"UPDATE {S}.transactions "
    f"SET counterparty_account_id = account_id WHERE {FIRST_TRANSFER}",
    # household cash flow and density
    "transactions.cash_flow_balanced": f"UPDATE {S}.transactions SET amount = amount / 2 "
    "WHERE transaction_type = 'Purchase' AND amount < 0",
    # every paycheck lifts the balance a little more than the one before: money piles up
    "transactions.paychecks_spent": f"UPDATE {S}.transactions "
    "SET balance_after = balance_after + 100000 * dayofyear(transaction_date) "
    "WHERE description LIKE 'PAYROLL%'",
    "accounts.balances_no_drift": f"UPDATE {S}.accounts "
    "SET current_balance = opening_balance + 1000 WHERE account_type = 'Checking'",
    # a floor that a fifth of accounts start at (the old generator's $25)
    "accounts.no_balance_pileup": f"UPDATE {S}.accounts SET opening_balance = 25 "
    "WHERE hash(account_id) % 5 = 0",
    # the old generator's thin ledger: a few purchases a month
    "transactions.checking_debits": f"DELETE FROM {S}.transactions "
    "WHERE amount < 0 AND hash(transaction_id) % 4 <> 0",
    "transactions.spending_follows_income": f"UPDATE {S}.customers "
    "SET annual_income = 10000 + hash(customer_id) % 200000",
    # fraud difficulty: every large ATM withdrawal is fraud; fraud is a random set of accounts
    "transactions.fraud_no_exact_rule": f"UPDATE {S}.transactions SET is_fraud = true "
    "WHERE channel = 'ATM' AND amount <= -200",
    "transactions.fraud_learnable": f"UPDATE {S}.transactions "
    "SET is_fraud = hash(account_id) % 50 = 0",
    # credit_cards
    "credit_cards.luhn_test_range": f"UPDATE {S}.credit_cards SET card_number = "
    "substr(card_number, 1, length(card_number) - 1) "
    "|| CAST((CAST(right(card_number, 1) AS INT) + 1) % 10 AS VARCHAR) "
    f"WHERE {FIRST_CARD}",
    "credit_cards.card_account": f"UPDATE {S}.credit_cards SET account_id = "
    f"(SELECT min(account_id) FROM {S}.accounts WHERE account_type = 'Checking') "
    f"WHERE {FIRST_CARD}",
    "credit_cards.account_balance": f"UPDATE {S}.credit_cards "
    "SET current_balance = current_balance + 1, available_credit = available_credit - 1 "
    f"WHERE {FIRST_CARD}",
    "credit_cards.available_credit": f"UPDATE {S}.credit_cards "
    f"SET available_credit = available_credit + 1 WHERE {FIRST_CARD}",
    "credit_cards.limit_follows_score": f"UPDATE {S}.credit_cards "
    "SET credit_limit = 60000 - credit_limit",
    "credit_cards.rate_follows_score": f"UPDATE {S}.credit_cards "
    "SET interest_rate = 0.5 - interest_rate",
    # the old generator: most cards near zero, few revolving balances
    "credit_cards.utilisation_mean": f"UPDATE {S}.credit_cards "
    "SET current_balance = 0.02 * credit_limit, available_credit = 0.98 * credit_limit",
    "credit_cards.utilisation_spread": f"UPDATE {S}.credit_cards "
    "SET current_balance = 0.3 * credit_limit, available_credit = 0.7 * credit_limit",
    "credit_cards.delinquency_by_utilisation": f"UPDATE {S}.credit_cards SET "
    "delinquency_status = CASE WHEN current_balance < 0.1 * credit_limit THEN '30 Days' "
    "ELSE 'Current' END",
    "credit_cards.frozen_at_90_days": f"UPDATE {S}.credit_cards SET frozen_date = NULL "
    "WHERE delinquency_status = '90+ Days'",
    # a card frozen before its completed purchases
    "credit_cards.no_purchases_when_frozen": f"UPDATE {S}.credit_cards "
    "SET frozen_date = DATE '2020-01-01' WHERE account_id = (SELECT min(t.account_id) "
    f"FROM {S}.transactions AS t JOIN {S}.credit_cards AS k ON k.account_id = t.account_id "
    "WHERE t.transaction_type = 'Purchase' AND t.status = 'Completed')",
    # loans
    "loans.amortisation": f"UPDATE {S}.loans SET monthly_payment = monthly_payment + 1 "
    f"WHERE {FIRST_LOAN}",
    "loans.schedule_balance": f"UPDATE {S}.loans SET remaining_balance = remaining_balance + 1 "
    f"WHERE {FIRST_LOAN}",
    "loans.account_balance": f"UPDATE {S}.accounts SET current_balance = current_balance + 1 "
    f"WHERE account_id = (SELECT account_id FROM {S}.loans WHERE {FIRST_LOAN})",
    "loans.status_from_payments": f"UPDATE {S}.loans SET loan_status = 'Current' "
    f"WHERE {FIRST_DEFAULT}",
    # an unemployed borrower's $329k mortgage (the old generator)
    "loans.within_debt_to_income": f"UPDATE {S}.loans SET monthly_payment = 2000 "
    f"WHERE {FIRST_LOAN}",
    # every mortgage at 9% whatever the year
    "loans.rate_follows_market": f"UPDATE {S}.loans SET interest_rate = 0.09 "
    "WHERE loan_type = 'Mortgage'",
    "loans.default_share": f"UPDATE {S}.loans SET loan_status = 'Default'",
    "loans.default_by_risk": f"UPDATE {S}.loans "
    f"SET loan_status = CASE WHEN {LOW_RISK} THEN 'Default' ELSE 'Current' END",
    "loans.default_by_type": f"UPDATE {S}.loans SET loan_status = CASE WHEN "
    "loan_type = 'Mortgage' THEN 'Default' ELSE 'Current' END",
    # defaults on the smallest payments of each type only
    "loans.default_by_payment_to_income": f"WITH p AS (SELECT l.loan_id, l.loan_type, "
    "l.monthly_payment / c.annual_income AS pti "
    f"FROM {S}.loans AS l JOIN {S}.customers AS c USING (customer_id)) "
    f"UPDATE {S}.loans AS l SET loan_status = CASE WHEN (SELECT pti FROM p WHERE "
    "p.loan_id = l.loan_id) <= (SELECT median(pti) FROM p WHERE p.loan_type = l.loan_type) "
    "THEN 'Default' ELSE 'Current' END",
    # fraud_cases
    "fraud_cases.transaction_of_account": f"UPDATE {S}.fraud_cases SET account_id = "
    f"(SELECT min(account_id) FROM {S}.accounts WHERE account_id NOT IN "
    f"(SELECT account_id FROM {S}.fraud_cases WHERE {FIRST_CASE})) "
    f"WHERE {FIRST_CASE}",
    "fraud_cases.occurrence_date": f"UPDATE {S}.fraud_cases "
    f"SET occurrence_date = occurrence_date - INTERVAL 1 HOUR WHERE {FIRST_CASE}",
    "fraud_cases.detected_after": f"UPDATE {S}.fraud_cases "
    f"SET detection_date = occurrence_date - INTERVAL 1 DAY WHERE {FIRST_CASE}",
    "fraud_cases.confirmed_iff_fraud": f"UPDATE {S}.fraud_cases "
    "SET resolution = 'Confirmed Fraud' "
    f"WHERE {FIRST_UNCONFIRMED}",
    "fraud_cases.recovered_range": f"UPDATE {S}.fraud_cases "
    f"SET amount_recovered = amount_involved + 1 WHERE {FIRST_CASE}",
    # fraud that nobody investigates: 2% of the uninvestigated transactions become fraud
    "fraud_cases.detected_fraud_cased": f"UPDATE {S}.transactions SET is_fraud = true "
    f"WHERE hash(transaction_id) % 50 = 0 AND transaction_id NOT IN "
    f"(SELECT transaction_id FROM {S}.fraud_cases)",
    # one case per detected episode, about its largest transaction (the old generator)
    "fraud_cases.account_fraud_all_cased": f"DELETE FROM {S}.fraud_cases AS f "
    "WHERE resolution = 'Confirmed Fraud' AND amount_involved < (SELECT max(amount_involved) "
    f"FROM {S}.fraud_cases AS g WHERE g.account_id = f.account_id "
    "AND g.resolution = 'Confirmed Fraud')",
    # across domains, in a warehouse with the retailer too
    "customers.same_person_as_retail": f"UPDATE {S}.customers "
    f"SET date_of_birth = date_of_birth + 1 WHERE {FIRST_CUSTOMER}",
    # the old generator: every retail id in the bank (here: a third of the shared ones lost)
    "customers.retail_overlap": f"UPDATE {S}.customers SET customer_id = 'CUST' || "
    "lpad(CAST(CAST(substr(customer_id, 5) AS BIGINT) + 1000000 AS VARCHAR), 10, '0') "
    "WHERE CAST(substr(customer_id, 5) AS BIGINT) % 3 = 0 "
    "AND CAST(substr(customer_id, 5) AS BIGINT) < 1000000",
}

CHECKS = {c.name: c for c in domain_checks(FINANCIAL)}
#: the checks of a bank alone; those across domains need the retailer's schema too
LOCAL = {name: c for name, c in CHECKS.items() if not c.needs}
ACROSS = {name: c for name, c in CHECKS.items() if c.needs}


@pytest.fixture(scope="session")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("quality") / "bank"
    api.generate("financial", multiplier=0.05, seed=SEED, out=out, workers=1)
    return out


@pytest.fixture(scope="session")
def shop_and_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("quality") / "all"
    api.generate("all", multiplier=0.05, seed=SEED, out=out, workers=1)
    return out


@pytest.fixture(scope="session")
def results(bank: Path) -> list[q.Result]:
    return q.validate(bank)


def _window(warehouse: Path) -> Window:
    manifest = json.loads((warehouse / "fakehouse.json").read_text())
    _, window = q.plan("financial", manifest["domains"]["financial"]["params"])
    return window


def test_check_names_are_unique_and_named_by_table():
    checks = domain_checks(FINANCIAL)
    assert len(CHECKS) == len(checks)
    for check in checks:
        assert check.name.startswith(f"{check.table}.")
        assert check.table in {t.name for t in FINANCIAL.tables}


def test_validate_finds_the_bank_through_the_registry():
    checks, _ = q.plan("financial", {})
    assert [c.name for c in checks] == list(CHECKS)


def test_the_window_is_the_history_not_the_ledger(bank: Path):
    # the ledger covers the last 61 days; open, join and origination dates span 3 years
    w = _window(bank)
    assert (w.first, w.last) == (date(2023, 1, 1), date(2025, 12, 31))
    params = {
        "history": {"end_date": "2024-06-30", "years": 2, "ledger_days": 60},
        "tables": {"transactions": {"base_rows": 480_000}},  # 8,000 a day at least
    }
    _, w = q.plan("financial", params)
    assert (w.first, w.last) == (date(2022, 7, 1), date(2024, 6, 30))


def test_every_check_passes_on_a_generated_bank(results: list[q.Result]):
    assert [r.check.name for r in results] == list(LOCAL)
    assert not breaking.failures(results)


def test_every_check_has_a_breaking_case():
    assert set(BREAKS) == set(CHECKS)


@pytest.mark.parametrize("name", list(CHECKS))
def test_each_check_fails_on_broken_data(name: str, request, tmp_path: Path):
    warehouse = request.getfixturevalue("shop_and_bank" if name in ACROSS else "bank")
    before, result = breaking.before_and_after(
        warehouse, tmp_path, CHECKS[name], BREAKS[name], S, _window(warehouse)
    )
    assert before.passed
    assert result.value is not None, result.shown_value  # computed, not an SQL error
    assert not result.passed, f"{name} still passes: {result.shown_value} ({result.expected})"


def test_validate_runs_both_domains_of_an_all_warehouse(shop_and_bank: Path):
    results = q.validate(shop_and_bank)
    failed = [f"{r.check.name}: {r.shown_value} ({r.expected})" for r in results if not r.passed]
    assert not failed
    assert len(results) == len(domain_checks(RETAIL)) + len(CHECKS)
    assert set(ACROSS) <= {r.check.name for r in results}


def test_a_check_across_domains_runs_only_where_both_are(bank: Path):
    assert ACROSS and all(c.needs == ("retail_analytics",) for c in ACROSS.values())
    assert q.applicable(CHECKS.values(), ["financial_analytics"]) == list(LOCAL.values())
    both = ["financial_analytics", "retail_analytics"]
    assert q.applicable(CHECKS.values(), both) == list(CHECKS.values())
    assert not set(ACROSS) & {r.check.name for r in q.validate(bank)}


def test_the_same_id_is_the_same_person_whichever_domains_are_generated(
    shop_and_bank: Path, bank: Path, tmp_path: Path
):
    # a bank or a retailer generated alone holds the same people as `generate all`
    import duckdb

    shop = tmp_path / "shop"
    api.generate("retail", multiplier=0.05, seed=SEED, out=shop, workers=1)
    columns = "customer_id, first_name, last_name, date_of_birth, email, phone, annual_income"
    for alone, schema in ((bank, S), (shop, "retail_analytics")):
        with duckdb.connect(str(shop_and_bank / "warehouse.duckdb"), read_only=True) as con:
            together = con.execute(
                f"SELECT {columns} FROM {schema}.customers ORDER BY 1"
            ).fetchall()
        with duckdb.connect(str(alone / "warehouse.duckdb"), read_only=True) as con:
            assert (
                con.execute(f"SELECT {columns} FROM {schema}.customers ORDER BY 1").fetchall()
                == together
            )


def test_cli_validate_exits_0_on_a_good_bank(bank: Path, capsys):
    from fakehouse.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["validate", "-w", str(bank)])
    assert exit_.value.code == 0
    assert f"{len(LOCAL)} passed, 0 failed" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("tables", "days", "debits"),
    [
        ({}, 61, 20),
        ({"transactions": {"base_rows": 360_000}}, 45, 16),  # 8,000 a day: 80% of the density
        ({"transactions": {"base_rows": 1_220_000}}, 61, 40),
        ({"customers": {"base_rows": 5_000}}, 61, 40),  # half the customers, the same rows
    ],
)
def test_the_debits_bound_follows_the_configured_density(tables, days, debits):
    params = {"history": {"ledger_days": days}, "tables": tables}
    checks, _ = q.plan("financial", params)
    (check,) = [c for c in checks if c.name == "transactions.checking_debits"]
    assert f"a median of at least {debits:g} debits a month" in check.description
