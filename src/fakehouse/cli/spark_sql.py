"""`fakehouse spark-sql`: Spark's own SQL shell on a warehouse's Spark catalog."""

from __future__ import annotations

from pathlib import Path

import click

from fakehouse.cli.spark import master_option, shell_command


@shell_command("spark-sql")
@master_option
@click.option(
    "--print-conf", is_flag=True, help="Print the --conf options for plain spark-sql and exit."
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def command(warehouse: Path, master: str | None, print_conf: bool, args: tuple[str, ...]) -> int:
    """Spark's SQL shell on a warehouse's Spark catalog.

    ARGS go to spark-sql (-e "SQL", -f FILE, ...). Uses SPARK_HOME's spark-sql, else the one
    inside the pyspark package. A moved warehouse is re-registered first. The embedded
    metastore admits one process at a time.
    """
    from fakehouse.catalog import hive
    from fakehouse.cli.spark import launch

    if print_conf:
        for line in hive.conf_lines(hive.check_warehouse(warehouse).absolute()):
            click.echo(line)
        return 0
    return launch("spark-sql", warehouse, master, args)
