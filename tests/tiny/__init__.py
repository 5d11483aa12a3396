"""tiny_analytics: a domain of two tables and one reference, declared in one folder.

What a domain needs: its tables (here with the plugin API's helpers), a type of parameters
(pydantic, defaults for everything), optionally behaviour checks and a history window, and
one registry entry: `registry.register("tiny", "tests.tiny")` in a test, or an entry point
`tiny = "tests.tiny"` in the group `fakehouse.domains` (tests/test_domains.py does both).
"""

from datetime import date

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict

from fakehouse.plugin import (
    Column,
    Domain,
    Table,
    arrow,
    days_after,
    history_window,
    popular,
    rows,
)


class History(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    end_date: date = date(2025, 12, 31)
    years: int = 2


class TinyParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    history: History = History()
    dog_share: float = 0.6


def since(ctx, owner):
    """The day an owner was first seen: a fact pets re-derive from the owner's index."""
    w = ctx.window
    return days_after(ctx.stream("owners", "since").uniform(owner), w.start_day, w.end_day)


def owners(ctx, start, stop, first_row):
    r = np.arange(start, stop)
    return {"owner_id": OWNERS.ids(r), "since": arrow.dates(since(ctx, r))}


def pets(ctx, start, stop, first_row):
    r = np.arange(start, stop)
    s = lambda column: ctx.stream("pets", column)  # noqa: E731
    owner = popular(ctx, "owners", s("owner"), r, skew=1.1)
    dog = s("species").uniform(r) < ctx.params.dog_share
    adopted = days_after(s("adopted").uniform(r), since(ctx, owner), ctx.window.end_day, 30)
    return {
        "pet_id": PETS.ids(r),
        "owner_id": OWNERS.ids(owner),
        "species": arrow.labels(("Cat", "Dog"), dog.astype(np.int64)),
        "adopted": arrow.dates(adopted),
    }


OWNERS = Table(
    name="owners",
    description="People with pets.",
    base_rows=300,
    block=owners,
    primary_key=("owner_id",),
    columns=(
        Column("owner_id", pa.string(), "Owner key.", unique=True, id_prefix="OWN"),
        Column("since", pa.date32(), "First seen."),
    ),
)
PETS = Table(
    name="pets",
    description="Their pets.",
    base_rows=1_000,
    block=pets,
    primary_key=("pet_id",),
    parents=("owners",),
    columns=(
        Column("pet_id", pa.string(), "Pet key.", unique=True, id_prefix="PET"),
        Column("owner_id", pa.string(), "The owner.", references="owners.owner_id"),
        Column("species", pa.string(), "Cat or Dog."),
        Column("adopted", pa.date32(), "On or after the owner was first seen."),
    ),
)


def checks(params: TinyParams) -> list:
    return [
        rows(
            "pets.adopted_after_owner",
            "pets",
            "a pet is adopted on or after its owner was first seen, inside the window",
            "adopted BETWEEN {start} AND {end} AND adopted >= "
            "(SELECT o.since FROM {s}.owners AS o WHERE o.owner_id = t.owner_id)",
        )
    ]


DOMAIN = Domain(
    name="tiny",
    schema="tiny_analytics",
    description="Owners and their pets: the smallest domain there is.",
    tables=(OWNERS, PETS),
    params_type=TinyParams,
    checks=checks,
    window=history_window,
)
