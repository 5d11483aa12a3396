"""`fakehouse report`: one self-contained HTML page about a warehouse.

The page holds the warehouse's summary (from its manifest: domains, tables and rows, seed,
multiplier, parameters), a chart for every promise of the data with the measured figures of
its checks beside it, and every check `validate` runs with its result. It opens offline: the
charts are inline SVG, the style is inline, there is no script, and its Content-Security-
Policy forbids loading anything at all.

Which promises get a card comes from the checks as data: every figure (`explore.figures`) of a
domain the warehouse holds, then every other check that measures a distribution (bounds other
than the invariants' 0..0), without a chart. A check added later appears at once, charted or
not. Figures are computed with SQL on the warehouse's own catalog (DuckDB, or Spark SQL for a
Spark warehouse), so the report costs about what `validate` costs.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fakehouse.errors import UserError
from fakehouse.explore.figures import FIGURES, Figure, render
from fakehouse.explore.warehouse import Warehouse
from fakehouse.quality.checks import Result, fill
from fakehouse.version import __version__

INSTALL = "pip install 'fakehouse[report]'"
#: how a page says it is one of ours (a file that says so may be replaced)
GENERATOR = '<meta name="generator" content="fakehouse report">'
#: nothing may be loaded: styles are inline, there is no script, image or font to fetch
POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


@dataclass(frozen=True)
class Card:
    """One promise: its title and sentence, its chart (an `<svg>`, or None), why a chart is
    missing, and the results of its checks."""

    title: str
    says: str
    svg: str | None
    problem: str | None
    results: tuple[Result, ...]
    missing: tuple[str, ...] = ()  # checks the figure names that this warehouse did not run


@dataclass(frozen=True)
class Report:
    html: str
    results: list[Result]
    charts: int
    cards: int

    @property
    def failed(self) -> int:
        return sum(not r.passed for r in self.results)


def require() -> None:
    """Matplotlib draws the charts: a missing extra is one line saying how to install it."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UserError(f"fakehouse report draws its charts with matplotlib: {INSTALL}") from None


def is_distribution(result: Result) -> bool:
    """A check that measures something (not an invariant counting violations, 0..0, and not
    a check whose query failed)."""
    return not (result.low == 0 and result.high == 0) and not math.isnan(result.low + result.high)


def cards(warehouse: Warehouse, results: list[Result]) -> dict[str, list[Card]]:
    """The promise cards of each domain of `warehouse` (by schema): its figures, then its
    other distribution checks."""
    out: dict[str, list[Card]] = {}
    for domain in warehouse.domains:
        schema = warehouse.schema(domain)
        mine = {r.check.name: r for r in results if r.schema == schema}
        window = warehouse.window(domain)
        shown: set[str] = set()
        found = []
        for number, figure in enumerate(f for f in FIGURES if f.domain == domain):
            shown.update(figure.checks)
            found.append(_card(warehouse, figure, schema, window, mine, f"{schema}-{number}"))
        for r in mine.values():
            if r.check.name not in shown and is_distribution(r):
                found.append(Card(r.check.name, r.check.description, None, None, (r,)))
        out[schema] = found
    return out


def _card(warehouse, figure: Figure, schema: str, window, mine, key: str) -> Card:
    results = tuple(mine[c] for c in figure.checks if c in mine)
    missing = tuple(c for c in figure.checks if c not in mine)
    try:
        data = warehouse.columns(fill(figure.sql, schema, window))
        svg, problem = render(figure, data, key), None
    except Exception as exc:  # a chart that cannot be drawn says why; the page still renders
        text = str(exc).strip().splitlines()
        svg, problem = None, f"{type(exc).__name__}: {text[0] if text else ''}"
    return Card(figure.title, figure.says, svg, problem, results, missing)


def build(warehouse: Warehouse) -> Report:
    """The report of `warehouse` (validate runs, then each figure's query)."""
    require()
    results = warehouse.validate()
    by_schema = cards(warehouse, results)
    page = _page(warehouse, results, by_schema)
    every = [c for found in by_schema.values() for c in found]
    return Report(page, results, sum(c.svg is not None for c in every), len(every))


def write(report: Report, out: Path) -> Path:
    """Write the page to `out` whole (a temporary file renamed into place). A file already
    there is replaced only if it is a fakehouse report."""
    out = Path(out).expanduser()
    if out.is_dir():
        raise UserError(f"{out} is a folder; give the report's file name, e.g. {out}/report.html")
    if out.exists() and not _ours(out):
        raise UserError(
            f"{out} exists and is not a fakehouse report; choose another --output or remove it"
        )
    if not out.parent.is_dir():
        raise UserError(f"no folder {out.parent} to write the report in")
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(report.html, encoding="utf-8")
        temporary.replace(out)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UserError(f"cannot write {out}: {exc.strerror}") from None
    return out


def _ours(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return GENERATOR.encode() in f.read(4096)
    except OSError:
        return False


# --- the page ------------------------------------------------------------------------------------

CSS = """
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --pass: #1a7f37; --fail: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { margin-top: 36px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { margin-top: 28px; } h4 { margin: 0 0 4px; font-size: 16px; }
code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; }
.muted { color: var(--muted); }
table { border-collapse: collapse; margin: 8px 0; }
th, td { text-align: left; padding: 3px 10px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: var(--pass); font-weight: 600; } .fail { color: var(--fail); font-weight: 600; }
tr.failed td { background: #ffebe9; }
.totals { font-size: 16px; }
.cards { display: grid; grid-template-columns: 1fr; gap: 16px; }
article { border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
article.failed { border-color: var(--fail); }
.body { display: flex; gap: 20px; align-items: flex-start; flex-wrap: wrap; }
figure.chart { margin: 0; flex: 1 1 560px; min-width: 320px; }
figure.chart svg { width: 100%; height: auto; display: block; }
.measures { flex: 0 1 360px; list-style: none; margin: 0; padding: 0; }
.measures li { margin-bottom: 12px; }
.figure-value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.problem { color: var(--fail); }
pre { background: #f6f8fa; padding: 10px; overflow: auto; max-height: 420px; font-size: 12px; }
"""


FAILED = ' class="failed"'


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _page(warehouse: Warehouse, results: list[Result], by_schema: dict[str, list[Card]]) -> str:
    failed = sum(not r.passed for r in results)
    engine = "Spark catalog" if warehouse.engine == "spark" else "DuckDB catalog"
    verdict = (
        f'<span class="pass">all {len(results)} checks passed</span>'
        if not failed
        else f'<span class="fail">{failed} of {len(results)} checks failed</span>'
    )
    name = warehouse.path.resolve().name
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        GENERATOR,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>fakehouse report: {_e(name)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<header><h1>fakehouse report: {_e(name)}</h1>",
        f'<p class="muted">{_e(warehouse.path.resolve())} · {engine} · made by fakehouse '
        f"{_e(warehouse.manifest.fakehouse_version)}, reported by fakehouse {_e(__version__)}"
        "</p>",
        f'<p class="totals">validate: {verdict}</p>',
        '<nav><a href="#summary">Summary</a> · <a href="#promises">Promises</a> · '
        '<a href="#checks">Every check</a></nav></header>',
        _summary(warehouse),
        '<section id="promises"><h2>Promises</h2>',
        '<p class="muted">What the data promise, drawn from the warehouse, with the figures '
        "<code>validate</code> measured beside each chart.</p>",
    ]
    for schema, found in by_schema.items():
        parts.append(f'<h3>{_e(schema)}</h3><div class="cards">')
        parts.extend(_card_html(card) for card in found)
        parts.append("</div>")
    parts.append("</section>")
    parts.append(_checks(results))
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _summary(warehouse: Warehouse) -> str:
    import yaml

    parts = ['<section id="summary"><h2>Summary</h2>']
    for name, record in warehouse.manifest.domains.items():
        total = sum(record.rows.values())
        parts.append(
            f"<h3>{_e(record.schema_)}</h3>"
            f"<p>domain <code>{_e(name)}</code> · multiplier {record.multiplier:g} · seed "
            f"{record.seed} · {len(record.rows)} tables · {total:,} rows</p>"
        )
        parts.append("<table><thead><tr><th>table</th><th>rows</th></tr></thead><tbody>")
        parts.extend(
            f'<tr><td><code>{_e(table)}</code></td><td class="n">{rows:,}</td></tr>'
            for table, rows in record.rows.items()
        )
        parts.append("</tbody></table>")
        if record.plugins:
            sources = ", ".join(_e(p.source) for p in record.plugins)
            parts.append(f"<p>plugins: {sources}</p>")
        text = yaml.safe_dump(record.params, sort_keys=False, default_flow_style=None)
        parts.append(
            f"<details><summary>parameters of {_e(name)}</summary><pre>{_e(text)}</pre></details>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _measure(r: Result) -> str:
    return (
        f'<li><code>{_e(r.check.name)}</code> {_verdict(r)}<br><span class="figure-value">'
        f'{_e(r.shown_value)}</span> <span class="muted">expected {_e(r.expected)}</span>'
        f'<br><span class="muted">{_e(r.check.description)}</span></li>'
    )


def _card_html(card: Card) -> str:
    failed = any(not r.passed for r in card.results)
    if card.svg is not None:
        chart = f'<figure class="chart">{card.svg}</figure>'
    elif card.problem is not None:
        chart = f'<p class="problem">chart unavailable: {_e(card.problem)}</p>'
    else:
        chart = '<p class="muted">no chart for this check yet</p>'
    measures = "".join(_measure(r) for r in card.results)
    measures += "".join(
        f'<li><code>{_e(c)}</code> <span class="muted">not run on this warehouse</span></li>'
        for c in card.missing
    )
    return (
        f'<article class="promise{" failed" if failed else ""}"><h4>{_e(card.title)}</h4>'
        f'<p>{_e(card.says)}</p><div class="body">{chart}'
        f'<ul class="measures">{measures}</ul></div></article>'
    )


def _verdict(r: Result) -> str:
    return '<span class="pass">pass</span>' if r.passed else '<span class="fail">FAIL</span>'


def _checks(results: Iterable[Result]) -> str:
    rows = [
        f"<tr{FAILED if not r.passed else ''}><td><code>{_e(r.schema)}</code></td>"
        f"<td><code>{_e(r.check.name)}</code></td><td>{_e(r.check.description)}</td>"
        f'<td class="n">{_e(r.shown_value)}</td><td>{_e(r.expected)}</td>'
        f"<td>{_verdict(r)}</td></tr>"
        for r in results
    ]
    return (
        '<section id="checks"><h2>Every check</h2><p class="muted">What <code>fakehouse '
        "validate</code> runs: the contract's generic checks of every table, then the "
        "behaviour checks of each domain.</p><table><thead><tr><th>schema</th><th>check</th>"
        "<th>promise</th><th>value</th><th>expected</th><th>result</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></section>"
    )
