"""`fakehouse validate`: run every invariant and distribution check on a warehouse."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from fakehouse.cli import options
from fakehouse.cli.spark import engine_option, executor_timeout_option, master_option


@click.command("validate")
@options.warehouse_option
@engine_option
@master_option
@click.option(
    "--plugin",
    "plugins",
    multiple=True,
    metavar="FILE",
    help="Where a plugin the warehouse was made with is now, if it moved. Repeatable.",
)
@executor_timeout_option
def command(warehouse: Path, engine: str | None, master: str | None, plugins) -> None:
    """Check a warehouse against its contract (exit code 1 on failure); its plugins' tables
    are checked from their declarations (the plugin files must still be there). Figures that
    help read the results (the bank's fraud difficulty) follow the checks."""
    from rich.console import Console
    from rich.table import Table

    from fakehouse.cli import spark
    from fakehouse.quality.checks import examine

    if spark.engine_for(warehouse, engine) == "spark":
        results, figures = spark.examine(warehouse, master, plugins)  # through Spark SQL
    else:
        results, figures = examine(options.warehouse(warehouse), plugins)
    several = len({r.schema for r in results}) > 1  # name the schema when checks share names
    table = Table(
        *(["schema"] if several else []),
        "check",
        "value",
        "expected",
        "result",
        title=f"fakehouse validate {warehouse}",
        title_justify="left",
    )
    for r in results:
        table.add_row(
            *([r.schema] if several else []),
            r.check.name,
            r.shown_value,
            r.expected,
            "[green]pass[/green]" if r.passed else "[red]FAIL[/red]",
        )
    console = Console()
    console.print(table)
    for f in figures:
        title = f"{f.schema}: {f.report.title}" if several else f.report.title
        if f.error:
            console.print(f"{title}\n[red]not computed[/red]: {f.error}")
            continue
        shown = Table(*f.columns, title=title, title_justify="left")
        for row in f.rows:
            shown.add_row(*(_cell(v) for v in row))
        console.print(shown)
    failed = [r for r in results if not r.passed]
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed", err=True)
    sys.exit(1 if failed else 0)


def _cell(value) -> str:
    """A report's value as shown: numbers to 4 significant digits, the rest as text."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)
