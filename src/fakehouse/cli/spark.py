"""What the commands share for the Spark engine: the options, and their Spark branches.

Kept apart so that generate, sql and validate gain `--engine spark` with a couple of lines each,
and so that nothing here imports pyspark before a Spark branch runs.
"""

from __future__ import annotations

import shlex
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
EXECUTOR_TIMEOUT = "fakehouse.executor_timeout"  # where the option leaves its value: ctx.meta


def _remember(ctx: click.Context, param: click.Parameter, value: float | None) -> None:
    ctx.meta[EXECUTOR_TIMEOUT] = value


executor_timeout_option = click.option(
    "--executor-timeout",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    expose_value=False,  # read by the Spark branches below, so commands need no parameter
    callback=_remember,
    help="With --engine spark on a cluster: stop once Spark jobs have waited SECONDS with no "
    "live executor [default: 120; 0: wait forever].",
)


def executor_timeout() -> float | None:
    """The --executor-timeout of the running command (None: the session's default)."""
    return click.get_current_context().meta.get(EXECUTOR_TIMEOUT)


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
    timestamp_type="timestamp_ntz",
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
        executor_timeout=executor_timeout(),
        timestamp_type=timestamp_type,
    )
    return summary


def hint(out: Path) -> str:
    """How to open the catalog afterwards (printed on stderr after generate): one command a
    line, quoted for the shell, so that each line can be pasted as it is."""
    from fakehouse.catalog import hive

    out = Path(out)
    folder = shlex.quote(str(out))
    return "\n".join(
        [
            f"Spark catalog in {out} (embedded Derby metastore: one process at a time). "
            "Open it with",
            f"  fakehouse spark-sql -w {folder}",
            f"  fakehouse pyspark -w {folder}",
            f"  fakehouse sql -w {folder}",
            "or with plain spark-sql (pyspark, spark-submit) and the settings in its conf folder:",
            f"  SPARK_CONF_DIR={shlex.quote(str(out / hive.CONF))} spark-sql",
            "or with the same settings as --conf options, which this prints:",
            f"  fakehouse spark-sql -w {folder} --print-conf",
        ]
    )


def session(warehouse: Path, master: str | None):
    from fakehouse.catalog import hive

    warehouse = hive.check_warehouse(Path(warehouse))
    return hive.session(warehouse, master, executor_timeout=executor_timeout())


def runner(warehouse: Path, master: str | None):
    """A `run(statement)` of Spark SQL that only reads the warehouse's catalog, its jobs
    under the executor watchdog."""
    from fakehouse.catalog import spark_sql
    from fakehouse.engines.spark_guard import guarded

    spark = session(warehouse, master)
    spark_sql.lock(spark)

    def run(statement: str):
        with guarded(spark):
            return spark_sql.run(spark, statement)

    return run


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
    from fakehouse.engines import spark_guard
    from fakehouse.manifest import Manifest

    out = hive.check_warehouse(Path(warehouse)).absolute()
    hive.ensure_free(out)
    spark_guard.check_master(master)
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
