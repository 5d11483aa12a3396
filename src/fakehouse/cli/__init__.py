"""The `fakehouse` command line: one module per command, data on stdout, talk on stderr.

Commands import their heavy dependencies lazily, so `fakehouse --help` stays fast and never
imports an optional engine. A user's mistake ends in one line on stderr and exit code 2;
Ctrl-C (or SIGTERM) cleans up and prints "aborted".
"""

from __future__ import annotations

import os
import signal
import sys

import click

from fakehouse.errors import Interrupted, UserError, interrupt


@click.group(
    help="Realistic synthetic analytics warehouses, from a laptop sample to billions of rows.",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="fakehouse")
def app() -> None:
    pass


def _register() -> None:
    from fakehouse.cli import (
        config,
        generate,
        notebook,
        pyspark_shell,
        report,
        spark_sql,
        sql,
        tables,
        validate,
    )

    for module in (
        generate,
        config,
        tables,
        sql,
        validate,
        report,
        notebook,
        spark_sql,
        pyspark_shell,
    ):
        app.add_command(module.command)


#: set to show the traceback of an unexpected error instead of its one line
DEBUG = "FAKEHOUSE_DEBUG"


def main(argv: list[str] | None = None) -> None:
    """Run a command; every ending is an exit code: 0 done, 1 validation failed, 2 an error
    (one line on stderr), 130 interrupted ("aborted")."""
    _register()
    previous = {
        sig: signal.signal(sig, interrupt)
        for sig in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(sig) is not signal.SIG_IGN  # a background job of a script
    }
    try:
        code = app.main(args=argv, prog_name="fakehouse", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except (Interrupted, click.Abort, KeyboardInterrupt):
        print("aborted", file=sys.stderr)
        code = 130
    except click.UsageError as exc:
        print(f"error: {exc.format_message()}", file=sys.stderr)
        code = 2
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 2
    except Exception as exc:  # a bug: still one line and a code scripts can trust
        if os.environ.get(DEBUG):
            raise
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(
            f"error: unexpected {type(exc).__name__}{': ' if text else ''}{text} "
            f"(a fakehouse bug; {DEBUG}=1 shows the traceback)",
            file=sys.stderr,
        )
        code = 2
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    sys.exit(code if isinstance(code, int) else 0)
