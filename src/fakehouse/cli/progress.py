"""Progress bars with exact totals, and the run summary, on stderr."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

#: first-pass items from which planning gets a bar (a multiplier of about 20 and up)
PLANNING_SHOWN_FROM = 32


class Reporter:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.console = Console(stderr=True)
        self.progress: Progress | None = None
        self.tasks: dict[str, int] = {}

    def _bars(self) -> Progress:
        if self.progress is None:
            self.progress = Progress(
                TextColumn("{task.description:<36}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
                disable=not self.console.is_terminal,  # bars are for people, not for logs
            )
            self.progress.start()
        return self.progress

    def planning(self, schema: str, done: int, total: int) -> None:
        """The first pass (counting rows of two-pass tables), shown once it is long."""
        if self.quiet or total < PLANNING_SHOWN_FROM:
            return
        name = f"planning {schema}"
        if name not in self.tasks:
            self.tasks[name] = self._bars().add_task(name, total=total)
        self._bars().update(self.tasks[name], completed=done)

    def start(self, totals: dict[str, int]) -> None:
        if self.quiet:
            return
        self.stop()  # the planning bars
        self.tasks.clear()
        for name, total in totals.items():
            self.tasks[name] = self._bars().add_task(name, total=total)

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

    def estimate(self, sizes, out, free: int) -> None:
        """`generate --dry-run`: rows and estimated sizes per table, on stdout."""
        from fakehouse.engines.estimate import total_bytes
        from fakehouse.engines.target import human_bytes

        formats = sorted({f for s in sizes for f in s.text})
        table = Table(title=f"fakehouse would write {out} (estimate)", title_justify="left")
        table.add_column("table")
        table.add_column("rows", justify="right")
        for name in ("Parquet", *(f.upper() for f in formats)):
            table.add_column(name, justify="right")
        for s in sizes:
            table.add_row(
                f"{s.schema}.{s.table}",
                f"{s.rows:,}",
                human_bytes(s.parquet),
                *(human_bytes(s.text[f]) for f in formats),
            )
        table.add_section()
        table.add_row(
            "total",
            f"{sum(s.rows for s in sizes):,}",
            human_bytes(sum(s.parquet for s in sizes)),
            *(human_bytes(sum(s.text[f] for s in sizes)) for f in formats),
        )
        Console().print(table)
        needed = total_bytes(sizes)
        fits = "fits" if needed <= free else "does NOT fit"
        Console().print(
            f"with the DuckDB catalog about {human_bytes(needed)} on disk; "
            f"{human_bytes(free)} free there: {fits}"
        )
