"""`fakehouse pyspark`: the PySpark shell on a warehouse's Spark catalog, fakehouse importable."""

from __future__ import annotations

from pathlib import Path

import click

from fakehouse.cli.spark import master_option, shell_command


@shell_command("pyspark")
@master_option
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def command(warehouse: Path, master: str | None, args: tuple[str, ...]) -> int:
    """The PySpark shell on a warehouse's Spark catalog.

    ARGS go to pyspark. Driver and workers run this Python, so `import fakehouse` works in the
    shell, and `spark.sql("SHOW DATABASES")` lists the warehouse's databases."""
    from fakehouse.cli.spark import launch

    return launch("pyspark", warehouse, master, args)
