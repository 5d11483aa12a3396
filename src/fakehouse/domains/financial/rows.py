"""What a ledger row is: its kinds (type, channel, statement text), statuses, and the columns
the simulation's stages append rows to.

Every stage of the ledger (`ledger`, `everyday`, `episodes`) writes rows through `Rows`, and
`transactions` turns their codes into the table's text; nothing else knows the codes.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

COMPLETED, PENDING, FAILED = range(3)
STATUSES = ("Completed", "Pending", "Failed")

#: row kinds: (transaction_type, channel, description prefix)
KINDS = (
    ("Deposit", "ACH", "PAYROLL DIRECT DEPOSIT"),  # 0
    ("Deposit", "ACH", "SOCIAL SECURITY BENEFIT"),  # 1
    ("Bill Payment", "ACH", "AUTOPAY"),  # 2
    ("Fee", "System", "MONTHLY MAINTENANCE FEE"),  # 3
    ("Interest", "System", "INTEREST PAYMENT"),  # 4
    ("Transfer", "Online Banking", "TRANSFER TO SAVINGS"),  # 5
    ("Transfer", "Online Banking", "TRANSFER FROM CHECKING"),  # 6
    ("Payment", "Online Banking", "CREDIT CARD PAYMENT"),  # 7
    ("Payment", "Online Banking", "PAYMENT - THANK YOU"),  # 8
    ("Payment", "ACH", "PAYMENT - THANK YOU"),  # 9
    ("Interest", "System", "INTEREST CHARGE ON PURCHASES"),  # 10
    ("Fee", "System", "LATE PAYMENT FEE"),  # 11
    ("Fee", "System", "ANNUAL MEMBERSHIP FEE"),  # 12
    ("Loan Payment", "ACH", "LOAN PAYMENT"),  # 13
    ("Loan Payment", "ACH", "PAYMENT RECEIVED"),  # 14
    ("Loan Payment", "ACH", "PAYMENT RECEIVED"),  # 15
    ("Loan Disbursement", "Branch", "LOAN DISBURSEMENT"),  # 16
    ("Deposit", "Branch", "INITIAL DEPOSIT"),  # 17
    ("Withdrawal", "Branch", "ACCOUNT CLOSING WITHDRAWAL"),  # 18
    ("Purchase", "POS", "POS PURCHASE"),  # 19
    ("Purchase", "Online", "ONLINE PURCHASE"),  # 20
    ("Withdrawal", "ATM", "ATM WITHDRAWAL"),  # 21
    ("Deposit", "Mobile", "MOBILE CHECK DEPOSIT"),  # 22
    ("Transfer", "Mobile", "ZELLE PAYMENT SENT"),  # 23
    ("Transfer", "Online Banking", "EXTERNAL TRANSFER"),  # 24
    ("Deposit", "Mobile", "ZELLE PAYMENT RECEIVED"),  # 25
    ("Deposit", "ACH", "PENSION DEPOSIT"),  # 26
    ("Deposit", "ACH", "UNEMPLOYMENT BENEFIT"),  # 27
    ("Transfer", "Online Banking", "TRANSFER TO BROKERAGE"),  # 28
)
(
    PAYROLL,
    BENEFIT,
    BILL,
    MAINT_FEE,
    INTEREST,
    SAVE_OUT,
    SAVE_IN,
    CARD_PAY_OUT,
    CARD_PAY_IN,
    CARD_PAY_EXT,
    CARD_INTEREST,
    LATE_FEE,
    ANNUAL_FEE,
    LOAN_PAY_OUT,
    LOAN_PAY_IN,
    LOAN_PAY_EXT,
    DISBURSE,
    OPEN_DEPOSIT,
    CLOSE_OUT,
    POS,
    ONLINE,
    ATM,
    CHECK_DEPOSIT,
    ZELLE_OUT,
    EXTERNAL_OUT,
    ZELLE_IN,
    PENSION,
    UNEMPLOYMENT,
    INVEST_OUT,
) = range(len(KINDS))
TYPES = tuple(dict.fromkeys(k[0] for k in KINDS))
CHANNELS = tuple(dict.fromkeys(k[1] for k in KINDS))
PREFIXES = tuple(k[2] for k in KINDS)
#: kinds done in a mobile or online-banking session (they have a device and a place)
DIGITAL = (
    CHECK_DEPOSIT,
    ZELLE_OUT,
    EXTERNAL_OUT,
    ZELLE_IN,
    SAVE_OUT,
    SAVE_IN,
    CARD_PAY_OUT,
    CARD_PAY_IN,
    INVEST_OUT,
)
#: regular income: what a household's budget is built on
INCOME = (PAYROLL, BENEFIT, PENSION, UNEMPLOYMENT)
#: regular outflows of Checking fixed before everyday spending (card payments aside)
FIXED = (BILL, MAINT_FEE, SAVE_OUT, LOAN_PAY_OUT, INVEST_OUT)


class Rows:
    """Columns of ledger rows, appended part by part and joined once.

    `key` is a row's identity (random bits from a named stream, or a row's number among the
    group's everyday rows): it breaks ties between an account's rows of the same second and
    keys the fraud cases' draws. The two sides of a transfer share it, and their `pair`.
    """

    FIELDS = (
        "acc",
        "sec",
        "kind",
        "amount",
        "pair",
        "fraud",
        "merchant",
        "category",
        "place",
        "device",
        "status",
        "key",
        "episode",
    )
    DEFAULTS: ClassVar[dict[str, int]] = {
        "pair": -1,
        "fraud": 0,
        "merchant": -1,
        "category": -1,
        "place": -1,
        "device": -1,
        "status": COMPLETED,
        "episode": -1,
    }

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {f: [] for f in self.FIELDS}

    def add(self, acc, sec, kind, amount, key, **extra) -> None:
        n = len(acc)
        values = {
            "acc": acc,
            "sec": sec,
            "kind": kind,
            "amount": amount,
            "key": key,
            **self.DEFAULTS,
            **extra,
        }
        for f in self.FIELDS:
            self.parts[f].append(
                np.broadcast_to(np.asarray(values[f], dtype=np.int64), (n,)).copy()
            )

    def join(self) -> dict[str, np.ndarray]:
        return {
            f: (np.concatenate(v) if v else np.zeros(0, dtype=np.int64))
            for f, v in self.parts.items()
        }
