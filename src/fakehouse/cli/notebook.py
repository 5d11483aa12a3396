"""`fakehouse notebook`: JupyterLab on a warehouse, with the notebooks that ship with fakehouse."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import click

from fakehouse.cli import options

SAID = {
    "updated": "updated to this fakehouse's version (you had not edited it)",
    "kept": "kept as you edited it (remove or rename it to get this fakehouse's version)",
}


@click.command(
    "notebook",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@options.warehouse_option
@click.option(
    "--copy-only",
    is_flag=True,
    help="Copy the notebooks and print the command that starts JupyterLab; start nothing.",
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def command(warehouse: Path, copy_only: bool, args: tuple[str, ...]) -> int:
    """JupyterLab on a warehouse, with ready-made notebooks.

    Copies the notebooks that fit the warehouse (retail, bank, data quality, and Spark for a
    Spark warehouse) into WAREHOUSE/notebooks/, where a copy you edited is never replaced,
    and starts JupyterLab there; each notebook opens the warehouse it sits in. ARGS go to
    jupyter lab (e.g. --port 8899 --no-browser). Needs pip install 'fakehouse[notebook]'.
    """
    from fakehouse.explore import notebooks
    from fakehouse.explore.warehouse import Warehouse, find

    folder = find(warehouse)
    with Warehouse(folder) as opened:  # a catalog that cannot be opened is one line
        engine = opened.engine
    notebooks.require(engine)
    copied = notebooks.copy(folder)
    where = folder / notebooks.FOLDER
    click.echo(f"notebooks in {where}: {', '.join(c.name for c in copied)}", err=True)
    for c in copied:
        if c.action in SAID:
            click.echo(f"  {c.name}: {SAID[c.action]}", err=True)
    run, env = notebooks.jupyter(folder, args)
    if copy_only:
        click.echo(notebooks.shown(run, folder))
        return 0
    if engine == "spark":
        from fakehouse.catalog import hive

        hive.ensure_free(folder)  # the notebooks open the catalog: nobody else may hold it
    click.echo("starting JupyterLab (press Ctrl-C twice to stop it)", err=True)
    return _serve(run, env)


def _serve(run: list[str], env: dict[str, str]) -> int:
    """Run JupyterLab until it ends. Ctrl-C is JupyterLab's (it asks, or stops on a second
    press); SIGTERM stops it before fakehouse ends."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process = subprocess.Popen(run, env=env)
    except OSError as exc:
        signal.signal(signal.SIGINT, previous)
        from fakehouse.errors import UserError

        raise UserError(f"cannot run {run[0]}: {exc.strerror}") from None
    try:
        return process.wait()
    except BaseException:  # SIGTERM (Interrupted) or another ending: JupyterLab ends too
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise
    finally:
        signal.signal(signal.SIGINT, previous)
