"""retail_analytics.employees: store staff in a hierarchy, head counts by floor area.

Employee s < S (S stores) manages store s. The other employees are laid out store by store:
every store gets `min_staff` of them, the rest go by floor area (a fulfilment centre counts
as a large floor), so a flagship has several times an express store's staff. A store's
first staff member is its assistant manager when its head count reaches `assistant_from`,
the next one works the checkout; staff report to the assistant, or to the manager where
there is none. The layout is a prefix sum over the stores (one int per store, built once
per worker), so an employee's store is a binary search away and a store's staff are a
contiguous range.

Hire dates descend the hierarchy (manager, then assistant, then staff) and stay on or
before a closed store's closing date, so the hierarchy is a forest and nobody is hired
before their manager; everyone at a closed store leaves by its closing date. The manager,
the assistant and the first checkout worker are hired for the store's opening and stay while
it trades, so every store always has someone at the till.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow, people
from fakehouse.core.distributions import Categorical
from fakehouse.core.segments import apportion, starts
from fakehouse.core.table import Column, Context, Table
from fakehouse.core.timeline import uniform_days
from fakehouse.domains.retail import stores

NAME = "employees"
MANAGER, ASSISTANT, TILL, STAFF = 0, 1, 2, 3
NEVER = stores.NEVER


def ids(idx: np.ndarray) -> pa.Array:
    return TABLE.ids(idx)


def _store_count(ctx: Context) -> int:
    return ctx.sizes[stores.NAME]


@dataclass(frozen=True)
class Layout:
    """Staff (employees besides the managers) per store: store s holds employees
    S + start[s] .. S + start[s] + count[s] - 1."""

    start: np.ndarray
    count: np.ndarray


def layout(ctx: Context) -> Layout:
    def build() -> Layout:
        n_stores = _store_count(ctx)
        staff = max(ctx.sizes[NAME] - n_stores, 0)
        base = apportion(min(ctx.params.employees.min_staff * n_stores, staff), np.ones(n_stores))
        area = stores.floor_area(ctx, np.arange(n_stores, dtype=np.int64)).astype(np.float64)
        count = base + apportion(staff - int(base.sum()), area)
        return Layout(starts(count), count)

    return ctx.cached("employees.layout", build)


def store_of(ctx: Context, e: np.ndarray) -> np.ndarray:
    n_stores = _store_count(ctx)
    staff = np.searchsorted(layout(ctx).start, e - n_stores, side="right") - 1
    return np.where(e < n_stores, e, staff)


def staff_count(ctx: Context, store: np.ndarray) -> np.ndarray:
    """Employees of each store (the manager included)."""
    return 1 + layout(ctx).count[store]


def _has_assistant(ctx: Context, store: np.ndarray) -> np.ndarray:
    return staff_count(ctx, store) >= ctx.params.employees.assistant_from


def _assistant(ctx: Context, store: np.ndarray) -> np.ndarray:
    """Employee index of each store's assistant manager (its first staff member)."""
    return _store_count(ctx) + layout(ctx).start[store]


def _till(ctx: Context, store: np.ndarray) -> np.ndarray:
    """Employee index of each store's first checkout worker (after the assistant, if any)."""
    return _assistant(ctx, store) + _has_assistant(ctx, store)


@dataclass(frozen=True)
class Staff:
    """Employees with their store and role, worked out once for the facts derived from them."""

    e: np.ndarray
    store: np.ndarray
    role: np.ndarray  # MANAGER, ASSISTANT, TILL (the store's first checkout worker) or STAFF

    def __getitem__(self, rows: np.ndarray) -> Staff:
        return Staff(self.e[rows], self.store[rows], self.role[rows])


def staff(ctx: Context, e: np.ndarray, store: np.ndarray | None = None) -> Staff:
    """Employees `e` (pass their stores when known: saves a search)."""
    e = np.asarray(e, dtype=np.int64)
    store = store_of(ctx, e) if store is None else store
    has = layout(ctx).count[store] > 0
    assistant = (e == _assistant(ctx, store)) & _has_assistant(ctx, store)
    till = (e == _till(ctx, store)) & has & (store >= stores.online_count(ctx))
    r = np.select([e < _store_count(ctx), assistant, till], [MANAGER, ASSISTANT, TILL], STAFF)
    return Staff(e, store, r)


def member(ctx: Context, store: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The k-th employee of each store (0 = the manager), k < staff_count(store)."""
    return np.where(k == 0, store, _assistant(ctx, store) + k - 1)


def pick(ctx: Context, store: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A uniformly chosen employee of each store."""
    return member(ctx, store, np.floor(u * staff_count(ctx, store)).astype(np.int64))


def _positions(ctx: Context) -> tuple[Categorical, Categorical]:
    p = ctx.params.employees
    in_store = Categorical.of({k: v.share for k, v in p.positions.items()})
    at_web = Categorical.of({k: v.share for k, v in p.online_positions.items()})
    return in_store, at_web


def position(ctx: Context, who: Staff) -> np.ndarray:
    """Code of each employee's position: 0 store manager, 1 assistant manager, then the
    in-store positions, then the online ones (the order of `titles`). A store's first checkout
    worker holds the position of the largest checkout weight, so that even the smallest store
    has someone at the till."""
    p = ctx.params.employees
    in_store, at_web = _positions(ctx)
    r = who.role
    online = who.store < stores.online_count(ctx)
    till = int(np.argmax([x.checkout for x in p.positions.values()]))
    u = ctx.stream(NAME, "position").uniform(who.e)
    return np.select(
        [r == MANAGER, r == ASSISTANT, r == TILL, online],
        [0, 1, 2 + till, 2 + len(in_store.values) + at_web.sample(u)],
        2 + in_store.sample(u),
    )


def checkout_weight(ctx: Context, who: Staff) -> np.ndarray:
    """Each employee's relative chance of ringing up a sale, over the largest (0..1)."""
    p = ctx.params.employees
    weights = np.array(
        [
            p.manager_checkout,
            p.assistant_checkout,
            *(x.checkout for x in p.positions.values()),
            *(0.0 for _ in p.online_positions),
        ]
    )
    return weights[position(ctx, who)] / weights.max()


def _hired_after(ctx: Context, base: np.ndarray, e: np.ndarray, last: np.ndarray) -> np.ndarray:
    u = ctx.stream(NAME, "hire_date").uniform(e) ** 1.5  # most staff joined soon after
    return np.where(base >= last, base, uniform_days(u, base, last))


def hire_day(ctx: Context, who: Staff) -> np.ndarray:
    store, r = who.store, who.role
    lead = ctx.stream(NAME, "manager_lead").integers(store, 30, 400)
    known = stores.profile(ctx)
    opening = known.opening[store]
    manager = opening - lead
    last = np.minimum(ctx.window.end_day - 14, known.closing[store])
    assistant = _hired_after(ctx, manager, _assistant(ctx, store), np.minimum(last, opening))
    boss = np.where(_has_assistant(ctx, store), assistant, manager)
    till = _hired_after(ctx, boss, who.e, np.maximum(boss, opening))
    others = _hired_after(ctx, boss, who.e, last)
    return np.select([r == MANAGER, r == ASSISTANT, r == TILL], [manager, assistant, till], others)


def termination_day(ctx: Context, who: Staff, hire: np.ndarray) -> np.ndarray:
    """Last working day of staff who left, and of everyone at a closed store (its closing
    day at the latest); NEVER for active employees."""
    end = ctx.window.end_day
    left = (
        (who.role == STAFF)
        & (ctx.stream(NAME, "left").uniform(who.e) >= ctx.params.employees.active_rate)
        & (hire + 30 < end)
    )
    day = uniform_days(ctx.stream(NAME, "termination_date").uniform(who.e), hire + 30, end - 1)
    return np.minimum(np.where(left, day, NEVER), stores.profile(ctx).closing[who.store])


def at_work(ctx: Context, who: Staff, day: np.ndarray) -> np.ndarray:
    """Whether each employee works on `day`, a day their store trades: the managers and the
    first checkout worker always do (hired for the opening, staying while it trades); other
    staff between their hire and termination days."""
    work = who.role != STAFF
    staff = np.flatnonzero(~work)
    hire = hire_day(ctx, who[staff])
    leave = termination_day(ctx, who[staff], hire)
    work[staff] = (hire <= day[staff]) & (day[staff] <= leave)
    return work


def manager_of(ctx: Context, who: Staff) -> np.ndarray:
    """0-based manager, -1 for store managers (the roots of the forest)."""
    store = who.store
    boss = np.where(_has_assistant(ctx, store), _assistant(ctx, store), store)
    return np.select([who.role == MANAGER, who.role == ASSISTANT], [-1, store], boss)


def block(ctx: Context, start: int, stop: int, first_row: int) -> dict:
    p = ctx.params.employees
    e = np.arange(start, stop, dtype=np.int64)
    s = lambda column: ctx.stream(NAME, column)  # noqa: E731
    who = staff(ctx, e)
    r = who.role
    in_store, at_web = _positions(ctx)
    jobs = [*p.positions.values(), *p.online_positions.values()]
    titles = ("Store Manager", "Assistant Store Manager", *in_store.values, *at_web.values)
    departments = ("Management", "Management", *(x.department for x in jobs))
    medians = (p.store_manager_salary, p.assistant_manager_salary, *(x.salary for x in jobs))
    code = position(ctx, who)
    kinds = Categorical.of(p.employment_mix)
    kind = np.where(r == STAFF, kinds.sample(s("employment_type").uniform(e)), 0)
    part_time = np.isin(np.asarray(kinds.values)[kind], ("Part-time", "Seasonal"))
    salary = np.asarray(medians)[code] * np.exp(p.salary_sigma * s("salary").normal(e))
    salary = np.where(part_time, salary * p.part_time_factor, salary)
    hire = hire_day(ctx, who)
    leave = termination_day(ctx, who, hire)
    manager = manager_of(ctx, who)
    return {
        "employee_id": ids(e),
        "first_name": people.first_names(s("gender").uniform(e) < 0.5, s("first_name").uniform(e)),
        "last_name": people.last_names(s("last_name").uniform(e)),
        "department": arrow.labels(departments, code),
        "position": arrow.labels(titles, code),
        "hire_date": arrow.dates(hire),
        "salary": arrow.money(np.round(salary / 10).astype(np.int64) * 1_000),
        "store_id": stores.ids(who.store),
        "manager_id": arrow.null_where(ids(np.maximum(manager, 0)), manager < 0),
        "employment_type": arrow.labels(kinds.values, kind),
        "is_active": leave == NEVER,
        "termination_date": arrow.dates(np.where(leave == NEVER, 0, leave), mask=leave == NEVER),
    }


TABLE = Table(
    name=NAME,
    description="Store staff by floor area: a manager, an assistant manager in larger stores, "
    "and associates.",
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
            "store_id",
            pa.string(),
            "Store the employee works at; larger stores have more staff.",
            references="stores.store_id",
        ),
        Column(
            "manager_id",
            pa.string(),
            "Direct manager; null for store managers.",
            nullable=True,
            references="employees.employee_id",
        ),
        Column("employment_type", pa.string(), "Full-time, Part-time, Seasonal or Contract."),
        Column("is_active", pa.bool_(), "Still employed (never at a closed store)."),
        Column(
            "termination_date",
            pa.date32(),
            "Last day of leavers, by a closed store's closing date; null iff active.",
            nullable=True,
        ),
    ),
)
