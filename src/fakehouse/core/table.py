"""The one shape every table has, and the context a block is generated in.

A table is declared once: name, description, columns (Arrow type, nullability, description,
the parent key a column references, an id prefix), primary key, base row count at
multiplier 1, parents, and `block(ctx, start, stop, first_row)`. Tables whose row count
depends on random counts per driver row (line items per sale, events per session) also give
`counts(ctx, start, stop)`; the planner then sums them first so that ids stay dense and
totals exact (two-pass tables).

The declaration is the table's whole contract: `core.contract` derives its generic checks
(columns, types, nulls, keys, references) and `fakehouse tables` its documentation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa

from fakehouse.core import arrow
from fakehouse.core.checks import Check, Report
from fakehouse.core.rng import Stream
from fakehouse.core.timeline import Window
from fakehouse.errors import UserError

#: IDs are padded wide enough for this multiplier, so an id's text never depends on `m`.
MAX_MULTIPLIER = 100_000


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = False
    #: every non-null value differs (checked); writers skip dictionary encoding for it
    unique: bool = False
    #: the parent key this column points at, "table.column" (a foreign key, checked)
    references: str | None = None
    #: values are this prefix + zero-padded numbers of one width, dense from 1 (checked):
    #: a primary key's ids, or the ids of something without a table of its own (sessions)
    id_prefix: str = ""
    #: values mostly differ from row to row (times, amounts, addresses, free text, references
    #: to many rows): stored without a Parquet dictionary, FSST-compressed in the catalog
    varied: bool = False

    def __post_init__(self) -> None:
        if self.references is not None and len(self.references.split(".")) != 2:
            raise ValueError(f"{self.name}: references must be 'table.column'")

    @property
    def parent(self) -> tuple[str, str] | None:
        """(table, column) this column references, if any."""
        if self.references is None:
            return None
        table, column = self.references.split(".")
        return table, column


Block = Callable[["Context", int, int, int], dict[str, Any]]
Counts = Callable[["Context", int, int], np.ndarray]


@dataclass(frozen=True)
class Table:
    """One table of a domain. `block` returns the columns of driver rows [start, stop).

    Driver rows are the table's own rows, or for a two-pass table the rows of `driver`
    (another table) or, without one, `base_rows` x multiplier units of its own (sessions).
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    #: rows at multiplier 1; for a table driven by another, its exact total at multiplier 1
    #: when the domain deals one out over the driver rows (0: no fixed total)
    base_rows: int
    block: Block
    #: the columns that identify a row (a single one is declared `unique`)
    primary_key: tuple[str, ...] = ()
    #: tables generated before this one, because its blocks re-derive facts of theirs (not
    #: the same as the tables its columns reference: stores and employees point at each other)
    parents: tuple[str, ...] = ()
    #: the table whose rows drive the blocks (itself unless it is a child generated per parent)
    driver: str | None = None
    #: rows per driver row, for two-pass tables
    counts: Counts | None = None
    #: expected rows per driver row, to size blocks before counts are known
    rows_per_driver: float = 1.0
    #: tables of one group share driver ranges and are generated in one task, so the work
    #: they share (a sale and its lines) is done once per block (see Context.scratch)
    group: str | None = None
    #: most rows one driver row can produce (sizes the id width of two-pass tables)
    max_per_driver: int = 1
    #: for a table driven by another without a fixed total: the most rows it can have at
    #: multiplier 1 (sizes its ids, which base_rows x max_per_driver cannot)
    max_rows: int = 0
    #: an upper bound on the driver rows given the sizes of other tables
    limit: Callable[[Mapping[str, int]], int] | None = None

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: column names repeat")
        unknown = sorted(set(self.primary_key) - set(names))
        if unknown:
            raise ValueError(f"{self.name}: primary key names no column {unknown}")
        if len(self.primary_key) == 1 and not self.column(self.primary_key[0]).unique:
            raise ValueError(f"{self.name}: primary key {self.primary_key[0]} is not unique")
        if self.id_prefix and self.base_rows * self.max_per_driver == 0 and not self.max_rows:
            raise ValueError(
                f"{self.name}: a key of ids needs base_rows, or max_rows for a table driven "
                "by another without a fixed total (the most rows at multiplier 1: it sizes "
                "the ids)"
            )

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def id_prefix(self) -> str:
        """The prefix of the primary key's ids ("" without a single id column as key)."""
        return self.column(self.primary_key[0]).id_prefix if len(self.primary_key) == 1 else ""

    def ids(self, index: np.ndarray) -> pa.Array:
        """The primary key of 0-based rows `index` (negative: null): the prefix, then
        row + 1 zero-padded to `id_width` digits."""
        if not self.id_prefix:
            raise ValueError(f"{self.name} has no id column as primary key")
        return arrow.ids(self.id_prefix, self.id_width, np.asarray(index, dtype=np.int64) + 1)

    @property
    def driver_name(self) -> str:
        return self.driver or self.name

    @property
    def group_name(self) -> str:
        return self.group or self.name

    @cached_property
    def schema(self) -> pa.Schema:
        return pa.schema(
            [
                pa.field(
                    c.name, c.type, nullable=c.nullable, metadata={"description": c.description}
                )
                for c in self.columns
            ],
            metadata={"description": self.description},
        )

    @property
    def dictionary_columns(self) -> list[str]:
        """Columns worth dictionary-encoding in Parquet: a dictionary of mostly distinct
        values is built only to be dropped, which made writing a part a fifth slower."""
        return [c.name for c in self.columns if not (c.unique or c.varied)]

    @property
    def statistics_columns(self) -> list[str]:
        """Columns whose Parquet min/max statistics pay off (not free text or keys)."""
        return [c.name for c in self.columns if not pa.types.is_string(c.type)]

    @property
    def id_width(self) -> int:
        most = max(self.base_rows * self.max_per_driver, self.max_rows)
        return len(str(most * MAX_MULTIPLIER))

    def batch(self, columns: Mapping[str, Any]) -> pa.RecordBatch:
        """A record batch in the declared column order and types; names must match exactly."""
        declared = [c.name for c in self.columns]
        if set(columns) != set(declared):
            missing = sorted(set(declared) - set(columns))
            extra = sorted(set(columns) - set(declared))
            raise ValueError(f"{self.name}: block columns differ: missing {missing}, extra {extra}")
        arrays = []
        for c in self.columns:
            value = columns[c.name]
            array = value if isinstance(value, pa.Array) else arrow.array(value)
            if array.type != c.type:
                array = array.cast(c.type)
            arrays.append(array)
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)


def no_checks(params: Any) -> list[Check]:
    return []


def no_reports(params: Any) -> list[Report]:
    return []


@dataclass(frozen=True)
class Domain:
    """A warehouse schema: its tables, the type of its parameters, and what is promised
    beyond each table's declaration. `checks`, `reports` and `window` take the domain's
    parameters (an instance of `params_type`), so that bounds can follow what a warehouse was
    made with."""

    name: str  # as typed on the command line: "retail"
    schema: str  # the database / schema name: "retail_analytics"
    description: str
    tables: tuple[Table, ...]
    params_type: type
    #: the behaviour checks (each table's generic checks come from its declaration)
    checks: Callable[[Any], list[Check]] = no_checks
    #: figures `validate` prints after the checks (a domain's own; plugins add none)
    reports: Callable[[Any], list[Report]] = no_reports
    #: the history window: the `{start}` .. `{end}` of checks
    window: Callable[[Any], Window] | None = None
    #: plugins whose tables and checks this domain includes, in the order added (`extend`)
    plugins: tuple[Any, ...] = ()
    #: the domain before plugins extended it (None: this one)
    origin: Domain | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        keys = {f"{t.name}.{c.name}" for t in self.tables for c in t.columns if c.unique}
        for t in self.tables:
            for c in t.columns:
                if c.references is not None and c.references not in keys:
                    raise ValueError(
                        f"{t.name}.{c.name} references {c.references}, not a unique column "
                        f"of {self.schema}"
                    )

    def extend(self, plugin: Any) -> Domain:
        """This domain with a plugin's tables and behaviour checks; ValueError when they do
        not fit (a name taken, a parent or reference that is not there).

        `plugin` has `tables` and `checks` (a function of the parameters, or None). It is
        kept: a domain with plugins pickles as (the domain without them, its plugins), so
        that in another process each plugin re-creates its module before its tables are
        needed (see fakehouse.domains.plugins)."""
        names = {t.name for t in self.tables}
        for t in plugin.tables:
            if t.name in names:
                raise ValueError(f"{self.schema} already has a table {t.name!r}")
            names.add(t.name)
        for t in plugin.tables:
            missing = [p for p in (*t.parents, *filter(None, [t.driver])) if p not in names]
            if missing:
                raise ValueError(
                    f"{t.name} is generated after {', '.join(missing)}, no table of {self.schema}"
                )
        checks = self.checks if plugin.checks is None else _Checks((self.checks, plugin.checks))
        return replace(
            self,
            tables=(*self.tables, *plugin.tables),
            checks=checks,
            plugins=(*self.plugins, plugin),
            origin=self.origin or self,
        )

    def plugin_of(self, table: str) -> Any | None:
        """The plugin that added `table`, or None for one of the domain's own."""
        return next((p for p in self.plugins if any(t.name == table for t in p.tables)), None)

    def __reduce_ex__(self, protocol):
        if not self.plugins:
            return super().__reduce_ex__(protocol)
        return _extended, (self.origin, self.plugins)

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"{self.schema} has no table {name!r}")

    def ordered(self) -> list[Table]:
        """Tables with every parent before its children."""
        done: list[Table] = []
        names: set[str] = set()
        pending = list(self.tables)
        while pending:
            ready = [t for t in pending if set(t.parents) <= names]
            if not ready:
                raise ValueError(f"cyclic parents among {[t.name for t in pending]}")
            for t in ready:
                done.append(t)
                names.add(t.name)
                pending.remove(t)
        return done


@dataclass(frozen=True)
class _Checks:
    """The behaviour checks of a domain and of the plugins that extend it."""

    parts: tuple[Callable[[Any], list[Check]], ...]

    def __call__(self, params: Any) -> list[Check]:
        return [c for part in self.parts for c in part(params)]


def _extended(origin: Domain, plugins: tuple[Any, ...]) -> Domain:
    """A domain extended by plugins, re-made from its parts (how such a domain unpickles)."""
    for plugin in plugins:
        origin = origin.extend(plugin)
    return origin


def check_multiplier(value: Any, name: str = "multiplier") -> float:
    """`value` as a records multiplier, or a UserError: a finite number in (0, MAX_MULTIPLIER].
    Ids are sized for MAX_MULTIPLIER, so a larger multiplier would repeat them."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 < value <= MAX_MULTIPLIER
    ):
        raise UserError(
            f"{name} must be a number greater than 0 and at most {MAX_MULTIPLIER:,}, got {value!r}"
        )
    return float(value)


def scaled(base: int, multiplier: float) -> int:
    """`base x multiplier`, rounded, at least 1."""
    return max(1, round(base * multiplier))


@dataclass
class Context:
    """Everything a block needs: seed, sizes, business parameters, and lazily derived lookups.

    Sizes are driver rows per table. `cache` holds lookups a worker derives once (a store index
    by state, a time model); `scratch` holds work shared by the tables of one task and is
    emptied after each task. Both are emptied before the context goes to another process.
    """

    domain: Domain
    seed: int
    multiplier: float
    params: Any
    sizes: dict[str, int] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict, repr=False)
    scratch: dict[Any, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def create(cls, domain: Domain, seed: int, multiplier: float, params: Any = None) -> Context:
        ctx = cls(domain, seed, multiplier, params or domain.params_type())
        for t in domain.ordered():
            if t.driver is None:
                n = scaled(ctx.base_rows(t.name), multiplier)
                if t.limit is not None:
                    n = min(n, t.limit(ctx.sizes))
                ctx.sizes[t.name] = n
        return ctx

    def base_rows(self, table: str) -> int:
        """Rows of `table` at multiplier 1: the parameters' `tables` may set them (checked
        against the ids' width), else the declaration's."""
        declared = self.domain.table(table).base_rows
        given = getattr(self.params, "base_rows", lambda name: None)(table)
        if given is None:
            return declared
        if scaled(given, self.multiplier) > declared * MAX_MULTIPLIER:
            raise UserError(
                f"tables.{table}.base_rows x multiplier makes {scaled(given, self.multiplier):,} "
                f"rows, more than the {declared * MAX_MULTIPLIER:,} its ids are made for"
            )
        return given

    @property
    def window(self) -> Window:
        """The history window of this context's domain and parameters."""
        if self.domain.window is None:
            raise ValueError(f"domain {self.domain.name} declares no history window")
        return self.cached("window", lambda: self.domain.window(self.params))

    def stream(self, table: str, column: str) -> Stream:
        return Stream.root(self.seed).child(table, column)

    def cached(self, name: str, build: Callable[[], Any]) -> Any:
        if name not in self.cache:
            self.cache[name] = build()
        return self.cache[name]

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "cache": {}, "scratch": {}}
