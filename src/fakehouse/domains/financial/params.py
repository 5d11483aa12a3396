"""Every business parameter of the banking warehouse, in one typed, documented object.

Mixes are label -> weight (normalised when used); ranges are (low, high); money is in
dollars, rates are fractions (0.05 = 5%). A configuration file can override any field:
`FinancialParams.model_validate(data)`. Tables read these values and hold no literals of
their own beyond the vocabulary of labels.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from fakehouse.core.timeline import ONLINE_HOUR_WEIGHTS

SEGMENTS = ("Student", "Mass Market", "Mass Affluent", "Affluent", "Private Banking")
RISKS = ("Low", "Medium", "High")
DEPOSIT_TYPES = ("Checking", "Savings", "Money Market", "CD")
ACCOUNT_TYPES = (*DEPOSIT_TYPES, "Credit Card", "Loan")
LOAN_TYPES = ("Mortgage", "Auto", "Personal", "Student", "Home Equity")
CARD_TIERS = ("Classic", "Gold", "Platinum", "Signature")
TYPOLOGIES = (
    "card_not_present",
    "account_takeover",
    "atm_skimming",
    "card_testing",
    "stolen_card",
)


class _Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class History(_Params):
    end_date: date = Field(
        date(2025, 12, 31), description="Last day of history (fixed, not today)."
    )
    years: int = Field(3, ge=1, le=20, description="History window of accounts and loans.")
    customer_lead_years: float = Field(
        22.0, description="Customers may have joined this many years before the window."
    )
    ledger_days: int = Field(
        31,
        ge=7,
        le=366,
        description="The transaction ledger covers the last ledger_days of the window: "
        "100,000 x m rows give every account about one statement month of activity.",
    )


class Occupation(_Params):
    share: float = Field(description="Share among working-age customers.")
    income: float = Field(description="Median annual income at the career peak, in dollars.")


def _jobs(rows: dict[str, tuple[float, float]]) -> dict[str, Occupation]:
    return {k: Occupation(share=s, income=i) for k, (s, i) in rows.items()}


class CustomerParams(_Params):
    group_size: int = Field(
        256,
        ge=16,
        description="Customers per allocation group: exact table totals are split over "
        "groups of this many customers, and a group's accounts and transactions are "
        "generated together.",
    )
    age_weights: dict[str, float] = Field(
        {
            "18-24": 0.11,
            "25-34": 0.18,
            "35-44": 0.17,
            "45-54": 0.16,
            "55-64": 0.16,
            "65-74": 0.13,
            "75-90": 0.09,
        },
        description="Age mix of customers at the end date, by band (uniform inside a band).",
    )
    student_rate: dict[str, float] = Field(
        {"18-24": 0.5, "25-34": 0.06}, description="Share of students by age band."
    )
    retired_rate: dict[str, float] = Field(
        {"55-64": 0.18, "65-74": 0.82, "75-90": 0.98}, description="Share retired by age band."
    )
    unemployed_rate: float = 0.045
    occupations: dict[str, Occupation] = Field(
        _jobs(
            {
                "Retail Associate": (0.09, 34_000),
                "Food Service Worker": (0.06, 30_000),
                "Driver": (0.06, 52_000),
                "Construction Worker": (0.06, 56_000),
                "Administrative Assistant": (0.08, 46_000),
                "Electrician": (0.04, 66_000),
                "Teacher": (0.07, 64_000),
                "Nurse": (0.07, 84_000),
                "Sales Representative": (0.07, 68_000),
                "Accountant": (0.05, 82_000),
                "Manager": (0.09, 105_000),
                "Software Engineer": (0.06, 135_000),
                "Small Business Owner": (0.06, 90_000),
                "Lawyer": (0.02, 160_000),
                "Physician": (0.02, 240_000),
                "Engineer": (0.05, 102_000),
                "Government Employee": (0.04, 70_000),
            }
        ),
        description="Working occupations: share and median income at the career peak.",
    )
    student_income: float = 14_000
    retired_income: float = 42_000
    unemployed_income: float = 11_000
    income_sigma: float = Field(0.45, description="Log-normal spread of income inside a job.")
    income_peak_age: float = Field(50.0, description="Income rises to this age, then eases.")
    income_age_width: float = Field(
        24.0, description="Ages from the peak at which income is about 60% of the peak."
    )
    score_gap_median: float = Field(
        118.0,
        description="Median of (850 - credit score) for an average customer: the gap to the "
        "top is log-normal, so scores are left-skewed with a mean near 700.",
    )
    score_gap_sigma: float = 0.8
    score_income_weight: float = Field(0.45, description="Weight of income in credit quality.")
    score_age_weight: float = Field(0.3, description="Weight of age in credit quality.")
    dti_median: float = Field(0.28, description="Median debt-to-income ratio.")
    dti_sigma: float = 0.45
    dti_quality_weight: float = Field(
        0.35, description="How much better credit quality lowers debt-to-income."
    )
    high_risk: tuple[float, float] = Field(
        (600, 0.55), description="High risk below this score or above this debt-to-income."
    )
    low_risk: tuple[float, float] = Field(
        (720, 0.36), description="Low risk at or above this score and below this DTI."
    )
    segment_income: tuple[float, float, float] = Field(
        (80_000, 185_000, 420_000),
        description="Relationship value (income with a wealth factor) bounds of Mass Affluent, "
        "Affluent and Private Banking; students are their own segment.",
    )
    wealth_sigma: float = Field(0.45, description="Spread of wealth around income.")
    kyc_lag_days: float = Field(3.0, description="Mean days from joining to KYC completion.")
    kyc_pending_rate: float = Field(0.015, description="Share whose KYC never completed.")
    inactive_rate: float = Field(0.04, description="Share of customers who left the bank.")
    email_domains: dict[str, float] = Field(
        {"example.com": 0.5, "example.net": 0.3, "example.org": 0.2},
        description="Reserved documentation domains only, so no email can reach a person.",
    )


class AccountParams(_Params):
    checking_rate: float = Field(
        0.93, description="Chance an active customer holds a Checking account."
    )
    savings_weight: dict[str, float] = Field(
        {
            "Student": 0.15,
            "Mass Market": 0.2,
            "Mass Affluent": 0.34,
            "Affluent": 0.45,
            "Private Banking": 0.5,
        },
        description="Relative chance of a Savings account by segment.",
    )
    money_market_weight: dict[str, float] = Field(
        {
            "Student": 0.0,
            "Mass Market": 0.02,
            "Mass Affluent": 0.07,
            "Affluent": 0.2,
            "Private Banking": 0.4,
        },
    )
    cd_weight: dict[str, float] = Field(
        {
            "Student": 0.0,
            "Mass Market": 0.025,
            "Mass Affluent": 0.05,
            "Affluent": 0.1,
            "Private Banking": 0.15,
        },
    )
    card_score_range: tuple[float, float] = Field(
        (560, 780), description="Card propensity rises linearly over this score range."
    )
    loan_age_weight: dict[str, float] = Field(
        {
            "18-24": 0.4,
            "25-34": 1.2,
            "35-44": 1.4,
            "45-54": 1.2,
            "55-64": 0.8,
            "65-74": 0.4,
            "75-90": 0.15,
        },
        description="Relative chance of holding a loan by age band.",
    )
    closed_rate: float = Field(0.06, description="Share of deposit accounts closed.")
    overdraft_rate: float = Field(0.35, description="Checking accounts with overdraft protection.")
    overdraft_limits: dict[int, float] = {250: 0.3, 500: 0.45, 1000: 0.25}
    interest_rate: dict[str, tuple[float, float]] = Field(
        {
            "Checking": (0.0, 0.001),
            "Savings": (0.004, 0.043),
            "Money Market": (0.025, 0.04),
            "CD": (0.035, 0.051),
        },
        description="Annual interest rate range by deposit type.",
    )
    balance_median: dict[str, float] = Field(
        {"Checking": 0.05, "Savings": 0.12, "Money Market": 0.45, "CD": 0.3},
        description="Median balance as a share of annual income (log-normal around it).",
    )
    balance_sigma: dict[str, float] = {
        "Checking": 0.9,
        "Savings": 1.1,
        "Money Market": 0.8,
        "CD": 0.7,
    }
    balance_floor: dict[str, float] = Field(
        {"Checking": 25.0, "Savings": 25.0, "Money Market": 2_500.0, "CD": 1_000.0},
        description="Smallest opening balance by type.",
    )
    cushion: float = Field(
        25.0, description="A balance never falls below this without overdraft protection."
    )


class CardParams(_Params):
    network_mix: dict[str, float] = {
        "Visa": 0.52,
        "Mastercard": 0.3,
        "American Express": 0.1,
        "Discover": 0.08,
    }
    test_bins: dict[str, int] = Field(
        {"Visa": 400000, "Mastercard": 222300, "American Express": 378282, "Discover": 601100},
        description="Issuer prefixes of the networks' published processor test cards; every "
        "card number lies inside one of them and is Luhn-valid.",
    )
    limit_income_share: tuple[float, float] = Field(
        (0.04, 0.4), description="Credit limit as a share of income, from worst to best score."
    )
    limit_range: tuple[float, float] = (500, 50_000)
    apr_range: tuple[float, float] = Field(
        (0.1799, 0.2999), description="APR from the best to the worst score."
    )
    tier_scores: tuple[float, float, float] = Field(
        (680, 740, 790), description="Lowest score for Gold, Platinum and Signature."
    )
    tier_income: tuple[float, float, float] = Field(
        (40_000, 85_000, 150_000), description="Lowest income for Gold, Platinum, Signature."
    )
    annual_fee: dict[str, float] = {"Classic": 0, "Gold": 95, "Platinum": 250, "Signature": 550}
    revolver_rate: dict[str, float] = Field(
        {"Low": 0.3, "Medium": 0.55, "High": 0.75},
        description="Share of cardholders who carry a balance, by risk.",
    )
    utilization: dict[str, float] = Field(
        {"Low": 0.15, "Medium": 0.35, "High": 0.6},
        description="Median revolving balance as a share of the limit, by risk.",
    )
    delinquency_rate: dict[str, float] = Field(
        {"Low": 0.01, "Medium": 0.05, "High": 0.16},
        description="Share of cards past due, by risk.",
    )
    delinquency_mix: dict[str, float] = {"30 Days": 0.55, "60 Days": 0.25, "90+ Days": 0.2}
    validity_years: tuple[int, int] = (3, 5)
    late_fee: float = 35.0


class LoanType(_Params):
    share: float
    amount_median: float
    amount_sigma: float
    amount_range: tuple[float, float]
    terms: dict[int, float] = Field(description="Term in months -> weight.")
    base_rate: float
    collateral: str | None = None
    min_age: float = 18
    max_age: float = 90


class LoanParams(_Params):
    types: dict[str, LoanType] = {
        "Mortgage": LoanType(
            share=0.2,
            amount_median=290_000,
            amount_sigma=0.5,
            amount_range=(60_000, 2_000_000),
            terms={180: 0.25, 360: 0.75},
            base_rate=0.0625,
            collateral="Residential Property",
            min_age=24,
        ),
        "Auto": LoanType(
            share=0.32,
            amount_median=30_000,
            amount_sigma=0.45,
            amount_range=(5_000, 120_000),
            terms={36: 0.15, 48: 0.2, 60: 0.4, 72: 0.25},
            base_rate=0.069,
            collateral="Vehicle",
        ),
        "Personal": LoanType(
            share=0.27,
            amount_median=11_000,
            amount_sigma=0.7,
            amount_range=(1_000, 60_000),
            terms={12: 0.1, 24: 0.2, 36: 0.35, 48: 0.15, 60: 0.2},
            base_rate=0.105,
        ),
        "Student": LoanType(
            share=0.13,
            amount_median=28_000,
            amount_sigma=0.7,
            amount_range=(3_000, 200_000),
            terms={120: 0.8, 180: 0.2},
            base_rate=0.058,
            max_age=45,
        ),
        "Home Equity": LoanType(
            share=0.08,
            amount_median=65_000,
            amount_sigma=0.6,
            amount_range=(10_000, 500_000),
            terms={60: 0.2, 120: 0.4, 180: 0.4},
            base_rate=0.08,
            collateral="Residential Property",
            min_age=30,
        ),
    }
    risk_spread: dict[str, float] = Field(
        {"Low": 0.0, "Medium": 0.022, "High": 0.055}, description="Rate added by risk category."
    )
    rate_noise: float = 0.006
    amount_income_weight: float = Field(
        0.6, description="Elasticity of loan amounts to income (1 = proportional)."
    )
    origination_years: float = Field(
        12.0, description="Loans originated up to this many years before the end date."
    )
    default_rate: dict[str, float] = Field(
        {"Low": 0.02, "Medium": 0.075, "High": 0.19},
        description="Share of loans in Default by risk (overall 5-10%).",
    )
    late_rate: dict[str, float] = {"Low": 0.015, "Medium": 0.05, "High": 0.1}


class LedgerParams(_Params):
    pay_frequency: dict[str, float] = Field(
        {"Bi-weekly": 0.55, "Semi-monthly": 0.2, "Monthly": 0.25},
        description="How employers pay; retirees get one monthly benefit deposit.",
    )
    net_pay_ratio: float = Field(0.74, description="Take-home pay as a share of gross income.")
    pay_jitter: float = Field(0.01, description="Relative variation of one paycheck.")
    bills: dict[str, tuple[float, float, float, str]] = Field(
        {
            "Rent": (0.45, 0.26, 0.0, "Housing"),
            "Electric": (0.6, 0.025, 0.12, "Utilities"),
            "Internet": (0.5, 0.012, 0.0, "Utilities"),
            "Mobile Phone": (0.55, 0.014, 0.02, "Utilities"),
            "Insurance": (0.35, 0.02, 0.0, "Insurance"),
            "Streaming": (0.35, 0.003, 0.0, "Entertainment"),
        },
        description="Bills paid from Checking on a fixed day: (share of customers with it, "
        "amount as a share of monthly gross income, monthly relative variation, category). "
        "Rent only for customers without a mortgage.",
    )
    bill_min: float = Field(9.99, description="Smallest bill amount.")
    auto_save_rate: float = Field(
        0.6, description="Savings holders with a monthly transfer from Checking."
    )
    auto_save_share: tuple[float, float] = Field(
        (0.03, 0.12), description="Monthly auto-save as a share of monthly net pay."
    )
    maintenance_fee: float = Field(12.0, description="Monthly fee on Checking without payroll.")
    discretionary_mix: dict[str, float] = Field(
        {
            "debit_purchase": 0.46,
            "credit_purchase": 0.34,
            "atm": 0.08,
            "deposit": 0.09,
            "p2p": 0.06,
        },
        description="Relative weight of discretionary activity kinds, per eligible account.",
    )
    categories: dict[str, tuple[float, float, float]] = Field(
        {
            "Groceries": (0.24, 48.0, 0.7),
            "Restaurants": (0.18, 26.0, 0.7),
            "Gas Stations": (0.12, 42.0, 0.45),
            "Retail": (0.13, 45.0, 1.0),
            "Online Shopping": (0.1, 38.0, 1.0),
            "Electronics": (0.03, 140.0, 1.1),
            "Travel": (0.04, 260.0, 1.1),
            "Entertainment": (0.06, 32.0, 0.8),
            "Healthcare": (0.05, 70.0, 1.1),
            "Home Improvement": (0.05, 85.0, 1.1),
        },
        description="Card purchases: category -> (share, median amount, log-normal sigma).",
    )
    online_share: dict[str, float] = Field(
        {
            "Online Shopping": 1.0,
            "Electronics": 0.55,
            "Travel": 0.7,
            "Entertainment": 0.4,
            "Retail": 0.2,
            "Groceries": 0.06,
            "Restaurants": 0.08,
            "Healthcare": 0.1,
            "Home Improvement": 0.15,
            "Gas Stations": 0.0,
        },
        description="Share of a category's purchases made online (card not present).",
    )
    spend_income_elasticity: float = Field(
        0.5, description="Purchase amounts scale with income to this power."
    )
    atm_amounts: dict[int, float] = Field(
        {
            20: 0.1,
            40: 0.15,
            60: 0.16,
            80: 0.1,
            100: 0.2,
            120: 0.05,
            140: 0.03,
            160: 0.04,
            200: 0.1,
            300: 0.04,
            400: 0.02,
            500: 0.01,
        },
        description="ATM withdrawal amounts (multiples of $20).",
    )
    deposit_median: float = Field(60.0, description="Median of a non-payroll deposit.")
    deposit_sigma: float = 0.6
    p2p_median: float = Field(60.0, description="Median of a person-to-person transfer.")
    p2p_sigma: float = 0.8
    travel_rate: float = Field(
        0.03, description="Share of in-person purchases made away from home (travel)."
    )
    trip_rate: float = Field(
        0.2,
        description="Share of activity that follows the account's previous activity "
        "within half an hour (shopping trips, errands).",
    )
    failed_rate: float = Field(0.012, description="Share of debits declined or failed.")
    pending_days: float = Field(
        2.0, description="Card activity this close to the end date may still be pending."
    )
    pending_rate: float = Field(0.5, description="Share of such recent card activity pending.")
    pos_hour_weights: tuple[float, ...] = Field(
        (
            0.1,
            0.05,
            0.03,
            0.02,
            0.02,
            0.05,
            0.2,
            0.5,
            0.8,
            1.0,
            1.2,
            1.4,
            1.6,
            1.4,
            1.2,
            1.2,
            1.3,
            1.5,
            1.6,
            1.4,
            1.0,
            0.7,
            0.4,
            0.2,
        ),
        description="In-person card activity per hour 0..23.",
    )
    online_hour_weights: tuple[float, ...] = Field(
        ONLINE_HOUR_WEIGHTS,
        description="Online and mobile activity per hour 0..23.",
    )
    weekday_weights: tuple[float, ...] = (0.92, 0.9, 0.94, 0.98, 1.12, 1.2, 0.94)
    month_weights: tuple[float, ...] = (
        0.85,
        0.82,
        0.92,
        0.95,
        1.0,
        1.0,
        1.0,
        1.02,
        0.95,
        1.0,
        1.08,
        1.3,
    )


class FraudParams(_Params):
    rate: float = Field(
        0.001, ge=0.0, le=0.05, description="Share of transactions that are fraudulent."
    )
    typology_mix: dict[str, float] = Field(
        {
            "card_not_present": 0.25,
            "account_takeover": 0.15,
            "atm_skimming": 0.2,
            "card_testing": 0.2,
            "stolen_card": 0.2,
        },
        description="Fraud episodes by typology.",
    )
    size: dict[str, tuple[int, int]] = Field(
        {
            "card_not_present": (2, 7),
            "account_takeover": (1, 3),
            "atm_skimming": (2, 5),
            "card_testing": (4, 11),
            "stolen_card": (2, 5),
        },
        description="Transactions per episode (inclusive range).",
    )
    detected_rate: float = Field(
        0.9,
        description="Share of fraud episodes that get detected (each of their transactions "
        "gets a case, unless detection falls after the end date).",
    )
    declined_rate: float = Field(0.15, description="Share of fraud attempts the bank declined.")
    detection_hours: dict[str, float] = Field(
        {
            "card_not_present": 30.0,
            "account_takeover": 20.0,
            "atm_skimming": 70.0,
            "card_testing": 8.0,
            "stolen_card": 16.0,
        },
        description="Mean hours from an episode's last transaction to its detection.",
    )
    recovery: dict[str, tuple[float, float]] = Field(
        {
            "card_not_present": (0.6, 1.0),
            "account_takeover": (0.2, 0.9),
            "atm_skimming": (0.0, 0.6),
            "card_testing": (0.7, 1.0),
            "stolen_card": (0.5, 1.0),
        },
        description="Share of the amount involved recovered on a closed case (range).",
    )
    methods: dict[str, dict[str, float]] = Field(
        {
            "card_not_present": {"ML Model": 0.5, "Rule Engine": 0.2, "Customer Report": 0.3},
            "account_takeover": {"ML Model": 0.3, "Customer Report": 0.5, "Manual Review": 0.2},
            "atm_skimming": {"Customer Report": 0.55, "Rule Engine": 0.25, "ML Model": 0.2},
            "card_testing": {"Rule Engine": 0.55, "ML Model": 0.4, "Merchant Report": 0.05},
            "stolen_card": {"Customer Report": 0.6, "ML Model": 0.3, "Rule Engine": 0.1},
            "false_positive": {
                "Rule Engine": 0.55,
                "ML Model": 0.35,
                "Manual Review": 0.06,
                "Customer Report": 0.04,
            },
        },
        description="Detection method by typology and for false alarms.",
    )
    alert_lag_hours: float = Field(
        6.0, description="Mean hours from a false alarm's transaction to its alert."
    )
    review_days: float = Field(6.0, description="Mean days a case stays open.")


class FinancialParams(_Params):
    """All business parameters of `financial_analytics`."""

    history: History = History()
    customers: CustomerParams = CustomerParams()
    accounts: AccountParams = AccountParams()
    cards: CardParams = CardParams()
    loans: LoanParams = LoanParams()
    ledger: LedgerParams = LedgerParams()
    fraud: FraudParams = FraudParams()
