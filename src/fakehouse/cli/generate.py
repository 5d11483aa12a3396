"""`fakehouse generate`: build a warehouse folder with Parquet files and a DuckDB catalog."""

from __future__ import annotations

from pathlib import Path

import click

from fakehouse.cli import options
from fakehouse.cli.spark import executor_timeout_option, master_option
from fakehouse.errors import UserError


@click.command("generate", cls=options.DomainCommand)
@click.argument("domain", type=options.DOMAIN)
@click.option(
    "-m",
    "--multiplier",
    default="1",
    show_default=True,
    help="Records multiplier: 1 is the base size, 0.01 a sample, 1000 a big run (at most 100000).",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same data.")
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=Path("warehouse"),
    show_default=True,
    help="Warehouse folder to create.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: all cores].",
)
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["csv", "json"]),
    help="Also write CSV or JSON lines (Parquet is always written). Repeatable.",
)
@click.option(
    "-c",
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="YAML parameters: any subset of `fakehouse config show DOMAIN`.",
)
@click.option("--overwrite", is_flag=True, help="Replace a non-empty output folder.")
@options.plugin_option
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="local: process pool + DuckDB catalog; spark: Spark, tables in a Hive metastore in OUT.",
)
@master_option
@executor_timeout_option
@click.option(
    "--timestamp-type",
    type=click.Choice(["timestamp_ntz", "timestamp"]),
    default=None,
    help="Spark type of the timestamp columns with --engine spark: timestamp_ntz (Spark 3.4+) "
    "or timestamp (wall clock as UTC; Hive and Trino read it) [default: timestamp_ntz].",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summary.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the rows and estimated size of every table, and the free space; write nothing.",
)
@click.option(
    "--block-rows",
    type=click.IntRange(min=1),
    default=None,
    hidden=True,
    help="Target rows per block (bounds memory per worker).",
)
def command(
    domain,
    multiplier,
    seed,
    out,
    workers,
    formats,
    config,
    overwrite,
    plugins,
    engine,
    master,
    timestamp_type,
    quiet,
    dry_run,
    block_rows,
):
    """Generate DOMAIN ({domains}) into OUT.

    Writes OUT/<schema>/<table>/part-*.parquet and the catalog OUT/warehouse.duckdb; with
    --engine spark, tables in OUT/spark-warehouse and their Hive metastore OUT/metastore_db.
    """
    from fakehouse.api import generate
    from fakehouse.cli.progress import Reporter

    m = options.multiplier(multiplier)
    if dry_run:
        _dry_run(domain, m, seed, out, formats, overwrite, config, plugins)
        return
    reporter = Reporter(quiet)
    if engine == "spark":
        from fakehouse.cli import spark

        try:
            summary = spark.generate(
                domain, m, seed, out, workers, formats, overwrite, master, block_rows, reporter,
                config, plugins, timestamp_type=timestamp_type or "timestamp_ntz",
            )  # fmt: skip
        finally:
            reporter.stop()
        reporter.summary(summary)
        if not quiet:
            click.echo(spark.hint(summary.out), err=True)
        return
    if timestamp_type:
        raise UserError("--timestamp-type is for --engine spark (Parquet timestamps have no zone)")
    try:
        summary = generate(
            domain,
            multiplier=m,
            seed=seed,
            out=out,
            workers=workers,
            formats=formats,
            overwrite=overwrite,
            block_rows=block_rows,
            on_plan=reporter.start,
            on_progress=reporter.advance,
            on_planning=reporter.planning,
            config=config,
            plugins=plugins,
        )
    finally:
        reporter.stop()
    reporter.summary(summary)


def _dry_run(
    domain: str, m: float, seed: int, out: Path, formats, overwrite: bool, config, plugins
) -> None:
    """`generate --dry-run`: the estimate, and whether a real run could write to OUT."""
    from fakehouse.api import estimate
    from fakehouse.cli.progress import Reporter
    from fakehouse.engines import target
    from fakehouse.errors import UserError

    sizes = estimate(domain, m, seed, formats, config, plugins)
    folder = Path(out).expanduser().resolve()
    Reporter(quiet=False).estimate(sizes, folder, target.free_bytes(folder.parent))
    try:
        target.check_target(folder, overwrite)
    except UserError as exc:
        click.echo(f"note: a real run would stop here: {exc}", err=True)
