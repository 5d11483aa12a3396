"""What the commands share for the Spark engine: the options, and their Spark branches.

Kept apart so that generate, sql and validate gain `--engine spark` with a couple of lines each,
and so that nothing here imports pyspark before a Spark branch runs.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import click

from fakehouse.errors import UserError

engine_option = click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default=None,
    help="local (DuckDB catalog) or spark (the warehouse's Hive metastore) "
    "[default: what the warehouse holds].",
)
master_option = click.option(
    "--master",
    default=None,
    metavar="URL",
    help="Spark master for --engine spark [default: local[*]].",
)


def shell_command(name: str):
    """A command that starts one of Spark's shells on a warehouse: its own options first, then
    everything else passed through to the shell, and the warehouse folder as -w."""
    command = click.command(
        name, context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False}
    )
    warehouse = click.option(
        "-w",
        "--warehouse",
        type=click.Path(path_type=Path),
        default=Path("warehouse"),
        show_default=True,
        help="Warehouse folder made by generate --engine spark.",
    )
    return lambda fn: command(warehouse(fn))


def engine_for(warehouse: Path, engine: str | None) -> str:
    """The engine asked for, else the one whose catalog the warehouse folder holds."""
    if engine:
        return engine
    from fakehouse.catalog import hive
    from fakehouse.catalog.duckdb import FILE

    if hive.is_spark_warehouse(warehouse) and not (Path(warehouse) / FILE).is_file():
        return "spark"
    return "local"


def generate(
    domain,
    multiplier,
    seed,
    out,
    workers,
    formats,
    overwrite,
    master,
    block_rows,
    rep,
    config=None,
    plugins=(),
):
    """`fakehouse generate --engine spark`: a local Spark whose catalog lives in OUT."""
    from fakehouse.spark import generate_warehouse

    if formats:
        raise UserError("--format csv/json is for the local engine; Spark writes tables")
    if master is None and workers:
        master = f"local[{workers}]"
    summary = generate_warehouse(
        domain,
        out,
        multiplier=multiplier,
        seed=seed,
        master=master,
        overwrite=overwrite,
        block_rows=block_rows,
        on_plan=rep.start,
        on_progress=rep.advance,
        config=config,
        plugins=plugins,
    )
    return summary


def hint(out: Path) -> str:
    """How to open the catalog afterwards (printed on stderr after generate)."""
    from fakehouse.catalog import hive

    out = Path(out)
    conf = "\n".join(f"    {line}" for line in hive.conf_lines(out))
    return (
        f"Spark catalog in {out} (embedded Derby metastore: one process at a time). Open it with\n"
        f"  fakehouse spark-sql -w {out}    fakehouse pyspark -w {out}    "
        f"fakehouse sql --engine spark -w {out}\n"
        f"or with plain Spark: SPARK_CONF_DIR={out / hive.CONF} spark-sql (or pyspark), "
        f"or these options:\n{conf}"
    )


def session(warehouse: Path, master: str | None):
    from fakehouse.catalog import hive

    return hive.session(hive.check_warehouse(Path(warehouse)), master)


def runner(warehouse: Path, master: str | None):
    """A `run(statement)` of Spark SQL that only reads the warehouse's catalog."""
    from functools import partial

    from fakehouse.catalog import spark_sql

    spark = session(warehouse, master)
    spark_sql.lock(spark)
    return partial(spark_sql.run, spark)


def examine(warehouse: Path, master: str | None, plugins=()) -> tuple[list, list]:
    """The checks' results and the reports' figures of the warehouse's databases, run
    through Spark SQL."""
    from fakehouse.catalog import hive
    from fakehouse.manifest import Manifest
    from fakehouse.quality import spark as checks

    manifest = Manifest.find(warehouse)
    databases = None if manifest is None else [d.schema_ for d in manifest.domains.values()]
    spark = session(warehouse, master)
    try:
        return checks.examine(spark, databases, plugins)
    finally:
        hive.release(spark)


def launch(script: str, warehouse: Path, master: str | None, args: tuple[str, ...]) -> int:
    """Run Spark's own `script` (spark-sql, pyspark) on the catalog of `warehouse`."""
    from fakehouse.catalog import hive
    from fakehouse.manifest import Manifest

    out = hive.check_warehouse(Path(warehouse)).absolute()
    hive.ensure_free(out)
    manifest = Manifest.find(out)
    if manifest is not None and manifest.spark and manifest.spark.root != str(out):
        hive.release(hive.session(out, master))  # re-register the moved warehouse first
    else:
        hive.write_conf(out)
    command = [str(hive.spark_home() / "bin" / script)]
    if master:
        command += ["--master", master]
    command += list(args)
    env = hive.environment(out)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the shell
    try:
        return subprocess.call(command, env=env)
    except OSError as exc:
        raise UserError(f"cannot run {command[0]}: {exc.strerror}") from None
    finally:
        signal.signal(signal.SIGINT, previous)
