"""The parameters of the people both domains share: who a person is, whatever they do.

A customer id present in the bank and at the retailer is one person, so the facts that make
the person (gender, age, education, occupation, income, credit score) come from one model
(`core.people`) with one set of parameters: every domain's parameters hold a `people`
section of this type, and a warehouse of several domains needs them equal
(`fakehouse.config` says so before anything is written).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from fakehouse.core.people import EDUCATIONS
from fakehouse.domains.params import (
    Label,
    Params,
    Positive,
    Probability,
    Vocabulary,
    Weight,
    shares,
)

AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-90")
AGE_BAND = Vocabulary("age band", AGE_BANDS)
EDUCATION = Vocabulary("education", EDUCATIONS)
GENDER = Vocabulary("gender", ("Female", "Male", "Other"))


class AgeBand(Params):
    share: Weight = Field(description="Share of people in the band (uniform inside it).")
    student_rate: Probability = Field(0.0, description="Share of students.")
    retired_rate: Probability = Field(0.0, description="Share retired.")


def _age_bands() -> dict[str, AgeBand]:
    rows = {
        "18-24": (0.11, 0.5, 0.0),
        "25-34": (0.18, 0.06, 0.0),
        "35-44": (0.17, 0.0, 0.0),
        "45-54": (0.16, 0.0, 0.0),
        "55-64": (0.16, 0.0, 0.18),
        "65-74": (0.13, 0.0, 0.82),
        "75-90": (0.09, 0.0, 0.98),
    }
    return {k: AgeBand(share=s, student_rate=st, retired_rate=r) for k, (s, st, r) in rows.items()}


class Occupation(Params):
    share: Weight = Field(description="Share among working people.")
    income: Positive = Field(description="Median annual income at the career peak, in dollars.")
    education: EDUCATION.key = Field(
        "Less than High School", description="Least education the job needs."
    )
    min_age: float = Field(18, ge=18, le=60, description="Youngest age in the job.")


def _jobs() -> dict[str, Occupation]:
    # minimum ages and education of the US Bureau of Labor Statistics' Occupational Outlook
    # Handbook ("how to become one"): physicians 4 years of college, 4 of medical school and
    # 3+ of residency; lawyers 7 years of study; teachers, accountants and engineers a
    # bachelor's degree; registered nurses an associate degree at least
    rows = {
        "Retail Associate": (0.09, 34_000, "Less than High School", 18),
        "Food Service Worker": (0.06, 30_000, "Less than High School", 18),
        "Driver": (0.06, 52_000, "Less than High School", 21),
        "Construction Worker": (0.06, 56_000, "Less than High School", 18),
        "Administrative Assistant": (0.08, 46_000, "High School", 18),
        "Electrician": (0.04, 66_000, "High School", 22),
        "Teacher": (0.07, 64_000, "Bachelor's", 22),
        "Nurse": (0.07, 84_000, "Some College", 20),
        "Sales Representative": (0.07, 68_000, "High School", 19),
        "Accountant": (0.05, 82_000, "Bachelor's", 22),
        "Manager": (0.09, 105_000, "High School", 25),
        "Software Engineer": (0.06, 135_000, "Bachelor's", 21),
        "Small Business Owner": (0.06, 90_000, "Less than High School", 21),
        "Lawyer": (0.02, 160_000, "Graduate", 25),
        "Physician": (0.02, 240_000, "Graduate", 28),
        "Engineer": (0.05, 102_000, "Bachelor's", 22),
        "Government Employee": (0.04, 70_000, "High School", 18),
    }
    return {
        k: Occupation(share=s, income=i, education=e, min_age=a) for k, (s, i, e, a) in rows.items()
    }


class PeopleParams(Params):
    gender_mix: GENDER.mix() = Field(
        {"Female": 0.51, "Male": 0.47, "Other": 0.02}, description="Gender of people."
    )
    age_bands: shares(AGE_BAND.each(AgeBand)) = Field(
        default_factory=_age_bands,
        description="Age at the end date, by band: share, students and retirees.",
    )
    education: EDUCATION.mix() = Field(
        # Census Bureau, Current Population Survey 2022: highest level among adults 25+
        {
            "Less than High School": 0.09,
            "High School": 0.28,
            "Some College": 0.25,
            "Bachelor's": 0.24,
            "Graduate": 0.14,
        },
        description="Highest education of adults old enough to have finished it (bachelor's "
        "from 22, graduate degrees from 24; younger people have at most some college).",
    )
    unemployed_rate: Probability = Field(0.045, description="Share unemployed.")
    occupations: shares(dict[Label, Occupation]) = Field(
        default_factory=_jobs,
        description="Working occupations: share, median income at the career peak, and the "
        "education and age a job needs (only people who have both hold it).",
    )
    student_income: Positive = Field(14_000, description="Median income of students.")
    retired_income: Positive = Field(42_000, description="Median income of retirees.")
    unemployed_income: Positive = Field(11_000, description="Median income of the unemployed.")
    income_sigma: float = Field(0.45, ge=0, description="Log-normal spread of income inside a job.")
    income_peak_age: float = Field(50.0, ge=18, le=90, description="Income rises to this age.")
    income_age_width: Positive = Field(
        24.0, description="Ages from the peak at which income is about 60% of the peak."
    )
    score_gap_median: Positive = Field(
        118.0,
        description="Credit score distribution: median of (850 - credit score) for an average "
        "person. The gap to the top is log-normal, so scores are left-skewed with a mean "
        "near 700; a smaller gap raises scores.",
    )
    score_gap_sigma: float = Field(
        0.8, ge=0, le=3, description="Credit score distribution: spread of the gap (log scale)."
    )
    score_income_weight: float = Field(
        0.45, ge=0, le=1, description="Weight of income in credit quality."
    )
    score_age_weight: float = Field(0.3, ge=0, le=1, description="Weight of age in credit quality.")

    @model_validator(mode="after")
    def _someone_works(self) -> PeopleParams:
        youngest = min(o.min_age for o in self.occupations.values())
        if youngest > 25:
            raise ValueError("occupations: at least one job must take people of 25 or younger")
        return self
