"""`fakehouse sql`: queries on the warehouse's catalog, in DuckDB or Spark SQL.

Read-only in the strong sense: the warehouse's tables can be read and nothing else (see
catalog/sql.py and catalog/spark_sql.py). Every statement of a script runs, in order; each
failure is one line on stderr, and any failure makes the exit code 2.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
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
    help="SQL dialect of the statements, transpiled with sqlglot when it is not the engine's "
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
    """Run SQL on a warehouse's tables; without QUERY, statements from stdin (a prompt on a
    terminal).

    Statements are separated by ';' (the last needs none) and all run, in order; each failure
    is one line on stderr, and any failure in QUERY or piped input makes the exit code 2.
    Only the warehouse's tables can be read: no files, other databases, extensions or
    settings. Exports: fakehouse generate --format.
    """
    from functools import partial

    from fakehouse.cli import spark

    if spark.engine_for(warehouse, engine) == "spark":
        run, native = spark.runner(warehouse, master), "spark"
    else:
        from fakehouse.catalog import sql

        run, native = partial(sql.run, sql.sandbox(options.warehouse(warehouse))), "duckdb"
    session = Session(run, dialect or native, native, output)
    if query is not None:
        session.execute(query)
    elif sys.stdin.isatty():
        _prompt(session)
        return  # a person at a prompt saw each error as it came
    else:
        _script(session)
    if session.failed:
        sys.exit(2)


class Session:
    """Runs text of several statements, prints their results and reports their failures."""

    def __init__(self, run: Callable, dialect: str, native: str, output: str) -> None:
        self.run, self.dialect, self.native, self.output = run, dialect, native, output
        self.failed = False

    def execute(self, text: str, first_line: int | None = None) -> None:
        """Every statement of `text`, in order. A failure names where its statement starts:
        the line, when `text` begins at line `first_line` of a script; else its number, when
        `text` holds several."""
        from fakehouse.catalog.statements import split, transpile
        from fakehouse.errors import UserError

        try:
            statements = split(text, self.dialect)
        except UserError as exc:
            self._fail(str(exc))
            return
        for number, statement in enumerate(statements, start=1):
            try:
                result = self.run(transpile(statement.text, self.dialect, self.native))
            except UserError as exc:
                where = ""
                if first_line is not None:
                    where = f"line {first_line + statement.line - 1}: "
                elif len(statements) > 1:
                    where = f"statement {number}: "
                self._fail(f"{where}{exc}")
                continue
            if result is not None:
                _print(*result, self.output)

    def _fail(self, message: str) -> None:
        self.failed = True
        click.echo(f"error: {message}", err=True)


def _script(session: Session) -> None:
    """Piped statements: each runs as soon as its ';' is read, the last one at the end."""
    from fakehouse.catalog.statements import complete

    buffer, start = "", 1
    for number, line in enumerate(sys.stdin, start=1):
        if not buffer:
            start = number
        buffer += line
        if complete(buffer, session.dialect):
            session.execute(buffer, first_line=start)
            buffer = ""
    session.execute(buffer, first_line=start)


def _prompt(session: Session) -> None:
    from fakehouse.catalog.statements import complete

    click.echo(
        f"fakehouse sql ({session.dialect}); end statements with ';', quit with Ctrl-D", err=True
    )
    buffer = ""
    while True:
        try:
            buffer += _ask("...> " if buffer.strip() else "sql> ") + "\n"
        except EOFError:
            click.echo(err=True)
            break
        if complete(buffer, session.dialect):
            session.execute(buffer)
            buffer = ""
    session.execute(buffer)


def _ask(prompt: str) -> str:
    """A line from the terminal; the prompt goes to stderr when stdout is not the terminal,
    so that `fakehouse sql > out.csv` writes results only."""
    if sys.stdout.isatty():
        return input(prompt)  # line editing
    click.echo(prompt, err=True, nl=False)
    return input()


def _print(columns: list[str], rows: list[tuple], output: str) -> None:
    if output == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif output == "json":
        keys = distinct(columns)
        for row in rows:
            click.echo(json.dumps(dict(zip(keys, row, strict=True)), default=str))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns)
        for row in rows:
            table.add_row(*("NULL" if v is None else str(v) for v in row))
        Console().print(table)


def distinct(columns: list[str]) -> list[str]:
    """Column names as JSON keys: a repeated name becomes name_1, name_2, ... (DuckDB's way),
    skipping every name that a column of the result already has."""
    taken, seen, keys = set(columns), set(), []
    for name in columns:
        key = name
        if name in seen:
            n = 1
            while f"{name}_{n}" in taken:
                n += 1
            key = f"{name}_{n}"
            taken.add(key)
        seen.add(name)
        keys.append(key)
    return keys
