"""financial_analytics: customers, their accounts, cards and loans, a month of account
ledger with injected fraud, and fraud investigations."""

from fakehouse.core.table import Domain
from fakehouse.core.timeline import history_window
from fakehouse.domains.financial import (
    accounts,
    cards,
    checks,
    customers,
    difficulty,
    fraud,
    loans,
    transactions,
)
from fakehouse.domains.financial.params import FinancialParams

DOMAIN = Domain(
    name="financial",
    schema="financial_analytics",
    description="A retail bank: deposits, cards, loans, a ledger month, fraud and cases.",
    tables=(
        customers.TABLE,
        accounts.TABLE,
        transactions.TABLE,
        cards.TABLE,
        loans.TABLE,
        fraud.TABLE,
    ),
    params_type=FinancialParams,
    checks=checks.checks,
    reports=difficulty.reports,
    window=history_window,
)
