"""Parsing of the options several commands share, with one-line errors."""

from __future__ import annotations

import math
from pathlib import Path

import click

from fakehouse.errors import UserError

warehouse_option = click.option(
    "-w",
    "--warehouse",
    type=click.Path(path_type=Path),
    default=Path("warehouse"),
    show_default=True,
    help="Warehouse folder.",
)


def multiplier(text: str) -> float:
    from fakehouse.core.table import check_multiplier  # numpy and pyarrow: not for --help

    try:
        value = float(text)
    except ValueError:
        raise UserError(f"--multiplier must be a number, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise UserError(f"--multiplier must be greater than 0, got {text}")
    return check_multiplier(value, "--multiplier")


def warehouse(path: Path) -> Path:
    from fakehouse.catalog.duckdb import FILE

    if not (path / FILE).is_file():
        raise UserError(f"no warehouse at {path} (expected {path / FILE}; run fakehouse generate)")
    return path
