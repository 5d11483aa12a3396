"""`fakehouse report`: one HTML page, whole and offline, with a chart for every promise; opened
in a real headless browser with the network off."""

from __future__ import annotations

import re

import pytest

from fakehouse.cli import main
from fakehouse.core.contract import domain_checks
from fakehouse.domains import registry
from fakehouse.errors import UserError
from fakehouse.explore import figures, report
from fakehouse.explore.warehouse import open_warehouse
from fakehouse.quality.checks import validate
from tests.browser import open_page


def cli(*args: str) -> tuple[int, str]:
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        main(list(args))
    return exit_info.value.code, err.getvalue()


@pytest.fixture(scope="module")
def made(warehouse) -> report.Report:
    with open_warehouse(warehouse) as wh:
        return report.build(wh)


# --- the page ----------------------------------------------------------------------------------


def test_every_figure_shows_checks_that_exist():
    """A figure names checks of its domain (a renamed check would lose its chart silently)."""
    for domain in {f.domain for f in figures.FIGURES}:
        names = {c.name for c in domain_checks(registry.domain(domain))}
        for figure in (f for f in figures.FIGURES if f.domain == domain):
            assert set(figure.checks) <= names, (figure.title, set(figure.checks) - names)
            assert figure.says.endswith(".") and len(figure.says) > 30


def test_the_page_has_the_summary_every_check_and_a_chart_per_promise(warehouse, made):
    page = made.html
    assert made.results and len(made.results) == len(validate(warehouse))
    for r in made.results:  # every check validate runs, with its measured value
        assert f"<code>{r.check.name}</code>" in page
    assert made.charts == len(figures.FIGURES)  # both domains: every figure drawn
    assert page.count("<svg") == made.charts
    assert "chart unavailable" not in page
    # one card per figure, plus each distribution check no figure shows
    shown = {c for f in figures.FIGURES for c in f.checks}
    uncharted = [r for r in made.results if report.is_distribution(r)]
    uncharted = [r for r in uncharted if r.check.name not in shown]
    assert made.cards == len(figures.FIGURES) + len(uncharted)
    assert page.count('<article class="promise') == made.cards
    # the summary: domains, tables and rows, seed, multiplier, parameters
    with open_warehouse(warehouse) as wh:
        for name, record in wh.manifest.domains.items():
            assert f"<h3>{record.schema_}</h3>" in page
            assert f"multiplier {record.multiplier:g} · seed {record.seed}" in page
            for table, rows in record.rows.items():
                assert f'<code>{table}</code></td><td class="n">{rows:,}</td>' in page
            assert f"<summary>parameters of {name}</summary>" in page
    assert "calendar:" in page and "fraud:" in page  # the parameters, as YAML


def test_the_page_loads_nothing(made):
    page = made.html
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'' in page
    assert "<script" not in page and "<img" not in page and "<link" not in page
    assert "@import" not in page and "url(http" not in page
    # the only addresses are XML namespaces, which nothing fetches
    addresses = set(re.findall(r"https?://[^\"' )<]+", page))
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, addresses


def test_ids_are_unique_across_charts(made):
    ids = re.findall(r'\bid="([^"]+)"', made.html)
    assert len(ids) == len(set(ids))
    for target in re.findall(r"url\(#([^)]+)\)|href=\"#([^\"]+)\"", made.html):
        assert set(target) - {""} <= set(ids) | {"summary", "promises", "checks"}


def test_a_check_without_a_figure_still_gets_a_card(warehouse, made, monkeypatch):
    peak = next(f for f in figures.FIGURES if "transactions.peak_hours" in f.checks)
    monkeypatch.setattr(report, "FIGURES", tuple(f for f in figures.FIGURES if f is not peak))
    with open_warehouse(warehouse) as wh:
        found = report.cards(wh, made.results)["retail_analytics"]
    card = next(c for c in found if c.title == "transactions.peak_hours")
    assert card.svg is None and card.problem is None
    assert [r.check.name for r in card.results] == ["transactions.peak_hours"]
    assert "no chart for this check yet" in report._card_html(card)


def test_a_chart_that_cannot_be_drawn_says_why(warehouse, made, monkeypatch):
    broken = figures.Figure(
        "retail", ("transactions.peak_hours",), "Broken", "A chart whose query fails.",
        "SELECT no_such_column AS x, 1 AS y FROM {s}.transactions", figures.bars("x", "y", "", ""),
    )  # fmt: skip
    monkeypatch.setattr(report, "FIGURES", (broken,))
    with open_warehouse(warehouse) as wh:
        (card, *_) = report.cards(wh, made.results)["retail_analytics"]
    assert card.svg is None and "no_such_column" in card.problem
    assert "chart unavailable: " in report._card_html(card)


def test_measured_figures_sit_beside_their_charts(made):
    first = made.html.index('<article class="promise')
    card = made.html[first : made.html.index("</article>", first)]
    assert "<svg" in card
    assert re.search(r'<span class="figure-value">[-0-9.e]+</span>', card)
    assert "expected" in card


# --- writing it --------------------------------------------------------------------------------


def test_the_command_writes_the_same_page_again_and_says_what_it_holds(warehouse, made, tmp_path):
    out = tmp_path / "report.html"
    report.write(made, out)  # a report already there is replaced
    code, err = cli("report", "-w", str(warehouse), "-o", str(out))
    assert code in (0, None), err
    assert err == f"{out}: {len(made.results)} checks passed, 0 failed; {made.charts} charts\n"
    assert out.read_text() == made.html  # the same warehouse gives the same page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary left


def test_a_file_that_is_not_a_report_is_never_replaced(made, tmp_path):
    thesis = tmp_path / "thesis.html"
    thesis.write_text("<html>two years of work</html>")
    with pytest.raises(UserError, match="exists and is not a fakehouse report"):
        report.write(made, thesis)
    assert thesis.read_text() == "<html>two years of work</html>"
    with pytest.raises(UserError, match="is a folder"):
        report.write(made, tmp_path)
    with pytest.raises(UserError, match="no folder"):
        report.write(made, tmp_path / "missing" / "report.html")


def test_bad_input_is_one_line(tmp_path, monkeypatch):
    code, err = cli("report", "-w", str(tmp_path / "nowhere"), "-o", str(tmp_path / "r.html"))
    assert code == 2 and err.count("\n") == 1 and "no warehouse at" in err
    import builtins

    real = builtins.__import__

    def without_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_matplotlib)
    code, err = cli("report", "-w", str(tmp_path), "-o", str(tmp_path / "r.html"))
    assert code == 2
    assert err == (
        "error: fakehouse report draws its charts with matplotlib: "
        "pip install 'fakehouse[report]'\n"
    )


def test_stored_parameters_of_another_version_are_one_line(warehouse, tmp_path):
    """A warehouse whose stored parameters this version rejects: the report's history window
    says so in validate's one line, not with every problem."""
    import json
    import shutil

    copy = tmp_path / "w"
    shutil.copytree(warehouse, copy, ignore=shutil.ignore_patterns("*.parquet"))
    manifest = json.loads((copy / "fakehouse.json").read_text())
    manifest["domains"]["retail"]["params"]["history"]["years"] = "many"
    manifest["domains"]["retail"]["params"]["history"]["unknown"] = 1
    (copy / "fakehouse.json").write_text(json.dumps(manifest))
    with pytest.raises(UserError, match=r"do not fit fakehouse .*\(and 1 more\)") as error:
        open_warehouse(copy).window("retail")
    assert "generate it again" in str(error.value) and "\n" not in str(error.value)


# --- in a browser ------------------------------------------------------------------------------

#: per chart: its size on the page and the marks (paths, bars, points) it drew
CHARTS = """Array.from(document.querySelectorAll("figure.chart")).map(f => {
  const svg = f.querySelector("svg"); const box = svg ? svg.getBoundingClientRect() : null;
  return {width: box ? box.width : 0, height: box ? box.height : 0,
          marks: svg ? svg.querySelectorAll("path, use, rect").length : 0,
          text: svg ? svg.querySelectorAll("text").length : 0};
})"""


def test_the_report_renders_offline_in_a_browser_without_errors(made, tmp_path):
    page_file = report.write(made, tmp_path / "report.html")
    page = open_page(page_file, tmp_path / "report.png", CHARTS)
    assert page.errors == []
    assert page.requests == [page_file.resolve().as_uri()]  # the page itself, nothing else
    assert len(page.measured) == made.charts
    for chart in page.measured:
        assert chart["width"] > 300 and chart["height"] > 150, chart
        assert chart["marks"] >= 10 and chart["text"] >= 4, chart
    assert page.screenshot.stat().st_size > 50_000  # kept in tmp_path to look at


def test_the_browser_check_catches_what_it_is_for(made, tmp_path):
    """A script, an external image and a chart that drew nothing are all noticed."""
    page = made.html.replace(
        "</body>",
        '<script>console.error("boom")</script><img src="https://example.com/x.png"></body>',
    )
    first = page.index("<svg")
    page = page[:first] + "<svg></svg>" + page[page.index("</svg>", first) + len("</svg>") :]
    path = tmp_path / "broken.html"
    path.write_text(page)
    opened = open_page(path, tmp_path / "broken.png", CHARTS)
    assert any("Content Security Policy" in e and "script" in e for e in opened.errors)
    assert any("Content Security Policy" in e and "example.com" in e for e in opened.errors)
    assert not any("boom" in e for e in opened.errors)  # the policy stopped the script
    assert any(c["marks"] == 0 for c in opened.measured)


def test_is_distribution_tells_invariants_from_measures(made):
    kinds = {r.check.name: report.is_distribution(r) for r in made.results}
    assert kinds["transactions.peak_hours"] and kinds["loans.default_by_risk"]
    assert not kinds["transactions.total_formula"] and not kinds["customers.customer_id_dense"]
