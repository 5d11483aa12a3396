"""Every business parameter of the banking warehouse, in one typed, documented object.

One model per entity, and one model per key of a vocabulary (`loans.risks.High.default_rate`,
`fraud.typologies.card_testing.size`) instead of parallel dicts. Mixes are label -> weight
(normalised when used); ranges are [low, high]; money is in dollars, rates are fractions
(0.05 = 5%). Tables read these values and hold no literals of their own beyond the
vocabulary of labels. A configuration file can override any of them
(`fakehouse config show financial`); `FinancialParams.parse(data)` lists every fault with its
path.
"""

from __future__ import annotations

import itertools
import json
from importlib import resources
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from fakehouse.core.timeline import ONLINE_HOUR_WEIGHTS
from fakehouse.domains.params import (
    ByHour,
    ByMonth,
    ByWeekday,
    DomainParams,
    IntRange,
    Label,
    Mix,
    NumberMix,
    Params,
    Positive,
    Probability,
    Range,
    Share,
    StateMix,
    Vocabulary,
    Weight,
    hours,
    increasing,
    months,
    shares,
    weekdays,
)
from fakehouse.domains.params import History as _History
from fakehouse.domains.people import AGE_BAND, PeopleParams

SEGMENTS = ("Student", "Mass Market", "Mass Affluent", "Affluent", "Private Banking")
RISKS = ("Low", "Medium", "High")
DEPOSIT_TYPES = ("Checking", "Savings", "Money Market", "CD")
ACCOUNT_TYPES = (*DEPOSIT_TYPES, "Credit Card", "Loan")
LOAN_TYPES = ("Mortgage", "Auto", "Personal", "Student", "Home Equity")
CARD_TIERS = ("Classic", "Gold", "Platinum", "Signature")
NETWORKS = ("Visa", "Mastercard", "American Express", "Discover")
TYPOLOGIES = (
    "card_not_present",
    "account_takeover",
    "atm_skimming",
    "card_testing",
    "stolen_card",
    "authorised_push_payment",
)
#: most rows a fraud episode can have (its rows are keyed episode x 64 + position)
MAX_EPISODE_ROWS = 63
#: most bills (their streams are keyed customer x 16 + bill)
MAX_BILLS = 16
#: customers' base rows: the ledger's densities below are for this many customers
CUSTOMER_ROWS = 10_000
#: transactions (base rows) a ledger day gets by default: a few dozen debits a month on an
#: active Checking account
ROWS_PER_LEDGER_DAY = 10_000
#: the ledger's default length: two statement months (the window's last two months)
LEDGER_DAYS = 61
#: days in an average month
MONTH_DAYS = 30.44
#: the fewest a ledger day takes: with fewer, everyday amounts are scaled up so far to fit
#: households' budgets that everyday deposits merge with paychecks and cash flow stops
#: balancing (recurring payments alone fill about 2,800; a group whose schedule exceeds 80% of
#: its share loses some, which breaks loan balances)
MIN_ROWS_PER_LEDGER_DAY = 8_000

SEGMENT = Vocabulary("segment", SEGMENTS)
RISK = Vocabulary("risk category", RISKS)
DEPOSIT = Vocabulary("deposit type", DEPOSIT_TYPES)
LOAN = Vocabulary("loan type", LOAN_TYPES)
TIER = Vocabulary("card tier", CARD_TIERS)
NETWORK = Vocabulary("card network", NETWORKS)
TYPOLOGY = Vocabulary("fraud typology", TYPOLOGIES)
EMAIL_DOMAINS = Vocabulary("reserved email domain", ("example.com", "example.net", "example.org"))
PAY = Vocabulary("pay frequency", ("Bi-weekly", "Semi-monthly", "Monthly"))
ACTIVITY = Vocabulary(
    "activity kind", ("debit_purchase", "credit_purchase", "atm", "deposit", "p2p")
)
DELINQUENCY = Vocabulary("delinquency bucket", ("30 Days", "60 Days", "90+ Days"))


def _merchants(section: str):
    def read() -> list[str]:
        text = resources.files("fakehouse.domains.financial").joinpath("data/merchants.json")
        return list(json.loads(text.read_text())[section])

    return read


#: merchant categories and billers of data/merchants.json, in its order
CATEGORY = Vocabulary("merchant category", _merchants("categories"))
BILLER = Vocabulary("bill", _merchants("billers"))


class History(_History):
    customer_lead_years: float = Field(
        22.0,
        ge=0,
        le=80,
        description="Customers may have joined this many years before the window.",
    )
    ledger_days: int = Field(
        LEDGER_DAYS,
        ge=7,
        le=366,
        description="The transaction ledger covers the last ledger_days of the window (two "
        "statement months by default): 610,000 x m rows give an active Checking account a "
        "few dozen debits a month; another length needs tables.transactions.base_rows of "
        "at least 8,000 a day per 10,000 customers (10,000 a day keep the default density).",
    )


class Calendar(Params):
    months: ByMonth = Field(
        months((0.85, 0.82, 0.92, 0.95, 1.0, 1.0, 1.0, 1.02, 0.95, 1.0, 1.08, 1.3)),
        description="Relative activity per calendar month.",
    )
    weekdays: ByWeekday = Field(
        weekdays((0.92, 0.9, 0.94, 0.98, 1.12, 1.2, 0.94)),
        description="Relative activity per weekday.",
    )
    pos_hours: ByHour = Field(
        hours(
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
            )
        ),
        description="In-person card activity per hour 0..23.",
    )
    online_hours: ByHour = Field(
        hours(ONLINE_HOUR_WEIGHTS), description="Online and mobile activity per hour 0..23."
    )


class CustomerParams(Params):
    group_size: int = Field(
        256,
        ge=16,
        le=1 << 16,
        description="Customers per allocation group: exact table totals are split over "
        "groups of this many customers, and a group's accounts and transactions are "
        "generated together.",
    )
    state_mix: StateMix = Field(
        StateMix(), description="Home states: by population, or your own top states."
    )
    dti_median: Positive = Field(0.28, description="Median debt-to-income ratio.")
    dti_sigma: float = Field(0.45, ge=0, description="Log-normal spread of debt-to-income.")
    dti_quality_weight: float = Field(
        0.35, ge=0, description="How much better credit quality lowers debt-to-income."
    )
    high_risk: tuple[float, float] = Field(
        (600, 0.55), description="High risk below this score or above this debt-to-income."
    )
    low_risk: tuple[float, float] = Field(
        (720, 0.36), description="Low risk at or above this score and below this DTI."
    )
    segment_income: increasing(tuple[Positive, Positive, Positive]) = Field(
        (80_000, 185_000, 420_000),
        description="Relationship value (income with a wealth factor) bounds of Mass Affluent, "
        "Affluent and Private Banking; students are their own segment.",
    )
    wealth_sigma: float = Field(0.45, ge=0, description="Spread of wealth around income.")
    kyc_lag_days: float = Field(
        1.0,
        ge=0,
        description="Mean days from joining to KYC completion; accounts open once it is done.",
    )
    kyc_pending_rate: Probability = Field(
        0.2,
        description="Share of customers who joined in the last kyc_pending_days whose KYC is "
        "still pending (their accounts may be open already).",
    )
    kyc_pending_days: int = Field(30, ge=0, le=365, description="Who counts as a new customer.")
    pension_rate: Probability = Field(
        0.35, description="Share of retirees with a pension besides Social Security."
    )
    retail_overlap: Probability = Field(
        0.3,
        description="Share of bank customers who also shop at the retailer: they have the "
        "same customer_id (and are the same person) in both domains. The others have ids the "
        "retailer never uses (from CUST1000000001).",
    )
    inactive_rate: Probability = Field(0.04, description="Share of customers who left the bank.")
    email_domains: EMAIL_DOMAINS.mix() = Field(
        {"example.com": 0.5, "example.net": 0.3, "example.org": 0.2},
        description="Reserved documentation domains only, so no email can reach a person.",
    )

    @model_validator(mode="after")
    def _risk_bounds(self) -> CustomerParams:
        if self.high_risk[0] > self.low_risk[0] or self.low_risk[1] > self.high_risk[1]:
            raise ValueError(
                "high_risk must lie below low_risk: a lower score and a higher debt-to-income"
            )
        return self


class SegmentAccounts(Params):
    savings: Weight = Field(description="Relative chance of a Savings account.")
    money_market: Weight = Field(description="Relative chance of a Money Market account.")
    cd: Weight = Field(description="Relative chance of a CD.")


class Deposit(Params):
    interest_rate: Share = Field(description="Annual interest rate range.")
    balance_median: Positive = Field(
        description="Median balance as a share of wealth: annual income with the wealth "
        "factor that sets the segment (log-normal around it)."
    )
    balance_sigma: float = Field(ge=0, description="Log-normal spread of balances.")
    balance_floor: float = Field(ge=0, description="Smallest opening balance in dollars.")


class AccountParams(Params):
    checking_rate: Probability = Field(
        0.93, description="Chance an active customer holds a Checking account."
    )
    segments: SEGMENT.each(SegmentAccounts) = Field(
        {
            "Student": SegmentAccounts(savings=0.15, money_market=0.0, cd=0.0),
            "Mass Market": SegmentAccounts(savings=0.2, money_market=0.02, cd=0.025),
            "Mass Affluent": SegmentAccounts(savings=0.34, money_market=0.07, cd=0.05),
            "Affluent": SegmentAccounts(savings=0.45, money_market=0.2, cd=0.1),
            "Private Banking": SegmentAccounts(savings=0.5, money_market=0.4, cd=0.15),
        },
        description="Deposit products by customer segment.",
    )
    card_score_range: Range = Field(
        (560, 780), description="Card propensity rises linearly over this score range."
    )
    closed_rate: Probability = Field(0.06, description="Share of deposit accounts closed.")
    overdraft_rate: Probability = Field(
        0.35, description="Checking accounts with overdraft protection."
    )
    overdraft_limits: NumberMix = Field(
        {250: 0.3, 500: 0.45, 1000: 0.25}, description="Overdraft limits in dollars."
    )
    deposits: DEPOSIT.each(Deposit) = Field(
        {
            "Checking": Deposit(
                interest_rate=(0.0, 0.001),
                balance_median=0.05,
                balance_sigma=0.9,
                balance_floor=25.0,
            ),
            "Savings": Deposit(
                interest_rate=(0.004, 0.043),
                balance_median=0.12,
                balance_sigma=1.1,
                balance_floor=25.0,
            ),
            "Money Market": Deposit(
                interest_rate=(0.025, 0.04),
                balance_median=0.45,
                balance_sigma=0.8,
                balance_floor=2_500.0,
            ),
            "CD": Deposit(
                interest_rate=(0.035, 0.051),
                balance_median=0.3,
                balance_sigma=0.7,
                balance_floor=1_000.0,
            ),
        },
        description="Per deposit type: interest and balances.",
    )
    cushion: float = Field(
        25.0, ge=0, description="A balance never falls below this without overdraft protection."
    )

    @model_validator(mode="after")
    def _card_range(self) -> AccountParams:
        if self.card_score_range[0] >= self.card_score_range[1]:
            raise ValueError("card_score_range needs low < high")
        return self


class Network(Params):
    share: Weight = Field(description="Share of cards on the network.")
    test_bin: int = Field(
        ge=100_000,
        le=999_999,
        description="Issuer prefix of the network's published processor test cards; every "
        "card number lies inside it and is Luhn-valid.",
    )


class Tier(Params):
    annual_fee: float = Field(ge=0, description="Annual fee in dollars.")
    min_score: float = Field(ge=0, le=850, description="Lowest credit score for the tier.")
    min_income: float = Field(ge=0, description="Lowest income for the tier.")


class CardRisk(Params):
    revolver_rate: Probability = Field(description="Share of cardholders carrying a balance.")
    utilization: Probability = Field(
        description="Median balance / limit of those carrying a balance (logit-normal around "
        "it, so some run near the limit); the others owe only their last statement."
    )
    delinquency_rate: Probability = Field(
        description="Share of cards past due at a utilisation of delinquency_reference."
    )


class CardParams(Params):
    networks: shares(NETWORK.each(Network)) = Field(
        {
            "Visa": Network(share=0.52, test_bin=400000),
            "Mastercard": Network(share=0.3, test_bin=222300),
            "American Express": Network(share=0.1, test_bin=378282),
            "Discover": Network(share=0.08, test_bin=601100),
        },
        description="Card networks.",
    )
    limit_income_share: Range = Field(
        (0.04, 0.4), description="Credit limit as a share of income, from worst to best score."
    )
    limit_range: Range = Field((500, 50_000), description="Credit limits are clipped to this.")
    apr_range: Share = Field((0.1799, 0.2999), description="APR from the best to the worst score.")
    tiers: TIER.each(Tier) = Field(
        {
            "Classic": Tier(annual_fee=0, min_score=0, min_income=0),
            "Gold": Tier(annual_fee=95, min_score=680, min_income=40_000),
            "Platinum": Tier(annual_fee=250, min_score=740, min_income=85_000),
            "Signature": Tier(annual_fee=550, min_score=790, min_income=150_000),
        },
        description="Card tiers: a holder gets the highest tier both score and income reach.",
    )
    risks: RISK.each(CardRisk) = Field(
        {
            "Low": CardRisk(revolver_rate=0.45, utilization=0.35, delinquency_rate=0.01),
            "Medium": CardRisk(revolver_rate=0.65, utilization=0.55, delinquency_rate=0.04),
            "High": CardRisk(revolver_rate=0.8, utilization=0.8, delinquency_rate=0.08),
        },
        description="Card behaviour by the holder's risk category (average utilisation about "
        "25-30% at these defaults, as US averages).",
    )
    utilization_sigma: float = Field(
        1.1, ge=0, le=5, description="Spread of revolvers' utilisation on the logit scale."
    )
    delinquency_weight: float = Field(
        2.5,
        ge=0,
        le=10,
        description="Delinquency rises with utilisation: the chance is multiplied by "
        "exp(weight x (utilisation - delinquency_reference)).",
    )
    delinquency_reference: Probability = Field(
        0.3, description="Utilisation at which a risk category is delinquent at its rate."
    )
    delinquency_mix: DELINQUENCY.mix() = Field(
        {"30 Days": 0.55, "60 Days": 0.25, "90+ Days": 0.2},
        description="How far past due a delinquent card is.",
    )
    validity_years: IntRange = Field((3, 5), description="Years a card is valid.")
    late_fee: float = Field(35.0, ge=0, description="Late payment fee in dollars.")

    @model_validator(mode="after")
    def _tiers(self) -> CardParams:
        for field in ("min_score", "min_income"):
            values = [getattr(self.tiers[t], field) for t in CARD_TIERS[1:]]
            if any(b < a for a, b in itertools.pairwise(values)):
                raise ValueError(f"tiers: {field} must not decrease from Gold to Signature")
        if self.validity_years[0] < 1:
            raise ValueError("validity_years must start at 1 or more")
        return self


class LoanType(Params):
    share: Weight = Field(description="Share of loans of this type.")
    amount_median: Positive = Field(description="Median principal in dollars.")
    amount_sigma: float = Field(ge=0, description="Log-normal spread of principals.")
    amount_range: Range = Field(
        description="Principals are clipped to this range (below its low end only where the "
        "borrower's debt-to-income cap allows no more)."
    )
    terms: NumberMix = Field(description="Term in months -> weight.")
    margin: float = Field(
        ge=-0.05,
        le=0.3,
        description="Rate over the year's 30-year mortgage rate for a Low-risk borrower (a "
        "term of 15 years or less takes mortgage_short_term off).",
    )
    spread_scale: float = Field(
        ge=0, le=5, description="Multiplies the risk spreads: lenders price risk harder unsecured."
    )
    max_payment_to_income: Probability = Field(
        description="Underwriting cap: the payment over the borrower's monthly gross income."
    )
    default_rate: Probability = Field(
        description="Chance of default over the loan's life for a Medium-risk borrower at the "
        "reference payment-to-income."
    )
    collateral: str | None = Field(None, description="What secures the loan, if anything.")
    min_age: float = Field(18, ge=18, description="Youngest borrower.")
    max_age: float = Field(90, le=120, description="Oldest borrower.")


class LoanRisk(Params):
    spread: float = Field(ge=0, le=0.3, description="Rate added for the risk (x the type's scale).")
    default_factor: float = Field(ge=0, le=20, description="Multiplies the type's default rate.")
    late_rate: Probability = Field(description="Share of loans Late.")


def _mortgage_rates() -> dict[int, float]:
    # Freddie Mac Primary Mortgage Market Survey (PMMS), 30-year fixed-rate mortgage, yearly
    # averages of the weekly rates (2025: the average of its first months, about 6.6-6.8%)
    rows = (
        (1990, 10.13), (1991, 9.25), (1992, 8.39), (1993, 7.31), (1994, 8.38), (1995, 7.93),
        (1996, 7.81), (1997, 7.60), (1998, 6.94), (1999, 7.44), (2000, 8.05), (2001, 6.97),
        (2002, 6.54), (2003, 5.83), (2004, 5.84), (2005, 5.87), (2006, 6.41), (2007, 6.34),
        (2008, 6.03), (2009, 5.04), (2010, 4.69), (2011, 4.45), (2012, 3.66), (2013, 3.98),
        (2014, 4.17), (2015, 3.85), (2016, 3.65), (2017, 3.99), (2018, 4.54), (2019, 3.94),
        (2020, 3.11), (2021, 2.96), (2022, 5.34), (2023, 6.81), (2024, 6.72), (2025, 6.60),
    )  # fmt: skip
    return {year: round(rate / 100, 4) for year, rate in rows}


def _years(rates: dict[int, float]) -> dict[int, float]:
    years = sorted(rates)
    if not years or years != list(range(years[0], years[-1] + 1)):
        raise ValueError("market rates need every year of one span, without gaps")
    return dict(sorted(rates.items()))


class LoanParams(Params):
    types: shares(LOAN.each(LoanType)) = Field(
        {
            # margins over the 30-year mortgage rate, for a Low-risk borrower: new-car loans a
            # couple of points above mortgages (Federal Reserve G.19), personal loans from about
            # 10% for the best credit to 25%+ (G.19, 24-month personal loans), federal student
            # loans the 10-year Treasury plus 2-4 points, home equity about prime
            "Mortgage": LoanType(
                share=0.2,
                amount_median=200_000,
                amount_sigma=0.5,
                amount_range=(60_000, 2_000_000),
                terms={180: 0.25, 360: 0.75},
                margin=0.0,
                spread_scale=0.3,
                max_payment_to_income=0.31,
                default_rate=0.008,
                collateral="Residential Property",
                min_age=24,
            ),
            "Auto": LoanType(
                share=0.32,
                amount_median=30_000,
                amount_sigma=0.45,
                amount_range=(5_000, 120_000),
                terms={36: 0.15, 48: 0.2, 60: 0.4, 72: 0.25},
                margin=0.02,
                spread_scale=1.0,
                max_payment_to_income=0.15,
                default_rate=0.065,
                collateral="Vehicle",
            ),
            "Personal": LoanType(
                share=0.27,
                amount_median=11_000,
                amount_sigma=0.7,
                amount_range=(1_000, 60_000),
                terms={12: 0.1, 24: 0.2, 36: 0.35, 48: 0.15, 60: 0.2},
                margin=0.055,
                spread_scale=2.0,
                max_payment_to_income=0.12,
                default_rate=0.22,
            ),
            "Student": LoanType(
                share=0.13,
                amount_median=28_000,
                amount_sigma=0.7,
                amount_range=(3_000, 200_000),
                terms={120: 0.8, 180: 0.2},
                margin=0.005,
                spread_scale=0.2,
                max_payment_to_income=0.15,
                default_rate=0.1,
                max_age=45,
            ),
            "Home Equity": LoanType(
                share=0.08,
                amount_median=65_000,
                amount_sigma=0.6,
                amount_range=(10_000, 500_000),
                terms={60: 0.2, 120: 0.4, 180: 0.4},
                margin=0.015,
                spread_scale=0.6,
                max_payment_to_income=0.12,
                default_rate=0.025,
                collateral="Residential Property",
                min_age=30,
            ),
        },
        description="Loan types.",
    )
    risks: RISK.each(LoanRisk) = Field(
        {
            "Low": LoanRisk(spread=0.0, default_factor=0.35, late_rate=0.015),
            "Medium": LoanRisk(spread=0.022, default_factor=1.0, late_rate=0.05),
            "High": LoanRisk(spread=0.055, default_factor=2.4, late_rate=0.1),
        },
        description="By the borrower's risk category: rate spread, defaults (5-10% of loans "
        "overall at these defaults) and late payments.",
    )
    mortgage_rates: Annotated[dict[int, Probability], AfterValidator(_years)] = Field(
        default_factory=_mortgage_rates,
        description="The market: average 30-year fixed mortgage rate by origination year "
        "(Freddie Mac PMMS); years outside it take the nearest year's rate.",
    )
    mortgage_short_term: float = Field(
        0.006, ge=0, le=0.05, description="Rate off loans of 15 years or less (15-year mortgages)."
    )
    rate_noise: float = Field(0.004, ge=0, description="Spread of rates around the formula.")
    max_debt_to_income: Probability = Field(
        0.43,
        description="Underwriting cap on all of a borrower's loan payments over monthly gross "
        "income (qualified mortgages: 43%).",
    )
    payment_to_income_weight: float = Field(
        4.0,
        ge=0,
        le=20,
        description="Defaults rise with the payment over income: the chance is multiplied by "
        "exp(weight x (payment-to-income - reference)).",
    )
    reference_payment_to_income: Probability = Field(
        0.1, description="Payment-to-income at which a type defaults at its default_rate."
    )
    amount_income_weight: float = Field(
        0.6, ge=0, description="Elasticity of loan amounts to income (1 = proportional)."
    )
    age_weights: AGE_BAND.each(Weight) = Field(
        {
            "18-24": 0.4,
            "25-34": 1.2,
            "35-44": 1.4,
            "45-54": 1.2,
            "55-64": 0.8,
            "65-74": 0.4,
            "75-90": 0.15,
        },
        description="Relative chance of holding a loan, by age band.",
    )
    origination_years: float = Field(
        12.0, gt=0, le=40, description="Loans originated up to this many years before the end date."
    )


class Bill(Params):
    share: Probability = Field(description="Share of customers who pay it.")
    income_share: Weight = Field(description="Amount as a share of monthly gross income.")
    variation: float = Field(ge=0, description="Monthly relative variation of the amount.")
    category: Label = Field(description="Merchant category of the biller.")
    housing: bool = Field(
        False,
        description="A housing cost: a customer pays at most one (one draw over the housing "
        "bills' shares, in order), and none when paying a mortgage to this bank.",
    )


def _bills() -> dict[str, Bill]:
    # housing: about 35% of US households rent and 40% pay a mortgage (Census, ACS); rent
    # and mortgage payments run about 25-30% and 20% of gross income
    rows = {
        "Rent": (0.36, 0.28, 0.0, "Housing", True),
        "Mortgage": (0.34, 0.2, 0.0, "Housing", True),
        "Electric": (0.85, 0.022, 0.12, "Utilities", False),
        "Gas & Water": (0.6, 0.012, 0.15, "Utilities", False),
        "Internet": (0.75, 0.012, 0.0, "Utilities", False),
        "Mobile Phone": (0.85, 0.014, 0.02, "Utilities", False),
        "Insurance": (0.7, 0.025, 0.0, "Insurance", False),
        "Streaming": (0.55, 0.004, 0.0, "Entertainment", False),
        "Gym": (0.2, 0.004, 0.0, "Entertainment", False),
    }
    return {
        k: Bill(share=s, income_share=i, variation=v, category=c, housing=h)
        for k, (s, i, v, c, h) in rows.items()
    }


class Category(Params):
    share: Weight = Field(description="Share of card purchases.")
    median: Positive = Field(description="Median amount in dollars.")
    sigma: float = Field(ge=0, description="Log-normal spread of amounts.")
    online_share: Probability = Field(description="Share made online (card not present).")


def _categories() -> dict[str, Category]:
    rows = {
        "Groceries": (0.24, 48.0, 0.7, 0.06),
        "Restaurants": (0.18, 26.0, 0.7, 0.08),
        "Gas Stations": (0.12, 42.0, 0.45, 0.0),
        "Retail": (0.13, 45.0, 1.0, 0.2),
        "Online Shopping": (0.1, 38.0, 1.0, 1.0),
        "Electronics": (0.03, 140.0, 1.1, 0.55),
        "Travel": (0.04, 260.0, 1.1, 0.7),
        "Entertainment": (0.06, 32.0, 0.8, 0.4),
        "Healthcare": (0.05, 70.0, 1.1, 0.1),
        "Home Improvement": (0.05, 85.0, 1.1, 0.15),
    }
    return {
        k: Category(share=s, median=m, sigma=g, online_share=o) for k, (s, m, g, o) in rows.items()
    }


def _atm_amounts(mix: dict) -> dict:
    odd = [a for a in mix if a % 20]
    if odd:
        raise ValueError(f"ATM amounts must be multiples of $20: {odd}")
    return mix


class LedgerParams(Params):
    pay_frequency: PAY.mix() = Field(
        {"Bi-weekly": 0.55, "Semi-monthly": 0.2, "Monthly": 0.25},
        description="How employers pay; retirees get one monthly benefit deposit.",
    )
    net_pay_ratio: float = Field(
        0.74, gt=0, le=1, description="Take-home pay as a share of gross income."
    )
    pay_jitter: float = Field(0.01, ge=0, description="Relative variation of one paycheck.")
    unemployment_benefit_rate: Probability = Field(
        0.6,
        description="Unemployed customers who receive a weekly unemployment benefit (their "
        "income); the others live on deposits and transfers received.",
    )
    family_support_rate: Probability = Field(
        0.7,
        description="Students who receive a monthly transfer from family (most of their "
        "income); the others live on deposits and transfers received.",
    )
    bills: BILLER.some(Bill) = Field(
        default_factory=_bills,
        description="Bills paid from Checking on a fixed day: housing (one at most), "
        "utilities, insurance and subscriptions.",
    )
    bill_min: float = Field(9.99, ge=0, description="Smallest bill amount.")
    saving: SEGMENT.each(Share) = Field(
        {
            "Student": (0.0, 0.04),
            "Mass Market": (0.02, 0.08),
            "Mass Affluent": (0.04, 0.12),
            "Affluent": (0.08, 0.2),
            "Private Banking": (0.12, 0.3),
        },
        description="Monthly saving by segment, as a share of monthly net income (a range): "
        "moved out of Checking by auto-save to Savings, or to a brokerage elsewhere.",
    )
    auto_save_rate: Probability = Field(
        0.6, description="Savings holders who save by a monthly transfer from Checking."
    )
    invest_rate: Probability = Field(
        0.5,
        description="Other Mass Affluent, Affluent and Private Banking customers who save by "
        "a monthly transfer to a brokerage (the rest spend what they earn).",
    )
    maintenance_fee: float = Field(
        12.0, ge=0, description="Monthly fee on Checking without payroll."
    )
    card_share: Share = Field(
        (0.25, 0.75),
        description="Share of everyday spending cardholders put on their credit cards (a "
        "range; paid from Checking when the statement is due).",
    )
    idle_card_rate: Probability = Field(
        0.35,
        description="Cards paid in full each month that sit in a drawer: only their monthly "
        "subscription is billed to them (many cards carry next to no balance).",
    )
    spending_drift: float = Field(
        0.06,
        ge=0,
        le=1,
        description="Spread of a household's monthly surplus or deficit, as a share of its "
        "income: everyday spending otherwise balances income less fixed costs and saving.",
    )
    spending_floor: Probability = Field(
        0.15,
        description="Least everyday spending as a share of monthly net income: households "
        "whose fixed costs exceed their income draw on their balance.",
    )
    frequency_elasticity: float = Field(
        0.4,
        ge=0,
        le=1,
        description="How everyday activity grows with spending: counts scale with spending to "
        "this power, ticket sizes with the rest.",
    )
    discretionary_mix: ACTIVITY.each(Weight) = Field(
        {
            "debit_purchase": 0.68,
            "credit_purchase": 0.55,
            "atm": 0.05,
            "deposit": 0.04,
            "p2p": 0.07,
        },
        description="Relative weight of everyday activity kinds, per eligible account "
        "(purchases split further by each customer's card share).",
    )
    side_income_share: Probability = Field(
        0.04,
        description="Everyday deposits (cheques, transfers received) as a share of monthly "
        "net income.",
    )
    categories: shares(CATEGORY.each(Category)) = Field(
        default_factory=_categories,
        description="Card purchases by merchant category.",
    )
    atm_amounts: Annotated[NumberMix, AfterValidator(_atm_amounts)] = Field(
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
    deposit_median: Positive = Field(60.0, description="Median of a non-payroll deposit.")
    deposit_sigma: float = Field(0.6, ge=0, description="Log-normal spread of deposits.")
    p2p_median: Positive = Field(60.0, description="Median of a person-to-person transfer.")
    p2p_sigma: float = Field(0.8, ge=0, description="Log-normal spread of transfers.")
    travel_rate: Probability = Field(
        0.15,
        description="Chance a customer travels in a month: for travel_days, in-person and "
        "mobile activity happens at the destination, far from home.",
    )
    travel_days: IntRange = Field((2, 8), description="Length of a trip in days.")
    trip_rate: Probability = Field(
        0.4,
        description="Chance that an everyday activity follows the account's previous one "
        "within minutes (a shopping trip or errands; long sprees are chains of them).",
    )
    night_owl_rate: Probability = Field(
        0.12, description="Customers who shop and bank online mostly late at night."
    )
    large_cash_rate: Probability = Field(
        0.03,
        description="Chance a customer takes a large sum in cash in a month ($600-$1,000 from "
        "an ATM).",
    )
    large_payment_rate: Probability = Field(
        0.06,
        description="Chance a customer makes a large one-off payment in a month (a contractor, "
        "a car, a deposit: 0.2-1.2 months of income, by Zelle or external transfer).",
    )
    new_device_rate: Probability = Field(
        0.05, description="Chance a customer starts using a new phone in a month."
    )
    failed_rate: Probability = Field(0.012, description="Share of debits declined or failed.")
    pending_days: float = Field(
        2.0, ge=0, description="Card activity this close to the end date may still be pending."
    )
    pending_rate: Probability = Field(
        0.5, description="Share of such recent card activity pending."
    )

    @model_validator(mode="after")
    def _housing(self) -> LedgerParams:
        housing = sum(b.share for b in self.bills.values() if b.housing)
        if housing > 1:
            raise ValueError(f"bills: the shares of housing bills add up to {housing:g}, above 1")
        if self.travel_days[0] < 1:
            raise ValueError("travel_days must start at 1 or more")
        return self


class Typology(Params):
    share: Weight = Field(description="Share of fraud episodes.")
    size: IntRange = Field(description="Transactions per episode (inclusive range).")
    detection_hours: Positive = Field(
        description="Mean hours from an episode's last transaction to its detection."
    )
    recovery: Share = Field(
        description="Share of the amount involved recovered on a closed case (range)."
    )
    methods: Mix = Field(description="How its episodes are detected.")

    @model_validator(mode="after")
    def _size(self) -> Typology:
        if not 1 <= self.size[0] <= self.size[1] <= MAX_EPISODE_ROWS:
            raise ValueError(f"size must lie in 1..{MAX_EPISODE_ROWS}")
        return self


def _typologies() -> dict[str, Typology]:
    rows = {
        "card_not_present": (
            0.24, (2, 7), 30.0, (0.6, 1.0),
            {"ML Model": 0.5, "Rule Engine": 0.2, "Customer Report": 0.3},
        ),
        "account_takeover": (
            0.13, (1, 3), 20.0, (0.2, 0.9),
            {"ML Model": 0.3, "Customer Report": 0.5, "Manual Review": 0.2},
        ),
        "atm_skimming": (
            0.16, (2, 5), 70.0, (0.0, 0.6),
            {"Customer Report": 0.55, "Rule Engine": 0.25, "ML Model": 0.2},
        ),
        "card_testing": (
            0.17, (4, 11), 8.0, (0.7, 1.0),
            {"Rule Engine": 0.55, "ML Model": 0.4, "Merchant Report": 0.05},
        ),
        "stolen_card": (
            0.18, (2, 5), 16.0, (0.5, 1.0),
            {"Customer Report": 0.6, "ML Model": 0.3, "Rule Engine": 0.1},
        ),
        "authorised_push_payment": (
            0.12, (1, 3), 60.0, (0.0, 0.3),
            {"Customer Report": 0.8, "ML Model": 0.15, "Manual Review": 0.05},
        ),
    }  # fmt: skip
    return {
        k: Typology(share=s, size=z, detection_hours=h, recovery=r, methods=m)
        for k, (s, z, h, r, m) in rows.items()
    }


class Difficulty(Params):
    """What `validate` holds fraud to (its `fraud_difficulty` checks and report)."""

    rule_precision: Probability = Field(
        0.9,
        description="No single simple rule (velocity, amount, distance, new device, channel, "
        "hour) may reach this precision while catching rule_recall of the fraud.",
    )
    rule_recall: Probability = Field(
        0.05, description="The share of fraud a rule must catch to count."
    )
    model_auc: Probability = Field(
        0.85,
        description="A simple model (naive Bayes on the rules' features, trained on half the "
        "accounts) must reach this ROC AUC on the other half.",
    )


class FraudParams(Params):
    rate: float = Field(
        0.001, ge=0.0, le=0.05, description="Share of transactions that are fraudulent."
    )
    typologies: shares(TYPOLOGY.each(Typology)) = Field(
        default_factory=_typologies,
        description="Fraud episodes by typology (their share is the typology mix).",
    )
    disguise: Probability = Field(
        0.5,
        description="How far fraud imitates its victim's genuine behaviour: at 0 it stands "
        "out (night hours, amounts far above habit, devices far from home), at 1 each of "
        "those signals is as often ordinary as in genuine activity.",
    )
    difficulty: Difficulty = Field(
        Difficulty(), description="What validate holds fraud detection difficulty to."
    )
    false_alarm_methods: Mix = Field(
        {"Rule Engine": 0.55, "ML Model": 0.35, "Manual Review": 0.06, "Customer Report": 0.04},
        description="How false alarms are raised.",
    )
    detected_rate: Probability = Field(
        0.9,
        description="Share of fraud episodes that get detected (each of their transactions "
        "gets a case, unless detection falls after the end date).",
    )
    declined_rate: Probability = Field(
        0.15, description="Share of fraud attempts the bank declined."
    )
    alert_lag_hours: Positive = Field(
        6.0, description="Mean hours from a false alarm's transaction to its alert."
    )
    review_days: Positive = Field(6.0, description="Mean days a case stays open.")


class FinancialParams(DomainParams):
    """All business parameters of `financial_analytics`."""

    history: History = Field(History(), description="The history window and the ledger's length.")
    calendar: Calendar = Field(Calendar(), description="When ledger activity happens.")
    people: PeopleParams = Field(
        PeopleParams(), description="Who people are: shared with the retailer's customers."
    )
    customers: CustomerParams = CustomerParams()
    accounts: AccountParams = AccountParams()
    cards: CardParams = CardParams()
    loans: LoanParams = LoanParams()
    ledger: LedgerParams = LedgerParams()
    fraud: FraudParams = FraudParams()

    @model_validator(mode="after")
    def _consistent(self) -> FinancialParams:
        rows = {name: t.base_rows for name, t in self.tables.items()}
        if {"accounts", "credit_cards", "loans"} <= set(rows) and rows["accounts"] < rows[
            "credit_cards"
        ] + rows["loans"]:
            raise ValueError(
                "tables: accounts.base_rows must be at least credit_cards + loans (every card "
                "and loan has its own account)"
            )
        if len(self.ledger.bills) > MAX_BILLS:
            raise ValueError(f"ledger.bills: at most {MAX_BILLS}")
        people = rows.get("customers", CUSTOMER_ROWS) / CUSTOMER_ROWS
        days = self.history.ledger_days
        need, dense = (
            round(days * d * people) for d in (MIN_ROWS_PER_LEDGER_DAY, ROWS_PER_LEDGER_DAY)
        )
        if rows.get("transactions", LEDGER_DAYS * ROWS_PER_LEDGER_DAY) < need:
            per = f" per {CUSTOMER_ROWS:,} customers" if people != 1 else ""
            raise ValueError(
                f"tables: a ledger of {days} days needs at least {need:,} "
                f"transactions.base_rows ({MIN_ROWS_PER_LEDGER_DAY:,} a day{per}; the default "
                f"density is {ROWS_PER_LEDGER_DAY:,} a day: {dense:,}), got "
                f"{rows.get('transactions', LEDGER_DAYS * ROWS_PER_LEDGER_DAY):,}"
            )
        return self
