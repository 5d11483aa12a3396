"""People: names, addresses and contacts from the shipped reference data, and the person
model both domains share.

A person is a number; every fact of theirs is drawn from streams named `people` and keyed by
that number, so the bank and the retailer derive the same name, birth date, education,
occupation, income, credit score, address and contact for the same person, and a customer
id present in both domains is one person. Everything is vectorised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fakehouse.core import arrow, reference
from fakehouse.core.rng import Stream


def first_names(female: np.ndarray, u: np.ndarray) -> pa.Array:
    """Given names by real frequency, from the female or male table per row."""
    f, m = reference.first_names("F"), reference.first_names("M")
    return arrow.where(female, arrow.take(f.values, f.sample(u)), arrow.take(m.values, m.sample(u)))


def last_names(u: np.ndarray) -> pa.Array:
    vocab = reference.last_names()
    return arrow.take(vocab.values, vocab.sample(u))


def street_addresses(stream: Stream, index: np.ndarray, max_number: int = 9_999) -> pa.Array:
    """'1234 Oak St': house numbers log-uniform (short numbers are common), real street names."""
    streets, suffixes = reference.street_names(), reference.street_suffixes()
    house = np.exp(stream.child("number").uniform(index) * np.log(max_number)).astype(np.int64)
    return arrow.join(
        arrow.number_strings(house + 1),
        arrow.take(streets.values, streets.sample(stream.child("street").uniform(index))),
        arrow.take(suffixes.values, suffixes.sample(stream.child("suffix").uniform(index))),
        sep=" ",
    )


def emails(
    first: pa.Array, last: pa.Array, number: np.ndarray, domains: tuple[str, ...], pick: np.ndarray
) -> pa.Array:
    """Unique addresses first.last<number>@domain (number makes them unique; `pick` indexes
    `domains`)."""
    local = pc.replace_substring_regex(
        pc.utf8_lower(arrow.join(first, last, sep=".")), r"[^a-z.]", ""
    )
    return arrow.join(local, arrow.number_strings(number), "@", arrow.labels(domains, pick))


def phones(area_codes: pa.Array, line: np.ndarray) -> pa.Array:
    """Real area code, fictional 555-01xx line (reserved for fiction: reaches nobody)."""
    return arrow.join(area_codes, "-555-01", arrow.number_strings(line, width=2))


# --- the person model both domains share ----------------------------------------------------

#: highest education, least first (Census Bureau categories)
EDUCATIONS = ("Less than High School", "High School", "Some College", "Bachelor's", "Graduate")
#: youngest age at which a level can be reached (high school at 18, some college at 19, a
#: bachelor's degree at 22, a graduate degree at 24)
EDUCATION_AGE = np.array([0.0, 18.0, 19.0, 22.0, 24.0])
STUDENT, RETIRED, UNEMPLOYED = "Student", "Retired", "Unemployed"
ADULT_DAYS = int(18 * 365.25)
#: streams of the person model: keyed by a person's number in every domain
PEOPLE = "people"


def occupation_labels(params) -> tuple[str, ...]:
    """Jobs of `params.occupations`, then Student, Retired and Unemployed."""
    return (*params.occupations, STUDENT, RETIRED, UNEMPLOYED)


@dataclass(frozen=True)
class Persons:
    """The facts of people `number` that every domain shows the same."""

    number: np.ndarray
    female: np.ndarray  # given names from the female table
    gender: np.ndarray  # index into params.gender_mix
    age: np.ndarray  # years at the end date (float)
    band: np.ndarray  # index into params.age_bands
    birth_day: np.ndarray
    education: np.ndarray  # index into EDUCATIONS
    occupation: np.ndarray  # index into occupation_labels(params)
    income: np.ndarray  # dollars, rounded to $100
    quality: np.ndarray  # credit quality (standard normal-ish)
    credit_score: np.ndarray

    occupation_count: int  # working occupations: codes from it are Student, Retired, Unemployed

    @property
    def has_job(self) -> np.ndarray:
        return self.occupation < self.occupation_count

    @property
    def student(self) -> np.ndarray:
        return self.occupation == self.occupation_count

    @property
    def retired(self) -> np.ndarray:
        return self.occupation == self.occupation_count + 1


def _bands(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    low = np.array([float(b.split("-")[0]) for b in labels])
    high = np.array([float(b.split("-")[1]) + 1 for b in labels])
    return low, high


def ages(root: Stream, params, number: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(age band, age in years at the end date) of people `number`: cheap, for callers that
    need no more (a sign-up must come after the 18th birthday)."""
    s = root.child(PEOPLE)
    bands = params.age_bands
    low, high = _bands(tuple(bands))
    cum = np.cumsum([b.share for b in bands.values()])
    band = np.minimum(
        np.searchsorted(cum / cum[-1], s.child("age_band").uniform(number)), len(cum) - 1
    )
    return band, low[band] + s.child("age").uniform(number) * (high[band] - low[band])


def birth_days(root: Stream, params, end_day: int, number: np.ndarray) -> np.ndarray:
    """Birth day (epoch day) of people `number`: 18 or older on the day before `end_day`."""
    _, age = ages(root, params, number)
    birth = end_day - np.floor(age * 365.25).astype(np.int64)
    return np.minimum(birth, end_day - ADULT_DAYS - 1)


def persons(root: Stream, params, end_day: int, number: np.ndarray) -> Persons:
    """Every shared fact of people `number` (any numbers, any order): age, then education
    given age, occupation given age and education, income from occupation and age
    (log-normal, rising to mid-career), a credit quality driven by income and age, and a
    credit score of 850 minus a log-normal gap (left-skewed, mean near 700).

    `root` is the warehouse seed's root stream and `params` the `people` parameters (any
    object with their fields: core knows no parameter types)."""
    p = params
    number = np.asarray(number, dtype=np.int64)
    s = lambda column: root.child(PEOPLE, column)  # noqa: E731
    band, age = ages(root, p, number)
    birth = birth_days(root, p, end_day, number)

    genders = tuple(p.gender_mix)
    g_cum = np.cumsum(list(p.gender_mix.values()))
    gender = np.minimum(
        np.searchsorted(g_cum / g_cum[-1], s("gender").uniform(number)), len(g_cum) - 1
    )
    female = np.asarray([g == "Female" for g in genders])[gender]
    other = np.asarray([g not in ("Female", "Male") for g in genders])[gender]
    female |= other & (s("gender_names").uniform(number) < 0.5)

    # education: the mix of finished levels, capped by what the age allows
    e_cum = np.cumsum([p.education[e] for e in EDUCATIONS])
    education = np.minimum(np.searchsorted(e_cum / e_cum[-1], s("education").uniform(number)), 4)
    reachable = (age[:, None] >= EDUCATION_AGE[None, :]).sum(axis=1) - 1
    education = np.minimum(education, reachable)

    # occupation given age and education: a job only for those old and schooled enough; a
    # job's weight is raised by how few qualify, so the shares among workers stay as set
    jobs = list(p.occupations.values())
    n_jobs = len(jobs)
    need = np.array([EDUCATIONS.index(j.education) for j in jobs])
    e_share = np.array([p.education[e] for e in EDUCATIONS])
    reach = np.array([e_share[n:].sum() for n in range(len(EDUCATIONS))]) / e_share.sum()
    weight = np.array([j.share for j in jobs]) / np.maximum(reach[need], 1e-9)
    fits = (education[:, None] >= need[None, :]) & (
        age[:, None] >= np.array([j.min_age for j in jobs])[None, :]
    )
    w = np.where(fits, weight[None, :], 0.0)
    total = w.sum(axis=1)
    cum = np.cumsum(w, axis=1) / np.maximum(total, 1e-300)[:, None]
    job = np.minimum((cum < s("job").uniform(number)[:, None]).sum(axis=1), n_jobs - 1)
    student_p = np.array([b.student_rate for b in p.age_bands.values()])[band]
    retired_p = np.array([b.retired_rate for b in p.age_bands.values()])[band]
    u = s("occupation").uniform(number)
    occupation = np.select(
        [
            u < retired_p,
            u < retired_p + student_p,
            (u < retired_p + student_p + p.unemployed_rate) | (total <= 0),
        ],
        [n_jobs + 1, n_jobs, n_jobs + 2],
        job,
    )
    has_job = occupation < n_jobs
    retired = occupation == n_jobs + 1

    # income: log-normal around the job's median, shaped by age
    peak = np.array([j.income for j in jobs] + [0, 0, 0])[occupation]
    curve = np.exp(-0.5 * ((np.minimum(age, 67) - p.income_peak_age) / p.income_age_width) ** 2)
    median = np.select(
        [occupation == n_jobs, retired, occupation == n_jobs + 2],
        [p.student_income, p.retired_income, p.unemployed_income],
        peak * curve,
    )
    income = np.round(median * np.exp(p.income_sigma * s("income").normal(number)) / 100) * 100
    income = np.maximum(income, 1_000)

    # credit quality: income (relative to the population) and age, plus a personal part;
    # students' and retirees' incomes say little about how they handle credit
    rel_income = np.clip((np.log(income) - np.log(60_000)) / 0.75, -1.0, 2.0)
    rel_income = np.where(has_job, rel_income, np.where(retired, 0.3, -0.4))
    age_std = (age - 47) / 17
    personal = np.sqrt(max(1 - p.score_income_weight**2 - p.score_age_weight**2, 0.05))
    quality = (
        p.score_income_weight * rel_income
        + p.score_age_weight * age_std
        + personal * s("credit").normal(number)
    )
    gap = p.score_gap_median * np.exp(-p.score_gap_sigma * quality)
    score = np.round(850 - 550 * np.tanh(gap / 550)).astype(np.int64)
    return Persons(
        number,
        female,
        gender,
        age,
        band,
        birth,
        education,
        occupation,
        income,
        quality,
        score,
        n_jobs,
    )


@dataclass(frozen=True)
class Contact:
    """Name, street address, email and phone of people (Arrow arrays)."""

    first_name: pa.Array
    last_name: pa.Array
    address: pa.Array
    email: pa.Array
    phone: pa.Array


def contact(
    root: Stream,
    people: Persons,
    place: np.ndarray,
    email_domains: Mapping[str, float],
) -> Contact:
    """Name, street, email and phone of `people` living at `place` (index into
    `reference.places()`): the same for a person in every domain. Emails are unique (they
    carry the person's number)."""
    s = lambda column: root.child(PEOPLE, column)  # noqa: E731
    number = people.number
    first = first_names(people.female, s("first_name").uniform(number))
    last = last_names(s("last_name").uniform(number))
    domains = tuple(email_domains)
    d_cum = np.cumsum(list(email_domains.values()))
    pick = np.minimum(
        np.searchsorted(d_cum / d_cum[-1], s("email_domain").uniform(number)), len(domains) - 1
    )
    return Contact(
        first,
        last,
        street_addresses(s("address"), number),
        emails(first, last, number + 1, domains, pick),
        phones(
            arrow.take(reference.places().area_code, place), s("phone").integers(number, 0, 100)
        ),
    )


def place_draws(root: Stream, number: np.ndarray) -> np.ndarray:
    """Uniform draws that pick people's home places (a domain maps them through its state
    mix: the same mix, the same home)."""
    return root.child(PEOPLE, "place").uniform(number)
