"""Parsing of the options several commands share, with one-line errors."""

from __future__ import annotations

import math
from pathlib import Path

import click

from fakehouse.errors import UserError


class DomainType(click.ParamType):
    """A domain's command-line name, or "all": checked against the registry (installed
    domains included), and completed from it."""

    name = "domain"

    def get_metavar(self, param, ctx=None) -> str:  # click < 8.2 passes no ctx
        return "DOMAIN"

    def convert(self, value, param, ctx) -> str:
        from fakehouse.domains import registry

        registry.names(value)  # an unknown name is a one-line UserError
        return value

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        from fakehouse.domains import registry

        return [
            CompletionItem(n) for n in (*registry.known(), registry.ALL) if n.startswith(incomplete)
        ]


DOMAIN = DomainType()


class DomainCommand(click.Command):
    """A command whose help text may say `{domains}`: the registered domains' names, in
    words (see registry.choices), read when the help is shown."""

    def _filled(self, text: str | None) -> str | None:
        if not text or "{domains}" not in text:
            return text
        from fakehouse.domains import registry

        return text.replace("{domains}", registry.choices())

    def format_help_text(self, ctx, formatter) -> None:
        saved = self.help
        self.help = self._filled(self.help)
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = saved

    def get_short_help_str(self, limit: int = 45) -> str:
        saved = self.help
        self.help = self._filled(self.help)
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help = saved


plugin_option = click.option(
    "--plugin",
    "plugins",
    multiple=True,
    metavar="FILE",
    help="A plugin adding tables to its domain: a Python file, or an installed module's name "
    "(see fakehouse.plugin). Repeatable.",
)

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
