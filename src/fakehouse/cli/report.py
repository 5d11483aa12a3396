"""`fakehouse report`: one self-contained HTML page about a warehouse."""

from __future__ import annotations

from pathlib import Path

import click

from fakehouse.cli import options
from fakehouse.cli.spark import executor_timeout, executor_timeout_option


@click.command("report")
@options.warehouse_option
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("report.html"),
    show_default=True,
    help="The HTML file to write (an existing file is replaced only if it is a report).",
)
@click.option(
    "--master",
    default=None,
    metavar="URL",
    help="Spark master for a Spark warehouse [default: local[*]].",
)
@executor_timeout_option
def command(warehouse: Path, output: Path, master: str | None) -> None:
    """Write one HTML page about a warehouse: its summary, a chart for every promise of its
    data beside the figures validate measured, and every check's result.

    The page is self-contained (no script, font or image to fetch: it opens offline).
    Exit code 0 once it is written, whether or not checks failed (fakehouse validate gates);
    needs pip install 'fakehouse[report]'.
    """
    from fakehouse.explore import report
    from fakehouse.explore.warehouse import Warehouse, find

    report.require()
    with Warehouse(find(warehouse), master, executor_timeout()) as opened:
        made = report.build(opened)
    written = report.write(made, output)
    click.echo(
        f"{written}: {len(made.results) - made.failed} checks passed, {made.failed} failed; "
        f"{made.charts} charts",
        err=True,
    )
