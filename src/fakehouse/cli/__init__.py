"""The `fakehouse` command line: one module per command, data on stdout, talk on stderr.

Commands import their heavy dependencies lazily, so `fakehouse --help` stays fast and never
imports an optional engine. A user's mistake ends in one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys

import click

from fakehouse.errors import UserError


@click.group(
    help="Realistic synthetic analytics warehouses, from a laptop sample to billions of rows.",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="fakehouse")
def app() -> None:
    pass


def _register() -> None:
    from fakehouse.cli import generate, pyspark_shell, spark_sql, sql, tables, validate

    for module in (generate, tables, sql, validate, spark_sql, pyspark_shell):
        app.add_command(module.command)


def main(argv: list[str] | None = None) -> None:
    _register()
    try:
        code = app.main(args=argv, prog_name="fakehouse", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.Abort:
        print("aborted", file=sys.stderr)
        code = 130
    except click.UsageError as exc:
        print(f"error: {exc.format_message()}", file=sys.stderr)
        code = 2
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("aborted", file=sys.stderr)
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
