"""Running the contract's checks on a warehouse's DuckDB catalog, and judging results.

quality knows no domain. A warehouse's manifest names its domains; the registry gives each
one's declaration, `core.contract` derives its checks (the generic checks of every table,
then the domain's behaviour checks), and the domain's window of the warehouse's parameters
fills the checks' `{start}` / `{end}`. The checks themselves are plain data (`core.checks`);
here they run on DuckDB, and `quality.spark` runs the same ones through Spark SQL.

`validate(warehouse)` reads the warehouse's manifest and runs the checks of every domain on
the read-only DuckDB catalog (a check across domains, one that `needs` another schema, runs
only where that schema is there too); `examine(warehouse)` also runs the domains' reports
(figures shown after the checks, such as the bank's fraud difficulty).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakehouse.core.checks import PLACES, STATES, Check, Report
from fakehouse.core.contract import domain_checks
from fakehouse.core.table import Domain
from fakehouse.core.timeline import Window
from fakehouse.domains import plugins as domain_plugins
from fakehouse.domains import registry
from fakehouse.domains.params import ParamsError
from fakehouse.errors import UserError
from fakehouse.manifest import FILE as MANIFEST
from fakehouse.manifest import Manifest
from fakehouse.version import __version__


@dataclass(frozen=True)
class Result:
    check: Check
    value: float | None
    low: float
    high: float
    passed: bool
    shown_value: str
    expected: str
    schema: str = ""


@dataclass(frozen=True)
class Figures:
    """A report's table on one schema, or the error its query met."""

    report: Report
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    schema: str = ""
    error: str = ""


def plan(domain: str | Domain, params: dict[str, Any]) -> tuple[list[Check], Window | None]:
    """The checks and history window of a warehouse of `domain` (a name, or a domain with
    its plugins) made with `params` (as stored in its manifest: the checks' bounds follow
    them). Raises ParamsError (a UserError) for parameters the domain rejects."""
    checks, _, window = _plan(domain, params)
    return checks, window


def _plan(domain: str | Domain, params: dict[str, Any]):
    """(checks, reports, window) of a warehouse of `domain` made with `params`."""
    from fakehouse.config import parameters

    d = registry.domain(domain) if isinstance(domain, str) else domain
    typed = parameters(d, params, merge=False)
    return domain_checks(d, typed), d.reports(typed), None if d.window is None else d.window(typed)


def stored_plan(domain: Domain, params: dict[str, Any], where: str):
    """`_plan` for the parameters a warehouse stored (`where` names its manifest or database),
    or a one-line UserError: parameters this version rejects come from another version of
    fakehouse (or were edited), and the first problem says which."""
    try:
        return _plan(domain, params)
    except ParamsError as exc:
        path, message = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        raise UserError(
            f"{where}: the stored parameters of domain {domain.name!r} do not fit fakehouse "
            f"{__version__} ({path + ': ' if path else ''}{message}{more}); a warehouse made "
            "by another version of fakehouse: generate it again with this one"
        ) from None
    except (UserError, ValueError) as exc:
        reason = " ".join(str(exc).split())  # pydantic's errors span lines
        raise UserError(f"{where}: bad parameters of domain {domain.name!r}: {reason}") from None


def reference_tables():
    """`ref_places` and `ref_states` as Arrow tables (the shipped reference data); a place's
    `population_share` is its share of the US population."""
    import pyarrow as pa

    from fakehouse.core import reference

    places = reference.places()
    states = reference.states()
    return {
        PLACES: pa.table(
            {
                "zip_code": places.zip_code,
                "city": places.city,
                "state": places.state,
                "latitude": pa.array(places.latitude),
                "longitude": pa.array(places.longitude),
                "population_share": pa.array(places.population_share()),
            }
        ),
        STATES: pa.table({"code": states.code, "share": pa.array(states.share)}),
    }


def register_reference(con) -> None:
    """Register `ref_places` and `ref_states` (shipped reference data) on a DuckDB connection."""
    for name, table in reference_tables().items():
        con.register(name, table)


def applicable(checks: Iterable[Check], schemas: Iterable[str]) -> list[Check]:
    """The checks that can run in a warehouse of `schemas`: a check across domains only
    where every schema it needs is there."""
    have = set(schemas)
    return [c for c in checks if set(c.needs) <= have]


def sql_for(check: Check | Report, schema: str, window: Window | None) -> str:
    """The check's (or report's) query for warehouse schema `schema` and history window
    `window` (without one, a query naming the window fails)."""
    return fill(check.sql, schema, window)


def fill(sql: str, schema: str, window: Window | None) -> str:
    """`sql` with its placeholders `{s}`, `{start}` and `{end}` filled (see core.checks)."""
    sql = sql.replace("{s}", schema)
    if window is None:
        return sql
    return sql.replace("{start}", f"DATE '{window.first.isoformat()}'").replace(
        "{end}", f"DATE '{window.last.isoformat()}'"
    )


def _number(x) -> float | None:
    return None if x is None else float(x)


def _shown(x: float | None) -> str:
    if x is None:
        return "null"
    if not math.isfinite(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.4g}"


def _expected(low: float, high: float) -> str:
    if low == high:
        return _shown(low)
    if high == math.inf:
        return f">= {_shown(low)}"
    if low == -math.inf:
        return f"<= {_shown(high)}"
    return f"{_shown(low)} .. {_shown(high)}"


def run(con, checks: Iterable[Check], schema: str, window: Window | None) -> list[Result]:
    """Run `checks` on the DuckDB connection `con` for warehouse schema `schema`.

    A check whose query fails (a missing table or column) is a failed result whose shown value
    is the error.
    """
    import duckdb

    from fakehouse.catalog.duckdb import damage

    register_reference(con)
    results = []
    for check in checks:
        try:
            found = con.execute(sql_for(check, schema, window)).fetchall()
        except duckdb.Error as exc:
            if cause := damage(exc):  # the file, not the check: one line, exit 2
                raise UserError(f"cannot read the catalog: {cause}") from None
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            results.append(
                Result(
                    check, None, math.nan, math.nan, False, f"error: {message}", "a value", schema
                )
            )
            continue
        results.append(judge(check, found, schema))
    return results


def judge(check: Check, found: list[tuple], schema: str = "") -> Result:
    """The result of `check` on `schema` from the rows its query returned (any engine)."""
    if len(found) != 1 or len(found[0]) != 3:
        raise ValueError(f"check {check.name} must return one row (value, low, high)")
    value, low, high = (_number(x) for x in found[0])
    low = math.nan if low is None else low  # a bound that cannot be computed fails
    high = math.nan if high is None else high
    passed = value is not None and low <= value <= high  # False whenever a NaN is involved
    return Result(check, value, low, high, passed, _shown(value), _expected(low, high), schema)


def run_reports(
    con, reports: Iterable[Report], schema: str, window: Window | None
) -> list[Figures]:
    """Run `reports` on the DuckDB connection `con` for warehouse schema `schema`; a report
    whose query fails carries its error."""
    import duckdb

    from fakehouse.catalog.duckdb import damage

    out = []
    for report in reports:
        try:
            found = con.execute(sql_for(report, schema, window))
            columns = tuple(d[0] for d in found.description)
            out.append(Figures(report, columns, tuple(found.fetchall()), schema))
        except duckdb.Error as exc:
            if cause := damage(exc):
                raise UserError(f"cannot read the catalog: {cause}") from None
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            out.append(Figures(report, (), (), schema, message))
    return out


def validate(warehouse: Path, plugins: Sequence[str | Path] = ()) -> list[Result]:
    """Run the checks of every domain in the warehouse folder `warehouse`, its plugins'
    tables included (loaded from where the manifest recorded them, or from `plugins`)."""
    return examine(warehouse, plugins, reports=False)[0]


def examine(
    warehouse: Path, plugins: Sequence[str | Path] = (), reports: bool = True
) -> tuple[list[Result], list[Figures]]:
    """The checks' results of every domain in the warehouse folder `warehouse` (as
    `validate`), and the figures of the domains' reports (unless `reports` is false)."""
    from fakehouse.catalog.duckdb import FILE, connect

    warehouse = Path(warehouse)
    if not (warehouse / FILE).is_file():
        raise UserError(f"no warehouse at {warehouse} (expected {warehouse / FILE})")
    manifest = Manifest.read(warehouse)
    where = warehouse / MANIFEST
    if not manifest.domains:
        raise UserError(f"unreadable manifest {where}: it names no domain")
    plans = []
    for name, record in manifest.domains.items():
        if name not in registry.known():
            known = ", ".join(registry.known())
            raise UserError(f"{where}: unknown domain {name!r} (known: {known})")
        domain = domain_plugins.restore(name, record.plugins, plugins)
        checks, found, window = stored_plan(domain, record.params, str(where))
        plans.append((checks, found if reports else [], record.schema_, window))
    schemas = [schema for _, _, schema, _ in plans]
    results: list[Result] = []
    figures: list[Figures] = []
    with connect(warehouse, read_only=True) as con:
        for checks, found, schema, window in plans:
            results.extend(run(con, applicable(checks, schemas), schema, window))
            figures.extend(run_reports(con, found, schema, window))
    return results, figures


__all__ = [
    "Check",
    "Figures",
    "Report",
    "Result",
    "applicable",
    "examine",
    "fill",
    "judge",
    "plan",
    "register_reference",
    "run",
    "run_reports",
    "validate",
]
