"""Progress bars with exact totals, and the run summary, on stderr."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table


class Reporter:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.console = Console(stderr=True)
        self.progress: Progress | None = None
        self.tasks: dict[str, int] = {}

    def start(self, totals: dict[str, int]) -> None:
        if self.quiet:
            return
        self.progress = Progress(
            TextColumn("{task.description:<36}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        for name, total in totals.items():
            self.tasks[name] = self.progress.add_task(name, total=total)
        self.progress.start()

    def advance(self, name: str, rows: int) -> None:
        if self.progress is not None:
            self.progress.advance(self.tasks[name], rows)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def summary(self, summary) -> None:
        if self.quiet:
            return
        table = Table(title=f"fakehouse wrote {summary.out}", title_justify="left")
        table.add_column("table")
        table.add_column("rows", justify="right")
        table.add_column("Parquet MB", justify="right")
        for t in summary.tables:
            table.add_row(f"{t.domain}.{t.table}", f"{t.rows:,}", f"{t.bytes / 1e6:,.1f}")
        rate = summary.rows / summary.seconds if summary.seconds else 0.0
        table.add_section()
        table.add_row(
            "total", f"{summary.rows:,}", f"{sum(t.bytes for t in summary.tables) / 1e6:,.1f}"
        )
        self.console.print(table)
        self.console.print(f"{summary.seconds:.2f} s, {rate:,.0f} rows/s")
