"""`fakehouse tables`: the data dictionary of a domain."""

from __future__ import annotations

import click


@click.command("tables")
@click.argument("domain", default="all")
@click.option("-t", "--table", "only", default=None, help="Only this table.")
@click.option("--markdown", is_flag=True, help="Print Markdown instead of a terminal table.")
def command(domain: str, only: str | None, markdown: bool) -> None:
    """Print the data dictionary of DOMAIN (retail, financial, or all)."""
    from rich.console import Console
    from rich.table import Table

    from fakehouse.domains import registry
    from fakehouse.errors import UserError

    console = Console()
    for name in registry.names(domain):
        d = registry.domain(name)
        tables = [t for t in d.tables if only in (None, t.name)]
        if only and not tables:
            raise UserError(f"{d.schema} has no table {only!r}")
        for t in tables:
            rows = (
                f"{t.base_rows:,} x multiplier"
                if t.driver is None and t.counts is None
                else "per parent row"
            )
            if markdown:
                click.echo(f"### {d.schema}.{t.name}\n\n{t.description} Rows: {rows}.\n")
                click.echo("| column | type | description |\n|---|---|---|")
                for c in t.columns:
                    click.echo(f"| {c.name} | {c.type} | {c.description} |")
                click.echo()
                continue
            grid = Table(
                title=f"{d.schema}.{t.name} - {t.description} Rows: {rows}.", title_justify="left"
            )
            grid.add_column("column", style="bold")
            grid.add_column("type")
            grid.add_column("null")
            grid.add_column("description")
            for c in t.columns:
                grid.add_row(c.name, str(c.type), "yes" if c.nullable else "", c.description)
            console.print(grid)
