"""The Python API: `fakehouse.generate(...)` and the guide-style `RetailGenerator`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fakehouse.core.plan import BLOCK_ROWS
from fakehouse.core.table import check_multiplier
from fakehouse.domains import plugins as domain_plugins
from fakehouse.engines.estimate import TableSize
from fakehouse.engines.local import FORMATS, Summary
from fakehouse.errors import UserError


def generate(
    domain: str = "retail",
    multiplier: float = 1.0,
    seed: int = 42,
    out: str | Path = "warehouse",
    workers: int | None = None,
    formats: tuple[str, ...] = (),
    overwrite: bool = False,
    block_rows: int | None = None,
    on_plan: Callable[[dict[str, int]], None] | None = None,
    on_progress: Callable[[str, int], None] | None = None,
    on_planning: Callable[[str, int, int], None] | None = None,
    config: str | Path | Mapping[str, Any] | None = None,
    plugins: Sequence[str | Path] = (),
) -> Summary:
    """Generate `domain` (a registered domain's name, or "all") into the warehouse folder
    `out`.

    `out` must be empty, missing, or (with `overwrite`) a fakehouse warehouse; a run that
    would not fit on its disk is refused before anything is written. `config` is a YAML
    file's path or a mapping laid out as one (`fakehouse config show`): any subset of the
    parameters, checked before anything is written. `plugins` adds the tables of plugin files
    or modules (see fakehouse.plugin) to their domains, besides those of installed plugins.
    """
    from fakehouse import config as configuration
    from fakehouse.engines import local

    domains = domain_plugins.domains(domain, plugins)
    multiplier = check_multiplier(multiplier)
    formats = _formats(formats)
    params = configuration.load(config, domains)
    summary = local.generate(
        domains,
        Path(out),
        seed=seed,
        multiplier=multiplier,
        workers=workers,
        formats=formats,
        overwrite=overwrite,
        block_rows=block_rows or BLOCK_ROWS,
        on_plan=on_plan,
        on_progress=on_progress,
        on_planning=on_planning,
        params=params,
    )
    return summary


def estimate(
    domain: str = "retail",
    multiplier: float = 1.0,
    seed: int = 42,
    formats: tuple[str, ...] = (),
    config: str | Path | Mapping[str, Any] | None = None,
    plugins: Sequence[str | Path] = (),
) -> list[TableSize]:
    """Rows and bytes per table of a warehouse, estimated from samples without writing it
    (`fakehouse generate --dry-run`); `total_bytes` adds the catalog."""
    from fakehouse import config as configuration
    from fakehouse.core.table import Context
    from fakehouse.engines.estimate import estimate as sizes

    multiplier = check_multiplier(multiplier)
    formats = _formats(formats)
    domains = domain_plugins.domains(domain, plugins)
    params = configuration.load(config, domains)
    return [
        size
        for d in domains
        for size in sizes(Context.create(d, seed, multiplier, params[d.name]), formats)
    ]


def _formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise UserError(f"unknown format {sorted(unknown)[0]!r}; choose from {', '.join(FORMATS)}")
    return ("parquet", *sorted(set(formats) - {"parquet"}))


class RetailGenerator:
    """The style users of the original guide know: `RetailGenerator(seed).generate_all_data()`."""

    def __init__(self, seed: int = 42) -> None:
        self.seed = seed

    def generate_all_data(
        self, records_multiplier: float = 1.0, out: str | Path = "warehouse", **kwargs
    ) -> Summary:
        return generate("retail", records_multiplier, self.seed, out, **kwargs)


__all__ = ["RetailGenerator", "estimate", "generate"]
