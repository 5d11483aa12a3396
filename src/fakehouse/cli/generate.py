"""`fakehouse generate`: build a warehouse folder with Parquet files and a DuckDB catalog."""

from __future__ import annotations

from pathlib import Path

import click

from fakehouse.cli import options
from fakehouse.cli.spark import executor_timeout_option, master_option
from fakehouse.errors import UserError


@click.command("generate")
@click.argument("domain")
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
@click.option("--overwrite", is_flag=True, help="Replace a non-empty output folder.")
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
    overwrite,
    engine,
    master,
    timestamp_type,
    quiet,
    block_rows,
):
    """Generate DOMAIN (retail, financial, or all) into OUT.

    Writes OUT/<schema>/<table>/part-*.parquet and the catalog OUT/warehouse.duckdb; with
    --engine spark, tables in OUT/spark-warehouse and their Hive metastore OUT/metastore_db.
    """
    from fakehouse.api import generate
    from fakehouse.cli.progress import Reporter

    m = options.multiplier(multiplier)
    reporter = Reporter(quiet)
    if engine == "spark":
        from fakehouse.cli import spark

        try:
            summary = spark.generate(
                domain, m, seed, out, workers, formats, overwrite, master, block_rows, reporter,
                timestamp_type=timestamp_type or "timestamp_ntz",
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
        )
    finally:
        reporter.stop()
    reporter.summary(summary)
