"""The building blocks of every domain's parameters, and the one error that lists their faults.

A domain's parameters are one frozen pydantic model with a nested model per entity; every
model forbids unknown keys. What the blocks promise:

- a key of a `Vocabulary` (a state code, a segment, a typology) is checked against the
  vocabulary, and a mapping keyed by one is kept in the vocabulary's order whatever order
  it was given in: generators sample codes by position, so a reordered mix must not
  relabel what it samples;
- a mix (label -> weight) has weights >= 0 and a positive sum (it is normalised where used);
- a range is (low, high) with low <= high; a probability lies in [0, 1]; no NaN or infinity;
- dates exist (an ISO string or a date); the history window spans 1 to 20 years.

`Params.validate(data)` reports every fault at once, each with its dotted path
(`customers.state_mix.top.XX: unknown state code`), as a `ParamsError`.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import cached_property
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from fakehouse.core.table import MAX_MULTIPLIER
from fakehouse.core.timeline import HOLIDAYS, years_before
from fakehouse.errors import UserError


class ParamsError(UserError):
    """Parameters a domain rejects: every problem, each as (dotted path, message)."""

    def __init__(self, problems: list[tuple[str, str]], source: str = "parameters") -> None:
        self.problems = problems
        self.source = source
        super().__init__(self._text())

    def _text(self) -> str:
        if len(self.problems) == 1:
            path, message = self.problems[0]
            return f"{self.source}: {path}: {message}" if path else f"{self.source}: {message}"
        lines = [f"{self.source}: {len(self.problems)} problems"]
        lines += [
            f"  {path}: {message}" if path else f"  {message}" for path, message in self.problems
        ]
        return "\n".join(lines)

    def within(self, prefix: str, source: str | None = None) -> ParamsError:
        """The same problems under `prefix` (a domain's section of a file for several)."""
        return ParamsError(
            [(f"{prefix}.{p}" if p else prefix, m) for p, m in self.problems],
            source or self.source,
        )


class Params(BaseModel):
    """A frozen model that forbids unknown keys, NaN and infinity."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @classmethod
    def parse(cls, data: Any = None, context: Mapping[str, Any] | None = None):
        """`data` as this model, or a ParamsError listing every problem with its path."""
        return parse(cls, data, context)


def parse(model: type[BaseModel], data: Any = None, context: Mapping[str, Any] | None = None):
    """`data` as `model` (any pydantic model: a user's domain need not build on ours), or a
    ParamsError listing every problem with its path."""
    try:
        return model.model_validate({} if data is None else data, context=context)
    except ValidationError as exc:
        raise ParamsError(problems(exc, model)) from None


def problems(exc: ValidationError, model: type[BaseModel] | None = None) -> list[tuple[str, str]]:
    """(dotted path, message) of every error pydantic found, in the order of the input; what
    lies under an unknown key of a vocabulary is not reported again."""
    out = []
    errors = exc.errors(include_url=False)
    unknown = [
        ".".join(str(p) for p in e["loc"] if p != "[key]") + "."
        for e in errors
        if e["type"] == "vocabulary"
    ]
    for error in errors:
        path = ".".join(str(p) for p in error["loc"] if p != "[key]")
        if any(path.startswith(u) for u in unknown):
            continue
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key" + _suggestion(model, error["loc"])
        elif error["type"] == "missing":
            message = "missing"
        out.append((path, message))
    return out


def _suggestion(model: type[BaseModel] | None, loc: tuple) -> str:
    """'; did you mean X?' for a misspelt field name of a nested model."""
    for part in loc[:-1]:
        if model is None:
            return ""
        field = model.model_fields.get(str(part)) if isinstance(part, str) else None
        annotation = getattr(field, "annotation", None) if field else None
        model = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
    if model is None:
        return ""
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
    return f"; did you mean {close[0]}?" if close else ""


# --- scalars -------------------------------------------------------------------------------

Weight = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]
Probability = Annotated[float, Field(ge=0, le=1)]
Count = Annotated[int, Field(ge=1)]


def _ordered(pair: tuple) -> tuple:
    if pair[0] > pair[1]:
        raise PydanticCustomError(
            "range", "low {low} is above high {high}", {"low": pair[0], "high": pair[1]}
        )
    return pair


Range = Annotated[tuple[float, float], AfterValidator(_ordered)]
IntRange = Annotated[tuple[int, int], AfterValidator(_ordered)]
Share = Annotated[tuple[Probability, Probability], AfterValidator(_ordered)]


def _increasing(values: tuple) -> tuple:
    if any(b < a for a, b in itertools.pairwise(values)):
        raise PydanticCustomError("order", "must not decrease: {values}", {"values": list(values)})
    return values


def increasing(kind: Any) -> Any:
    """A tuple of `kind` that never decreases (thresholds, bounds)."""
    return Annotated[kind, AfterValidator(_increasing)]


def _positive_sum(mix: dict) -> dict:
    if mix and sum(mix.values()) <= 0:
        raise PydanticCustomError("weights", "weights must not all be 0", {})
    if not mix:
        raise PydanticCustomError("weights", "needs at least one label with a weight", {})
    return mix


def _some_share(models: dict) -> dict:
    if not models or sum(m.share for m in models.values()) <= 0:
        raise PydanticCustomError("shares", "shares must not all be 0", {})
    return models


def shares(models: Any) -> Any:
    """A mapping label -> model whose models have a `share`, at least one of them positive."""
    return Annotated[models, AfterValidator(_some_share)]


Label = Annotated[str, Field(min_length=1)]
#: a mix over labels of the user's choosing (their order is their own: labels travel with codes)
Mix = Annotated[dict[Label, Weight], AfterValidator(_positive_sum)]
#: a mix over whole numbers (units per line, ATM amounts, months of a term)
NumberMix = Annotated[dict[Annotated[int, Field(ge=1)], Weight], AfterValidator(_positive_sum)]


# --- vocabularies --------------------------------------------------------------------------


class Vocabulary:
    """The labels a mapping may be keyed by, in the order generators read them."""

    def __init__(self, what: str, values: Iterable[str] | Callable[[], Iterable[str]]) -> None:
        self.what = what
        self._values = values

    @cached_property
    def values(self) -> tuple[str, ...]:
        source = self._values() if callable(self._values) else self._values
        return tuple(str(v) for v in source)

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def _check_key(self, key: Any) -> str:
        key = str(key)
        if key not in self.values:
            shown = ", ".join(self.values)
            raise PydanticCustomError(
                "vocabulary",
                f"unknown {self.what} (choose from {shown})"
                if len(shown) < 160
                else f"unknown {self.what}",
                {},
            )
        return key

    def _canonical(self, mapping: dict) -> dict:
        return {k: mapping[k] for k in self.values if k in mapping}

    def _complete(self, mapping: dict) -> dict:
        missing = [k for k in self.values if k not in mapping]
        if missing:
            raise PydanticCustomError(
                "incomplete", "missing {missing}", {"missing": ", ".join(missing)}
            )
        return self._canonical(mapping)

    @property
    def key(self) -> Any:
        return Annotated[str, AfterValidator(self._check_key)]

    def mix(self) -> Any:
        """label -> weight over some of the vocabulary, in the vocabulary's order."""
        return Annotated[
            dict[self.key, Weight], AfterValidator(self._canonical), AfterValidator(_positive_sum)
        ]

    def each(self, value: Any) -> Any:
        """label -> `value` for every label of the vocabulary, in its order."""
        return Annotated[dict[self.key, value], AfterValidator(self._complete)]

    def some(self, value: Any) -> Any:
        """label -> `value` for some labels of the vocabulary, in its order."""
        return Annotated[dict[self.key, value], AfterValidator(self._canonical)]

    def array(self, mapping: Mapping[str, Any], default: Any = None) -> list:
        """The values of `mapping` in the vocabulary's order (`default` where missing)."""
        return [mapping.get(k, default) for k in self.values]


MONTHS = Vocabulary(
    "month", ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
)
WEEKDAYS = Vocabulary("weekday", ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
HOLIDAY_NAMES = Vocabulary("holiday", HOLIDAYS)


def _hour(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise PydanticCustomError("hour", "an hour is 0 to 23", {})
    hour = int(value)
    if not 0 <= hour <= 23:
        raise PydanticCustomError("hour", "an hour is 0 to 23", {})
    return hour


def _all_hours(mapping: dict) -> dict:
    missing = [h for h in range(24) if h not in mapping]
    if missing:
        raise PydanticCustomError("incomplete", "missing hours {missing}", {"missing": missing})
    ordered = {h: mapping[h] for h in range(24)}
    return _positive_sum(ordered)


#: weight of each hour 0..23 (every hour given)
ByHour = Annotated[dict[Annotated[int, AfterValidator(_hour)], Weight], AfterValidator(_all_hours)]
ByMonth = Annotated[MONTHS.each(Weight), AfterValidator(_positive_sum)]
ByWeekday = Annotated[WEEKDAYS.each(Weight), AfterValidator(_positive_sum)]


def hours(weights: Iterable[float]) -> dict[int, float]:
    return dict(enumerate(weights))


def months(weights: Iterable[float]) -> dict[str, float]:
    return dict(zip(MONTHS, weights, strict=True))


def weekdays(weights: Iterable[float]) -> dict[str, float]:
    return dict(zip(WEEKDAYS, weights, strict=True))


# --- the history window --------------------------------------------------------------------

MAX_YEARS = 20


class History(Params):
    """The history window: `years` whole years ending on `end_date`, or from `start_date`."""

    end_date: date = Field(
        date(2025, 12, 31), description="Last day of history (fixed, not today)."
    )
    start_date: date | None = Field(
        None,
        description="First day of history; when set, the window runs from it to end_date and "
        "`years` is not used.",
    )
    years: int = Field(
        3,
        ge=1,
        le=MAX_YEARS,
        description="Length of the history window in whole years (2-5 typical).",
    )

    @model_validator(mode="after")
    def _span(self) -> History:
        if self.start_date is not None:
            longest = years_before(self.end_date, MAX_YEARS)
            shortest = years_before(self.end_date, 1)
            if not longest <= self.start_date <= shortest:
                raise ValueError(
                    f"start_date {self.start_date} must be 1 to {MAX_YEARS} years before "
                    f"end_date {self.end_date} (from {longest} to {shortest})"
                )
        return self


# --- rows per table ------------------------------------------------------------------------


def _declared(info: ValidationInfo) -> Mapping[str, int] | None:
    return (info.context or {}).get("tables")


def _table_name(name: str, info: ValidationInfo) -> str:
    declared = _declared(info)
    if declared is not None and name not in declared:
        raise PydanticCustomError(
            "table",
            "not a table with its own row count (choose from {names})",
            {"names": ", ".join(declared)},
        )
    return name


class TableRows(Params):
    base_rows: Count = Field(
        description="Rows at multiplier 1 (the run makes base_rows x multiplier), "
        "independent of the multiplier."
    )


def _within_ids(tables: dict, info: ValidationInfo) -> dict:
    declared = _declared(info)
    for name, rows in tables.items():
        if declared and name in declared and rows.base_rows > declared[name] * MAX_MULTIPLIER:
            raise PydanticCustomError(
                "ids",
                "{name}: at most {limit} base rows (the size its ids are made for)",
                {"name": name, "limit": f"{declared[name] * MAX_MULTIPLIER:,}"},
            )
    return tables


Tables = Annotated[
    dict[Annotated[str, AfterValidator(_table_name)], TableRows], AfterValidator(_within_ids)
]


class DomainParams(Params):
    """What every domain's parameters hold: the rows per table and the history window.

    Validated with the context `{"tables": {name: declared base rows}}` (as
    `Domain`-aware callers do, see `fakehouse.config`), `tables` is checked against the
    domain's tables and filled with the declared rows of those not given.
    """

    tables: Tables = Field(
        default_factory=dict,
        description="Base rows per table (rows at multiplier 1); tables driven by another "
        "(transaction_items) follow it.",
    )

    @model_validator(mode="before")
    @classmethod
    def _declared_rows(cls, data: Any, info: ValidationInfo) -> Any:
        declared = _declared(info)
        if declared is None or not isinstance(data, Mapping):
            return data
        given = data.get("tables") or {}
        if not isinstance(given, Mapping):
            return data
        filled = {name: {"base_rows": rows} for name, rows in declared.items()}
        filled.update(given)
        return {**data, "tables": filled}

    def base_rows(self, table: str) -> int | None:
        rows = self.tables.get(table)
        return None if rows is None else rows.base_rows


# --- where customers live ------------------------------------------------------------------


def _state_codes() -> list[str]:
    from fakehouse.core import reference

    return reference.states().code.to_pylist()


STATES = Vocabulary("state code", _state_codes)


class StateMix(Params):
    """Home states of customers: some states with a share each, the rest by population."""

    top: STATES.some(Probability) = Field(
        default_factory=dict,
        description="Share of customers per listed state (two-letter codes), e.g. "
        "{CA: 0.2, TX: 0.2}.",
    )
    rest: str = Field(
        "population",
        pattern="^(population|none)$",
        description="The states not listed share what is left: 'population' (in proportion "
        "to their population) or 'none' (only the listed states, their shares normalised).",
    )

    @model_validator(mode="after")
    def _total(self) -> StateMix:
        total = sum(self.top.values())
        if self.rest == "population" and total > 1 + 1e-9:
            raise ValueError(f"the listed shares add up to {total:g}, more than 1")
        if self.rest == "none" and total <= 0:
            raise ValueError("rest: none needs listed states with a positive share")
        return self

    @property
    def is_population(self) -> bool:
        """The census mix (nothing listed): places are sampled by population directly."""
        return not self.top and self.rest == "population"

    def shares(self):
        """Share of each state of `reference.states()` (sorted by code), summing to 1."""
        import numpy as np

        from fakehouse.core import reference

        states = reference.states()
        codes = states.code.to_pylist()
        listed = np.array([c in self.top for c in codes])
        given = np.array([self.top.get(c, 0.0) for c in codes])
        if self.rest == "none":
            return given / given.sum()
        others = np.where(listed, 0.0, states.share)
        left = 1.0 - given.sum()
        spread = others * (left / others.sum()) if others.sum() > 0 else others
        shares = given + spread
        return shares / shares.sum()
