"""retail_analytics.employees: store staff in a three-level hierarchy.

Employee e works at store e mod S (S stores). Employee s < S manages store s, employee S + s
is its assistant manager, the rest report to the assistant. Hire dates descend the hierarchy
(manager, then assistant, then staff), so the hierarchy is a forest and nobody is hired
before their manager. Store managers are hired before their store opens and stay active, so
every store always has someone to ring up a sale.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, people
from fakehouse.core.distributions import Categorical
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.retail import stores

NAME = "employees"
MANAGER, ASSISTANT, STAFF = 0, 1, 2
NEVER = stores.NEVER


def ids(idx: np.ndarray) -> pa.Array:
    return TABLE.ids(idx)


def _store_count(ctx: Context) -> int:
    return ctx.sizes[stores.NAME]


def store_of(ctx: Context, e: np.ndarray) -> np.ndarray:
    return e % _store_count(ctx)


def role(ctx: Context, e: np.ndarray) -> np.ndarray:
    return np.minimum(e // _store_count(ctx), STAFF)


def staff_count(ctx: Context, store: np.ndarray) -> np.ndarray:
    """Employees of each store (the manager included)."""
    return (ctx.sizes[NAME] - 1 - store) // _store_count(ctx) + 1


def pick(ctx: Context, store: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A uniformly chosen employee of each store."""
    k = np.floor(u * staff_count(ctx, store)).astype(np.int64)
    return store + k * _store_count(ctx)


def _hired_after(ctx: Context, base: np.ndarray, e: np.ndarray) -> np.ndarray:
    last = ctx.window.end_day - 14
    u = ctx.stream(NAME, "hire_date").uniform(e) ** 1.5  # most staff joined soon after
    return np.where(base >= last, base, uniform_days(u, base, last))


def hire_day(ctx: Context, e: np.ndarray) -> np.ndarray:
    store = store_of(ctx, e)
    r = role(ctx, e)
    lead = ctx.stream(NAME, "manager_lead").integers(store, 30, 400)
    manager = stores.opening_day(ctx, store) - lead
    assistant = _hired_after(ctx, manager, store + _store_count(ctx))
    staff = _hired_after(ctx, assistant, e)
    return np.select([r == MANAGER, r == ASSISTANT], [manager, assistant], staff)


def termination_day(ctx: Context, e: np.ndarray, hire: np.ndarray | None = None) -> np.ndarray:
    """Last working day of staff who left; NEVER for active employees."""
    hire = hire_day(ctx, e) if hire is None else hire
    end = ctx.window.end_day
    left = (
        (role(ctx, e) == STAFF)
        & (ctx.stream(NAME, "left").uniform(e) >= ctx.params.employees.active_rate)
        & (hire + 30 < end)
    )
    day = uniform_days(ctx.stream(NAME, "termination_date").uniform(e), hire + 30, end - 1)
    return np.where(left, day, NEVER)


def manager_of(ctx: Context, e: np.ndarray) -> np.ndarray:
    """0-based manager, -1 for store managers (the roots of the forest)."""
    store = store_of(ctx, e)
    return np.select(
        [role(ctx, e) == MANAGER, role(ctx, e) == ASSISTANT], [-1, store], store + _store_count(ctx)
    )


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.employees
    e = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    r = role(ctx, e)
    online = store_of(ctx, e) < stores.online_count(ctx)
    in_store = Categorical.of({k: v.share for k, v in p.positions.items()})
    at_web = Categorical.of({k: v.share for k, v in p.online_positions.items()})
    staff = [*p.positions.values(), *p.online_positions.values()]
    titles = ("Store Manager", "Assistant Store Manager", *in_store.values, *at_web.values)
    departments = ("Management", "Management", *(x.department for x in staff))
    medians = (p.store_manager_salary, p.assistant_manager_salary, *(x.salary for x in staff))
    u = s("position").uniform(e)
    position = np.select(
        [r == MANAGER, r == ASSISTANT, online],
        [0, 1, 2 + len(in_store.values) + at_web.sample(u)],
        2 + in_store.sample(u),
    )
    kinds = Categorical.of(p.employment_mix)
    kind = np.where(r == STAFF, kinds.sample(s("employment_type").uniform(e)), 0)
    part_time = np.isin(np.asarray(kinds.values)[kind], ("Part-time", "Seasonal"))
    salary = np.asarray(medians)[position] * np.exp(p.salary_sigma * s("salary").normal(e))
    salary = np.where(part_time, salary * p.part_time_factor, salary)
    hire = hire_day(ctx, e)
    leave = termination_day(ctx, e, hire)
    manager = manager_of(ctx, e)
    return {
        "employee_id": ids(e),
        "first_name": people.first_names(s("gender").uniform(e) < 0.5, s("first_name").uniform(e)),
        "last_name": people.last_names(s("last_name").uniform(e)),
        "department": arrow.labels(departments, position),
        "position": arrow.labels(titles, position),
        "hire_date": arrow.dates(hire),
        "salary": arrow.money(np.round(salary / 10).astype(np.int64) * 1_000),
        "store_id": stores.ids(store_of(ctx, e)),
        "manager_id": arrow.null_where(ids(np.maximum(manager, 0)), manager < 0),
        "employment_type": arrow.labels(kinds.values, kind),
        "is_active": leave == NEVER,
        "termination_date": arrow.dates(np.where(leave == NEVER, 0, leave), mask=leave == NEVER),
    }


TABLE = Table(
    name=NAME,
    description="Store staff: a manager, an assistant manager and associates per store.",
    base_rows=2_000,
    block=block,
    primary_key=("employee_id",),
    parents=("stores",),
    columns=(
        Column(
            "employee_id",
            pa.string(),
            "Employee key, EMP + 9 digits, dense from 1.",
            unique=True,
            id_prefix="EMP",
        ),
        Column("first_name", pa.string(), "Given name."),
        Column("last_name", pa.string(), "Family name."),
        Column("department", pa.string(), "Management, Sales, Operations, ..."),
        Column("position", pa.string(), "Job title; salary follows it."),
        Column("hire_date", pa.date32(), "Not before the manager's hire date."),
        Column("salary", arrow.MONEY, "Annual salary; part-time and seasonal earn less."),
        Column(
            "store_id", pa.string(), "Store the employee works at.", references="stores.store_id"
        ),
        Column(
            "manager_id",
            pa.string(),
            "Direct manager; null for store managers.",
            nullable=True,
            references="employees.employee_id",
        ),
        Column("employment_type", pa.string(), "Full-time, Part-time, Seasonal or Contract."),
        Column("is_active", pa.bool_(), "Still employed."),
        Column(
            "termination_date", pa.date32(), "Last day of leavers; null iff active.", nullable=True
        ),
    ),
)
