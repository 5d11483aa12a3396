"""financial_analytics.customers, and the customer facts other tables re-derive.

A customer is one draw of correlated facts, all pure functions of the customer index: age,
then occupation given age, income from occupation and age (log-normal, rising to mid-career),
a credit quality driven by income and age (credit score = 850 minus a log-normal gap, so
scores are left-skewed with a mean near 700), debt-to-income falling with quality, risk from
score and debt, segment from income and wealth. Accounts, cards, loans and transactions call
`facts` on the customers of their group instead of reading this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, people, reference
from fakehouse.core.distributions import Categorical, choice, cumulative, geometric
from fakehouse.core.permutation import Permutation
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.financial.params import RISKS, SEGMENTS

NAME = "customers"
ADULT_DAYS = int(18 * 365.25)
STUDENT, RETIRED, UNEMPLOYED = "Student", "Retired", "Unemployed"
#: SSNs with an area number from 900-999 and a group number from 01-49 are never issued:
#: the Social Security Administration does not issue areas 900-999, and the IRS gives ITINs
#: (which use those areas) only groups 50-65, 70-88, 90-92 and 94-99.
SSN_AREAS, SSN_GROUPS, SSN_SERIALS = 100, 49, 9_999


def ids(idx: np.ndarray) -> pa.Array:
    return TABLE.ids(idx)


@cache
def _bands(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    low = np.array([float(b.split("-")[0]) for b in labels])
    high = np.array([float(b.split("-")[1]) + 1 for b in labels])
    return low, high


def occupation_labels(ctx: Context) -> tuple[str, ...]:
    return (*ctx.params.customers.occupations, STUDENT, RETIRED, UNEMPLOYED)


@dataclass(frozen=True)
class Facts:
    idx: np.ndarray
    age: np.ndarray  # years at the end date (float)
    band: np.ndarray  # index into age_weights
    birth_day: np.ndarray
    occupation: np.ndarray  # index into occupation_labels
    has_job: np.ndarray
    retired: np.ndarray
    income: np.ndarray  # dollars, rounded to $100
    credit_score: np.ndarray
    dti: np.ndarray
    risk: np.ndarray  # index into RISKS
    segment: np.ndarray  # index into SEGMENTS
    join_day: np.ndarray
    leave_day: np.ndarray  # last day of an inactive customer, else past the end date
    active: np.ndarray
    place: np.ndarray  # index into reference.places()
    latitude: np.ndarray
    longitude: np.ndarray


def facts(ctx: Context, idx: np.ndarray) -> Facts:
    """Every modelled fact of customers `idx` (any indices, any order)."""
    p = ctx.params.customers
    idx = np.asarray(idx, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    w = ctx.window
    bands = p.age_bands  # in AGE_BANDS order (the parameters keep it)
    labels = tuple(bands)
    low, high = _bands(labels)
    band = choice(s("age_band").uniform(idx), cumulative([b.share for b in bands.values()]))
    age = low[band] + s("age").uniform(idx) * (high[band] - low[band])
    birth = w.end_day - np.floor(age * 365.25).astype(np.int64)
    # an age just over 18 in years can still be 17 in days on the last day: everyone must
    # be able to join (turn 18) within the window
    birth = np.minimum(birth, w.end_day - ADULT_DAYS - 1)

    # occupation given age
    jobs = Categorical.of({k: v.share for k, v in p.occupations.items()})
    n_jobs = len(jobs.values)
    student_p = np.array([b.student_rate for b in bands.values()])[band]
    retired_p = np.array([b.retired_rate for b in bands.values()])[band]
    u = s("occupation").uniform(idx)
    job = jobs.sample(s("job").uniform(idx))
    occupation = np.select(
        [u < retired_p, u < retired_p + student_p, u < retired_p + student_p + p.unemployed_rate],
        [n_jobs + 1, n_jobs, n_jobs + 2],
        job,
    )
    has_job = occupation < n_jobs
    retired = occupation == n_jobs + 1

    # income: log-normal around the job's median, shaped by age
    peak = np.array([o.income for o in p.occupations.values()] + [0, 0, 0])[occupation]
    curve = np.exp(-0.5 * ((np.minimum(age, 67) - p.income_peak_age) / p.income_age_width) ** 2)
    median = np.select(
        [occupation == n_jobs, retired, occupation == n_jobs + 2],
        [p.student_income, p.retired_income, p.unemployed_income],
        peak * curve,
    )
    z_income = s("income").normal(idx)
    income = np.round(median * np.exp(p.income_sigma * z_income) / 100) * 100
    income = np.maximum(income, 1_000)

    # credit quality: income (relative to the population) and age, plus a personal part
    # students' and retirees' incomes say little about how they handle credit
    rel_income = np.clip((np.log(income) - np.log(60_000)) / 0.75, -1.0, 2.0)
    rel_income = np.where(has_job, rel_income, np.where(retired, 0.3, -0.4))
    age_std = (age - 47) / 17
    personal = np.sqrt(max(1 - p.score_income_weight**2 - p.score_age_weight**2, 0.05))
    quality = (
        p.score_income_weight * rel_income
        + p.score_age_weight * age_std
        + personal * s("credit").normal(idx)
    )
    gap = p.score_gap_median * np.exp(-p.score_gap_sigma * quality)
    score = np.round(850 - 550 * np.tanh(gap / 550)).astype(np.int64)
    dti = p.dti_median * np.exp(p.dti_sigma * s("dti").normal(idx) - p.dti_quality_weight * quality)
    dti = np.round(np.clip(dti, 0.0, 1.5), 3)
    high_score, high_dti = p.high_risk
    low_score, low_dti = p.low_risk
    risk = np.where(
        (score < high_score) | (dti > high_dti),
        2,
        np.where((score >= low_score) & (dti < low_dti), 0, 1),
    )

    wealth = income * np.exp(p.wealth_sigma * s("wealth").normal(idx) + 0.4 * age_std)
    segment = 1 + np.searchsorted(np.asarray(p.segment_income), wealth, side="right")
    segment = np.where(occupation == n_jobs, 0, segment)

    earliest = w.start_day - int(ctx.params.history.customer_lead_years * 365.25)
    adult = birth + ADULT_DAYS + 1
    join = uniform_days(s("join_date").uniform(idx), np.maximum(adult, earliest), w.end_day)
    leaves = (s("inactive").uniform(idx) < p.inactive_rate) & (join + 90 < w.end_day)
    leave = np.where(
        leaves, uniform_days(s("leave_date").uniform(idx), join + 90, w.end_day - 1), w.end_day + 1
    )

    place = _home_place(ctx, s("place").uniform(idx))
    places = reference.places()
    return Facts(
        idx,
        age,
        band,
        birth,
        occupation,
        has_job,
        retired,
        income,
        score,
        dti,
        risk,
        segment,
        join,
        leave,
        ~leaves,
        place,
        places.latitude[place],
        places.longitude[place],
    )


def _home_place(ctx: Context, u: np.ndarray) -> np.ndarray:
    """Index into `reference.places()` of home addresses, by the state mix."""
    mix = ctx.params.customers.state_mix
    if mix.is_population:
        return reference.places().sample(u)
    shares = ctx.cached("customers.state_shares", lambda: cumulative(mix.shares()))
    return reference.places().sample_with_states(shares, u)


def ssn(ctx: Context, idx: np.ndarray) -> pa.Array:
    """'9AA-GG-SSSS' from never-issued ranges, distinct for up to 48,995,100 customers."""
    space = SSN_AREAS * SSN_GROUPS * SSN_SERIALS
    code = Permutation(space, ctx.stream(NAME, "ssn").key).forward(np.asarray(idx) % space)
    serial = code % SSN_SERIALS + 1
    group = (code // SSN_SERIALS) % SSN_GROUPS + 1
    area = 900 + code // (SSN_SERIALS * SSN_GROUPS)
    return arrow.join(
        arrow.number_strings(area, 3),
        arrow.number_strings(group, 2),
        arrow.number_strings(serial, 4),
        sep="-",
    )


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.customers
    idx = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    f = facts(ctx, idx)
    w = ctx.window
    female = s("gender").uniform(idx) < 0.51
    first_name = people.first_names(female, s("first_name").uniform(idx))
    last_name = people.last_names(s("last_name").uniform(idx))
    places = reference.places()
    domains = Categorical.of(p.email_domains)
    email = people.emails(
        first_name,
        last_name,
        idx + 1,
        domains.values,
        domains.sample(s("email_domain").uniform(idx)),
    )
    phone = people.phones(arrow.take(places.area_code, f.place), s("phone").integers(idx, 0, 100))
    lag = geometric(s("kyc_lag").uniform(idx), 1.0 / (1.0 + p.kyc_lag_days))
    kyc = f.join_day + lag
    verified = (s("kyc_pending").uniform(idx) >= p.kyc_pending_rate) & (kyc <= w.end_day)
    return {
        "customer_id": ids(idx),
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": arrow.dates(f.birth_day),
        "ssn": ssn(ctx, idx),
        "email": email,
        "phone": phone,
        "address": people.street_addresses(s("address"), idx),
        "city": arrow.take(places.city, f.place),
        "state": arrow.take(places.state, f.place),
        "zip_code": arrow.take(places.zip_code, f.place),
        "latitude": f.latitude,
        "longitude": f.longitude,
        "occupation": arrow.labels(occupation_labels(ctx), f.occupation),
        "annual_income": arrow.money(f.income.astype(np.int64) * 100),
        "credit_score": f.credit_score.astype(np.int32),
        "debt_to_income": f.dti,
        "customer_segment": arrow.labels(SEGMENTS, f.segment),
        "risk_category": arrow.labels(RISKS, f.risk),
        "kyc_verified": verified,
        "kyc_date": arrow.dates(np.where(verified, kyc, 0), mask=~verified),
        "join_date": arrow.dates(f.join_day),
        "is_active": f.active,
    }


TABLE = Table(
    name=NAME,
    description="Bank customers with a home address and a correlated financial profile.",
    base_rows=10_000,
    block=block,
    primary_key=("customer_id",),
    columns=(
        Column(
            "customer_id",
            pa.string(),
            "Customer key, CUST + 10 digits, dense from 1.",
            unique=True,
            id_prefix="CUST",
        ),
        Column("first_name", pa.string(), "Given name, weighted by US name frequency."),
        Column("last_name", pa.string(), "Family name, weighted by US name frequency."),
        Column("date_of_birth", pa.date32(), "18 or older when joining the bank."),
        Column(
            "ssn",
            pa.string(),
            "Fictional SSN from never-issued ranges (areas 900-999 with groups 01-49).",
            unique=True,
        ),
        Column("email", pa.string(), "Unique address at a reserved example domain.", unique=True),
        Column("phone", pa.string(), "Area code of the home place; fictional 555-01xx line."),
        Column("address", pa.string(), "House number and street."),
        Column("city", pa.string(), "Home city (a real US place matching state and ZIP)."),
        Column(
            "state",
            pa.string(),
            "Two-letter state code; the mix follows population (or the state mix).",
        ),
        Column("zip_code", pa.string(), "Five-digit ZIP code of the city."),
        Column("latitude", pa.float64(), "Latitude of the home ZIP code."),
        Column("longitude", pa.float64(), "Longitude of the home ZIP code."),
        Column("occupation", pa.string(), "Job given age; Student, Retired or Unemployed too."),
        Column("annual_income", arrow.MONEY, "Log-normal, by occupation, rising to mid-career."),
        Column(
            "credit_score", pa.int32(), "300-850, left-skewed, mean near 700; rises with income."
        ),
        Column("debt_to_income", pa.float64(), "Monthly debt payments over gross income."),
        Column(
            "customer_segment",
            pa.string(),
            "Student, Mass Market, Mass Affluent, Affluent or Private Banking.",
        ),
        Column("risk_category", pa.string(), "Low, Medium or High, from credit score and debt."),
        Column("kyc_verified", pa.bool_(), "Identity checks completed."),
        Column(
            "kyc_date",
            pa.date32(),
            "KYC completion, on or after join_date; null if pending.",
            nullable=True,
        ),
        Column("join_date", pa.date32(), "First relationship with the bank."),
        Column("is_active", pa.bool_(), "False for customers who left (all accounts closed)."),
    ),
)
