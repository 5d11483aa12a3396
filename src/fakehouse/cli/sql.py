"""`fakehouse sql`: queries on the warehouse's DuckDB catalog, in DuckDB or Spark SQL."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from fakehouse.cli import options
from fakehouse.cli.spark import engine_option, executor_timeout_option, master_option


@click.command("sql")
@click.argument("query", required=False)
@options.warehouse_option
@click.option(
    "--dialect",
    type=click.Choice(["duckdb", "spark"]),
    default=None,
    help="SQL dialect of QUERY, transpiled with sqlglot when it is not the engine's "
    "[default: duckdb; spark with --engine spark].",
)
@click.option(
    "--output",
    "output",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Result format on stdout (json: one object per line).",
)
@engine_option
@master_option
@executor_timeout_option
def command(
    query: str | None,
    warehouse: Path,
    dialect: str | None,
    output: str,
    engine: str | None,
    master: str | None,
) -> None:
    """Run SQL on a warehouse; without QUERY, a prompt.

    QUERY may hold several statements separated by ; (results of each are printed).
    """
    from functools import partial

    from fakehouse.cli import spark

    if spark.engine_for(warehouse, engine) == "spark":
        run = spark.runner(warehouse, master)
        dialect = dialect or "spark"
    else:
        from fakehouse.catalog import duckdb as catalog
        from fakehouse.catalog.sql import run as run_sql

        run = partial(run_sql, catalog.connect(options.warehouse(warehouse)))
        dialect = dialect or "duckdb"
    if query is not None:
        for columns, rows in run(query, dialect):
            _print(columns, rows, output)
        return
    _prompt(run, dialect, output)


def _prompt(run, dialect: str, output: str) -> None:
    from fakehouse.errors import UserError

    interactive = sys.stdin.isatty()
    if interactive:
        click.echo(
            f"fakehouse sql ({dialect}); end statements with ';', quit with Ctrl-D", err=True
        )
    buffer = ""
    while True:
        try:
            line = input("sql> " if not buffer else "...> ") if interactive else _read_line()
        except EOFError:
            if interactive:
                click.echo(err=True)
            return
        buffer += line + "\n"
        if not buffer.strip().endswith(";"):
            continue
        try:
            for columns, rows in run(buffer, dialect):
                _print(columns, rows, output)
        except UserError as exc:
            click.echo(f"error: {exc}", err=True)
        buffer = ""


def _read_line() -> str:
    """A line of piped input (no prompt: stdout carries only results)."""
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")


def _print(columns: list[str], rows: list[tuple], output: str) -> None:
    if output == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif output == "json":
        for row in rows:
            click.echo(json.dumps(dict(zip(columns, row, strict=True)), default=str))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns)
        for row in rows:
            table.add_row(*("NULL" if v is None else str(v) for v in row))
        Console().print(table)
