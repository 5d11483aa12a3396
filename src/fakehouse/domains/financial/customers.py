"""financial_analytics.customers, and the customer facts other tables re-derive.

A bank customer is a person (`core.people`: name, birth date, education, occupation, income,
credit score, address and contact, drawn from the person's number) with a relationship to
the bank: debt-to-income falling with credit quality, risk from score and debt, a wealth
that sets the segment (and the deposits, see the ledger), the day they joined, identity
verification (KYC) right after, and whether they left. Accounts, cards, loans and
transactions call `facts` on the customers of their group instead of reading this table.

Customer ids are people's numbers: `customers.retail_overlap` of the bank's customers (every
k-th, evenly spread) are the retailer's first customers, with the same id, so they are the
same person in both domains; the others are people only the bank knows, numbered from
`BANK_ONLY`, which retail ids never reach. So bank ids are unique but not dense.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, people, reference
from fakehouse.core.distributions import cumulative, geometric
from fakehouse.core.people import ADULT_DAYS
from fakehouse.core.permutation import Permutation
from fakehouse.core.rng import Stream
from fakehouse.core.table import MAX_MULTIPLIER, Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.financial.params import CUSTOMER_ROWS, RISKS, SEGMENTS

NAME = "customers"
#: SSNs with an area number from 900-999 and a group number from 01-49 are never issued:
#: the Social Security Administration does not issue areas 900-999, and the IRS gives ITINs
#: (which use those areas) only groups 50-65, 70-88, 90-92 and 94-99.
SSN_AREAS, SSN_GROUPS, SSN_SERIALS = 100, 49, 9_999
BASE_ROWS = CUSTOMER_ROWS
#: person numbers of the bank's own customers start here: the retailer's customers (at most
#: 10,000 x the largest multiplier) never reach it
BANK_ONLY = BASE_ROWS * MAX_MULTIPLIER
ID_PREFIX, ID_WIDTH = "CUST", len(str(2 * BANK_ONLY))
#: the overlap share is applied in millionths, so that person numbers are exact integers
PPM = 1_000_000


def person(ctx: Context, idx: np.ndarray) -> np.ndarray:
    """Person number of bank customers `idx`: the retailer's customer number for the share
    who shop there (spread evenly over the bank's customers), else BANK_ONLY + their rank
    among the others."""
    idx = np.asarray(idx, dtype=np.int64)
    q = round(ctx.params.customers.retail_overlap * PPM)
    before = idx * q // PPM  # shoppers among the customers before idx
    shopper = (idx + 1) * q // PPM > before
    return np.where(shopper, before, BANK_ONLY + idx - before)


def ids(ctx: Context, idx: np.ndarray) -> pa.Array:
    """customer_id of bank customers `idx`: CUST + their person number + 1, 10 digits."""
    return arrow.ids(ID_PREFIX, ID_WIDTH, person(ctx, idx) + 1)


def occupation_labels(ctx: Context) -> tuple[str, ...]:
    return people.occupation_labels(ctx.params.people)


@dataclass(frozen=True)
class Facts:
    idx: np.ndarray
    person: people.Persons
    dti: np.ndarray
    risk: np.ndarray  # index into RISKS
    wealth: np.ndarray  # dollars: income with a wealth factor (segment and deposits)
    segment: np.ndarray  # index into SEGMENTS
    join_day: np.ndarray
    kyc_day: np.ndarray  # identity verified (accounts open from then on)
    verified: np.ndarray  # KYC completed by the end date
    leave_day: np.ndarray  # last day of an inactive customer, else past the end date
    active: np.ndarray
    place: np.ndarray  # index into reference.places()
    latitude: np.ndarray
    longitude: np.ndarray

    # the person's facts the bank's tables use
    @property
    def age(self) -> np.ndarray:
        return self.person.age

    @property
    def band(self) -> np.ndarray:
        return self.person.band

    @property
    def birth_day(self) -> np.ndarray:
        return self.person.birth_day

    @property
    def occupation(self) -> np.ndarray:
        return self.person.occupation

    @property
    def has_job(self) -> np.ndarray:
        return self.person.has_job

    @property
    def retired(self) -> np.ndarray:
        return self.person.retired

    @property
    def income(self) -> np.ndarray:
        return self.person.income

    @property
    def credit_score(self) -> np.ndarray:
        return self.person.credit_score


def facts(ctx: Context, idx: np.ndarray) -> Facts:
    """Every modelled fact of customers `idx` (any indices, any order)."""
    p = ctx.params.customers
    idx = np.asarray(idx, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    w = ctx.window
    who = people.persons(Stream.root(ctx.seed), ctx.params.people, w.end_day, person(ctx, idx))
    quality = who.quality
    dti = p.dti_median * np.exp(p.dti_sigma * s("dti").normal(idx) - p.dti_quality_weight * quality)
    dti = np.round(np.clip(dti, 0.0, 1.5), 3)
    high_score, high_dti = p.high_risk
    low_score, low_dti = p.low_risk
    score = who.credit_score
    risk = np.where(
        (score < high_score) | (dti > high_dti),
        2,
        np.where((score >= low_score) & (dti < low_dti), 0, 1),
    )

    age_std = (who.age - 47) / 17
    wealth = who.income * np.exp(p.wealth_sigma * s("wealth").normal(idx) + 0.4 * age_std)
    segment = 1 + np.searchsorted(np.asarray(p.segment_income), wealth, side="right")
    segment = np.where(who.student, 0, segment)

    earliest = w.start_day - int(ctx.params.history.customer_lead_years * 365.25)
    adult = who.birth_day + ADULT_DAYS + 1
    join = uniform_days(s("join_date").uniform(idx), np.maximum(adult, earliest), w.end_day)
    # identity is verified within days of joining (before any account opens); only some
    # of the newest customers are still pending at the end date
    kyc = join + geometric(s("kyc_lag").uniform(idx), 1.0 / (1.0 + p.kyc_lag_days))
    new = join > w.end_day - p.kyc_pending_days
    pending = (kyc > w.end_day) | (new & (s("kyc_pending").uniform(idx) < p.kyc_pending_rate))
    kyc = np.where(pending, join, np.minimum(kyc, w.end_day))
    leaves = (s("inactive").uniform(idx) < p.inactive_rate) & (join + 90 < w.end_day)
    leave = np.where(
        leaves, uniform_days(s("leave_date").uniform(idx), join + 90, w.end_day - 1), w.end_day + 1
    )

    place = _home_place(ctx, people.place_draws(Stream.root(ctx.seed), who.number))
    places = reference.places()
    return Facts(
        idx,
        who,
        dti,
        risk,
        wealth,
        segment,
        join,
        kyc,
        ~pending,
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
    idx = np.arange(start, stop, dtype=np.int64)
    f = facts(ctx, idx)
    who = f.person
    card = people.contact(Stream.root(ctx.seed), who, f.place, ctx.params.customers.email_domains)
    places = reference.places()
    return {
        "customer_id": ids(ctx, idx),
        "first_name": card.first_name,
        "last_name": card.last_name,
        "date_of_birth": arrow.dates(who.birth_day),
        "ssn": ssn(ctx, idx),
        "email": card.email,
        "phone": card.phone,
        "address": card.address,
        "city": arrow.take(places.city, f.place),
        "state": arrow.take(places.state, f.place),
        "zip_code": arrow.take(places.zip_code, f.place),
        "latitude": f.latitude,
        "longitude": f.longitude,
        "education": arrow.labels(people.EDUCATIONS, who.education),
        "occupation": arrow.labels(occupation_labels(ctx), who.occupation),
        "annual_income": arrow.money(who.income.astype(np.int64) * 100),
        "credit_score": who.credit_score.astype(np.int32),
        "debt_to_income": f.dti,
        "customer_segment": arrow.labels(SEGMENTS, f.segment),
        "risk_category": arrow.labels(RISKS, f.risk),
        "kyc_verified": f.verified,
        "kyc_date": arrow.dates(np.where(f.verified, f.kyc_day, 0), mask=~f.verified),
        "join_date": arrow.dates(f.join_day),
        "is_active": f.active,
    }


TABLE = Table(
    name=NAME,
    description="Bank customers with a home address and a correlated financial profile.",
    base_rows=BASE_ROWS,
    block=block,
    primary_key=("customer_id",),
    columns=(
        Column(
            "customer_id",
            pa.string(),
            "Customer key, CUST + 10 digits: the same person as the retailer's customer of "
            "the same id (customers.retail_overlap of them); the bank's own from "
            "CUST1000000001. Unique, not dense.",
            unique=True,
        ),
        Column("first_name", pa.string(), "Given name, weighted by US name frequency."),
        Column("last_name", pa.string(), "Family name, weighted by US name frequency."),
        Column("date_of_birth", pa.date32(), "18 or older when joining the bank.", varied=True),
        Column(
            "ssn",
            pa.string(),
            "Fictional SSN from never-issued ranges (areas 900-999 with groups 01-49).",
            unique=True,
        ),
        Column("email", pa.string(), "Unique address at a reserved example domain.", unique=True),
        Column(
            "phone",
            pa.string(),
            "Area code of the home place; fictional 555-01xx line.",
            varied=True,
        ),
        Column("address", pa.string(), "House number and street.", varied=True),
        Column("city", pa.string(), "Home city (a real US place matching state and ZIP)."),
        Column(
            "state",
            pa.string(),
            "Two-letter state code; the mix follows population (or the state mix).",
        ),
        Column("zip_code", pa.string(), "Five-digit ZIP code of the city.", varied=True),
        Column("latitude", pa.float64(), "Latitude of the home ZIP code.", varied=True),
        Column("longitude", pa.float64(), "Longitude of the home ZIP code.", varied=True),
        Column(
            "education",
            pa.string(),
            "Highest level: Less than High School, High School, Some College, Bachelor's or "
            "Graduate (no degree before the age it takes).",
        ),
        Column(
            "occupation",
            pa.string(),
            "Job given age and education (no physician under 28); Student, Retired or "
            "Unemployed too.",
        ),
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
        Column(
            "kyc_verified",
            pa.bool_(),
            "Identity checks completed; pending only for some customers of the last 30 days.",
        ),
        Column(
            "kyc_date",
            pa.date32(),
            "KYC completion, days after join_date and before any account opens; null if pending.",
            nullable=True,
        ),
        Column("join_date", pa.date32(), "First relationship with the bank."),
        Column("is_active", pa.bool_(), "False for customers who left (all accounts closed)."),
    ),
)
