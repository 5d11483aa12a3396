"""Configuration files and typed parameters: config show -> edit -> generate --config ->
validate; the printed defaults give the default data; a bad file names every problem with its
path, exits 2 and writes nothing; the knobs take effect and validate follows them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

import fakehouse
from fakehouse import config
from fakehouse.catalog.duckdb import FILE
from fakehouse.cli import main
from fakehouse.core.table import Context
from fakehouse.core.timeline import history_window
from fakehouse.domains import registry
from fakehouse.domains.financial import DOMAIN as BANK
from fakehouse.domains.financial.params import TYPOLOGIES, FinancialParams
from fakehouse.domains.params import ParamsError
from fakehouse.domains.retail import DOMAIN as RETAIL
from fakehouse.domains.retail.params import RetailParams
from fakehouse.quality import checks as q
from tests import golden
from tests.checksums import digests
from tests.quality import breaking

FIVE_STATES = """\
customers:
  state_mix:
    top: {CA: 0.2, TX: 0.2, FL: 0.15, NY: 0.15, PA: 0.1}   # 80% from five states
    rest: population                                        # the other 20% by population
"""

SKEWED_RETAIL = (
    FIVE_STATES
    + """\
sales:
  outcomes: {In-Store: {return_rate: 0.3}, Online: {return_rate: 0.3}}
calendar:
  weekdays: {Sat: 0.6, Sun: 0.5}
  store_hours: {3: 1.0, 10: 0.5}
products:
  categories:
    Books: {share: 0.3, price_scale: 20.0, margin: [0.5, 0.5]}
segments:
  Basic: {basket_mean: 7.0, purchase_frequency: 3.0}
tables:
  customers: {base_rows: 20000}
"""
)


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def _show(capsys, domain: str) -> str:
    code, out, err = run(capsys, "config", "show", domain)
    assert code == 0, err
    return out


# --- config show and the defaults ------------------------------------------------------------


@pytest.mark.parametrize("domain", ["retail", "financial", "all"])
def test_config_show_prints_every_default_and_reads_back_as_the_defaults(domain, capsys, tmp_path):
    text = _show(capsys, domain)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "# Share of customers per listed state" in text  # descriptions as comments
    path = tmp_path / "defaults.yaml"
    path.write_text(text)
    domains = registry.domains(domain)
    loaded = config.load(path, domains)
    for d in domains:
        assert loaded[d.name] == config.parameters(d)
        assert loaded[d.name].model_dump() == config.parameters(d).model_dump()


def test_the_printed_defaults_give_the_pinned_data(capsys, tmp_path):
    path = tmp_path / "defaults.yaml"
    path.write_text(_show(capsys, "retail"))
    out = tmp_path / "w"
    code, _, err = run(
        capsys, "generate", "retail", "-m", "0.01", "--seed", "42", "-o", str(out),
        "--workers", "2", "--config", str(path), "-q",
    )  # fmt: skip
    assert code == 0, err
    expected = golden.load("retail")
    assert golden.first_difference(expected, golden.snapshot(out)) is None


def test_the_printed_bank_defaults_give_the_default_bank(capsys, tmp_path):
    path = tmp_path / "defaults.yaml"
    path.write_text(_show(capsys, "all"))
    fakehouse.generate("financial", multiplier=0.02, seed=3, out=tmp_path / "a", workers=1)
    fakehouse.generate(
        "financial", multiplier=0.02, seed=3, out=tmp_path / "b", workers=1, config=path
    )
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_stored_parameters_are_the_effective_ones(tmp_path):
    out = tmp_path / "w"
    fakehouse.generate(
        "retail",
        multiplier=0.01,
        out=out,
        workers=1,
        config={"tables": {"stores": {"base_rows": 900}}},
    )
    stored = json.loads((out / "fakehouse.json").read_text())["domains"]["retail"]["params"]
    assert stored["tables"]["stores"] == {"base_rows": 900}
    assert stored["tables"]["customers"] == {"base_rows": 10_000}  # filled in: every table
    assert (
        RetailParams.parse(stored)
        == config.load({"tables": {"stores": {"base_rows": 900}}}, [RETAIL])["retail"]
    )


# --- bad files: every problem with its path, exit 2, nothing written --------------------------


BAD = """\
customers:
  state_mix:
    top: {XX: 0.2, CA: 0.3}
  activity_skeww: 2
sales:
  outcomes: {Phone: {cancel_rate: 0.1}}
  promo_rate: 1.5
campaigns:
  types:
    Podcast: {share: 0.5}
history:
  end_date: 2023-02-29
"""


def test_a_bad_file_names_every_problem_with_its_path_exits_2_and_writes_nothing(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    out = tmp_path / "out"
    code, _, err = run(capsys, "generate", "retail", "-o", str(out), "--config", str(path))
    assert code == 2
    assert not out.exists() and not list(tmp_path.glob(".*"))  # no staging folder either
    lines = err.splitlines()
    assert lines[0] == f"error: {path}: 11 problems"
    assert "Traceback" not in err
    found = {line.strip().split(": ", 1)[0]: line for line in lines[1:]}
    assert set(found) == {
        "customers.state_mix.top.XX",
        "customers.activity_skeww",
        "sales.outcomes.Phone",
        "sales.promo_rate",
        "campaigns.types.Podcast.duration_days",
        "campaigns.types.Podcast.budget_median",
        "campaigns.types.Podcast.cpm",
        "campaigns.types.Podcast.ctr",
        "campaigns.types.Podcast.conversion_rate",
        "campaigns.types.Podcast.channel",
        "history.end_date",
    }
    assert "unknown state code" in found["customers.state_mix.top.XX"]
    assert "did you mean activity_skew?" in found["customers.activity_skeww"]
    assert "unknown channel (choose from In-Store, Online)" in found["sales.outcomes.Phone"]
    assert "less than or equal to 1" in found["sales.promo_rate"]
    assert "missing" in found["campaigns.types.Podcast.ctr"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("customers:\n  activity_skeww: 2\n", "customers.activity_skeww: unknown key; did you"),
        ("sales: {max_items: many}\n", "sales.max_items: Input should be a valid integer"),
        ("history: {end_date: 2023-02-29}\n", "history.end_date: Input should be a valid date"),
        ("history: {start_date: 2025-06-01}\n", "history: start_date 2025-06-01 must be 1 to 20"),
        ("history: {years: 30}\n", "history.years: Input should be less than or equal to 20"),
        ("calendar: {store_hours: {24: 1}}\n", "calendar.store_hours.24: an hour is 0 to 23"),
        ("calendar: {weekdays: {Mon: -1}}\n", "calendar.weekdays.Mon: Input should be greater"),
        (
            "calendar: {months: {Jan: 0, Feb: 0, Mar: 0, Apr: 0, May: 0, Jun: 0, Jul: 0, Aug: 0, "
            "Sep: 0, Oct: 0, Nov: 0, Dec: 0}}\n",
            "calendar.months: weights must not all be 0",
        ),
        ("products: {categories: {Toys: {share: 1}}}\n", "products.categories.Toys: unknown"),
        ("suppliers: {contract_years: [5, 1]}\n", "suppliers.contract_years: low 5 is above"),
        ("tables: {transaction_items: {base_rows: 5}}\n", "tables.transaction_items: not a table"),
        ("tables: {customers: {base_rows: 0}}\n", "tables.customers.base_rows: Input should be"),
        ("segments: {VIP: {basket_mean: 12}}\n", "segments VIP: basket_mean above sales.max_items"),
        ("customers: {state_mix: {top: {CA: 0.7, TX: 0.6}}}\n", "add up to 1.3, more than 1"),
        ("segments: {Gold: {share: 1}}\n", "segments.Gold: unknown segment (choose from VIP,"),
        (
            "behavior: {bounce_rate: 0.95}\n",
            "behavior: conversion_rate + bounce_rate + abandoned carts",
        ),
        ("sales: [1, 2]\n", "sales: Input should be a valid dictionary"),
        ("- just a list\n", "a configuration is a mapping of sections, not a list"),
        (
            "sales:\n  max_items: 3\n  max_items: 4\n",
            "line 3, column 3: key 'max_items' given twice",
        ),
        ("sales: {max_items: [\n", "line 2, column 1"),
        ("financial:\n  fraud: {rate: 0.01}\n", "retail: missing: the file has no section"),
    ],
)
def test_each_bad_file_is_one_error_with_its_path_and_exit_2(text, message, capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    out = tmp_path / "out"
    code, _, err = run(capsys, "generate", "retail", "-o", str(out), "--config", str(path))
    assert code == 2
    assert message in err, err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_several_domains_report_their_problems_under_their_section(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("retail:\n  sales: {promo_rate: 2}\nfinancial:\n  fraud: {rate: 0.5}\n")
    code, _, err = run(capsys, "generate", "all", "-o", str(tmp_path / "o"), "--config", str(path))
    assert code == 2
    assert "2 problems" in err
    assert "retail.sales.promo_rate:" in err and "financial.fraud.rate:" in err


def test_a_missing_file_and_a_dry_run_check_the_config_too(capsys, tmp_path):
    code, _, err = run(capsys, "generate", "retail", "--config", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such configuration file" in err
    path = tmp_path / "bad.yaml"
    path.write_text("sales: {promo_rate: 2}\n")
    code, _, err = run(capsys, "generate", "retail", "--dry-run", "--config", str(path))
    assert code == 2 and "sales.promo_rate" in err


def test_the_api_takes_a_mapping_and_rejects_bad_values_before_writing(tmp_path):
    with pytest.raises(ParamsError) as error:
        fakehouse.generate("retail", out=tmp_path / "o", config={"sales": {"promo_rate": 2}})
    assert error.value.problems[0][0] == "sales.promo_rate"
    assert not (tmp_path / "o").exists()


def test_the_spark_submit_entry_takes_a_config():
    from fakehouse.spark import parser

    assert parser().parse_args(["--config", "my.yaml"]).config == "my.yaml"


# --- vocabularies: order and keys --------------------------------------------------------------


def test_a_reordered_typology_mix_keeps_the_vocabulary_order_and_the_data(tmp_path):
    full = config.parameters(BANK).model_dump()
    full["fraud"]["typologies"] = dict(reversed(full["fraud"]["typologies"].items()))
    reordered = FinancialParams.parse(full, {"tables": config.declared(BANK)})
    assert tuple(reordered.fraud.typologies) == TYPOLOGIES
    assert reordered == config.parameters(BANK)
    fakehouse.generate("financial", multiplier=0.05, seed=9, out=tmp_path / "a", workers=1)
    fakehouse.generate(
        "financial", multiplier=0.05, seed=9, out=tmp_path / "b", workers=1,
        config={"fraud": {"typologies": full["fraud"]["typologies"]}},
    )  # fmt: skip
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_a_typology_mix_labels_the_episodes_it_samples(tmp_path):
    """All fraud as card testing: every fraud case says Card Testing."""
    shares = {t: {"share": 1.0 if t == "card_testing" else 0.0} for t in TYPOLOGIES}
    out = tmp_path / "w"
    fakehouse.generate(
        "financial", multiplier=0.3, seed=2, out=out, workers=2,
        config={"fraud": {"rate": 0.004, "typologies": shares}},
    )  # fmt: skip
    with duckdb.connect(str(out / FILE), read_only=True) as con:
        kinds = con.execute(
            "SELECT DISTINCT fraud_type FROM financial_analytics.fraud_cases "
            "WHERE resolution = 'Confirmed Fraud'"
        ).fetchall()
    assert kinds == [("Card Testing",)]


def test_a_29_february_end_date_is_a_valid_window(tmp_path):
    params = config.parameters(RETAIL, {"history": {"end_date": "2024-02-29", "years": 2}})
    window = history_window(params)
    assert (window.first, window.last) == (date(2022, 3, 1), date(2024, 2, 29))
    out = tmp_path / "w"
    fakehouse.generate(
        "retail",
        multiplier=0.02,
        out=out,
        workers=1,
        config={"history": {"end_date": "2024-02-29"}},
    )
    assert not breaking.failures(q.validate(out))


def test_a_start_date_sets_the_window(tmp_path):
    params = config.parameters(BANK, {"history": {"start_date": "2021-07-01"}})
    window = history_window(params)
    assert (window.first, window.last) == (date(2021, 7, 1), date(2025, 12, 31))
    ctx = Context.create(BANK, 1, 0.01, params)
    assert BANK.window(ctx.params) == window


# --- the knobs, and validate following them ------------------------------------------------------


@pytest.fixture(scope="module")
def skewed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("skewed")
    (folder / "skewed.yaml").write_text(SKEWED_RETAIL)
    out = folder / "w"
    fakehouse.generate(
        "retail", multiplier=0.05, seed=4, out=out, workers=2, config=folder / "skewed.yaml"
    )
    return out


def _one(warehouse: Path, sql: str):
    with duckdb.connect(str(warehouse / FILE), read_only=True) as con:
        return con.execute(sql).fetchone()


def test_a_skewed_warehouse_passes_its_own_validation(skewed, capsys):
    code, _, err = run(capsys, "validate", "-w", str(skewed))
    assert code == 0, err


def test_the_five_state_mix_takes_effect(skewed):
    (top,) = _one(
        skewed,
        "SELECT avg(CASE WHEN state IN ('CA', 'TX', 'FL', 'NY', 'PA') THEN 1.0 ELSE 0 END) "
        "FROM retail_analytics.customers",
    )
    assert 0.77 < top < 0.83
    (ca,) = _one(
        skewed,
        "SELECT avg(CASE WHEN state = 'CA' THEN 1.0 ELSE 0 END) FROM retail_analytics.customers",
    )
    assert 0.18 < ca < 0.22


def test_base_rows_are_independent_of_the_multiplier(skewed):
    assert _one(skewed, "SELECT count(*) FROM retail_analytics.customers") == (
        1_000,
    )  # 20000 x .05
    assert _one(skewed, "SELECT count(*) FROM retail_analytics.transactions") == (2_500,)


def test_the_other_knobs_take_effect(skewed):
    (returned,) = _one(
        skewed,
        "SELECT avg(CASE WHEN transaction_status = 'Returned' THEN 1.0 ELSE 0 END) "
        "FROM retail_analytics.transactions",
    )
    assert 0.17 < returned < 0.33  # 0.3 x the lines' return factors (default: about 0.09)
    (night,) = _one(
        skewed,
        "SELECT avg(CASE WHEN hour(transaction_date) = 3 THEN 1.0 ELSE 0 END) "
        "FROM retail_analytics.transactions WHERE channel = 'In-Store'",
    )
    assert 0.035 < night < 0.065  # 1 of about 20 in weight: a store hour that was closed
    books = _one(
        skewed,
        "SELECT median(unit_price), max(abs(unit_cost / unit_price - 0.5)) "
        "FROM retail_analytics.products WHERE category = 'Books'",
    )
    assert books[0] > 150 and books[1] < 0.01


def test_a_check_fails_when_the_stored_parameters_disagree_with_the_data(skewed, tmp_path):
    """The skewed warehouse judged by the default parameters fails where they differ."""
    import shutil

    shutil.copy(skewed / FILE, tmp_path / FILE)
    manifest = json.loads((skewed / "fakehouse.json").read_text())
    manifest["domains"]["retail"]["params"] = config.parameters(RETAIL).model_dump(mode="json")
    (tmp_path / "fakehouse.json").write_text(json.dumps(manifest))
    failed = {r.check.name for r in q.validate(tmp_path) if not r.passed}
    assert {
        "customers.state_mix",
        "transactions.return_rate",
        "transactions.peak_hours",
        "transactions.weekend_effect",
    } <= failed


def test_a_skewed_bank_passes_its_own_validation(tmp_path):
    out = tmp_path / "w"
    fakehouse.generate(
        "financial", multiplier=0.3, seed=8, out=out, workers=2,
        config={
            "fraud": {"rate": 0.002, "detected_rate": 0.6},
            "loans": {"risks": {"High": {"default_factor": 4}, "Low": {"default_factor": 0.1}}},
            "people": {"score_gap_median": 70.0},
            "customers": {"state_mix": {"top": {"TX": 1}, "rest": "none"}},
            "history": {"ledger_days": 45, "years": 5},
            "tables": {"transactions": {"base_rows": 360_000}},  # 8,000 a day
        },
    )  # fmt: skip
    assert not breaking.failures(q.validate(out))
    assert _one(out, "SELECT count(DISTINCT state) FROM financial_analytics.customers") == (1,)


def test_too_many_base_rows_for_the_ids_is_a_user_error(capsys, tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("tables: {stores: {base_rows: 60000000}}\n")
    code, _, err = run(
        capsys, "generate", "retail", "-o", str(tmp_path / "o"), "--config", str(path)
    )
    assert code == 2 and "stores: at most 50,000,000 base rows" in err
    path.write_text("tables: {stores: {base_rows: 400000}}\n")
    code, _, err = run(
        capsys, "generate", "retail", "-m", "1000", "-o", str(tmp_path / "o"), "--config", str(path)
    )
    assert code == 2 and "more than the 50,000,000 its ids are made for" in err
    assert not (tmp_path / "o").exists()


def test_params_error_lists_problems_as_paths():
    with pytest.raises(ParamsError) as error:
        RetailParams.parse({"sales": {"outcomes": {"Lost": {}}}, "stores": {"online_share": 1}})
    assert [p for p, _ in error.value.problems] == ["stores.online_share", "sales.outcomes.Lost"]


def test_a_longer_ledger_needs_more_transactions(capsys, tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text("history: {ledger_days: 183}\n")
    code, _, err = run(
        capsys, "generate", "financial", "-o", str(tmp_path / "o"), "--config", str(path)
    )
    assert code == 2 and "needs at least 1,464,000 transactions.base_rows (8,000 a day" in err
    assert "the default density is 10,000 a day: 1,830,000), got 610,000" in err
    assert not (tmp_path / "o").exists()


def test_more_customers_need_more_transactions():
    with pytest.raises(
        ParamsError,
        match=r"at least 976,000 transactions.base_rows \(8,000 a day "
        r"per 10,000 customers",
    ):
        FinancialParams.parse({"tables": {"customers": {"base_rows": 20_000}}})
    rows = {"customers": {"base_rows": 20_000}, "transactions": {"base_rows": 976_000}}
    assert FinancialParams.parse({"tables": rows}).tables["transactions"].base_rows == 976_000


README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_example_is_five_lines_at_most_and_what_it_says(tmp_path):
    text = README.read_text()
    block = text.split("is four lines:\n\n```yaml\n", 1)[1].split("```", 1)[0]
    assert len(block.strip().splitlines()) <= 5
    path = tmp_path / "my.yaml"
    path.write_text(block)
    mix = config.load(path, [RETAIL])["retail"].customers.state_mix
    assert sum(mix.top.values()) == pytest.approx(0.8) and len(mix.top) == 5
    assert mix.rest == "population"


def test_the_readme_error_example_is_what_the_cli_prints(capsys, tmp_path):
    text = README.read_text()
    shown = text.split("exit\ncode 2:\n\n", 1)[1].split("\n\n", 1)[0]
    path = tmp_path / "my.yaml"
    path.write_text(
        "customers:\n  state_mix: {top: {XX: 0.1}}\n  activity_skeww: 2\n"
        "sales:\n  outcomes: {Phone: {cancel_rate: 0.1}}\n"
    )
    code, _, err = run(capsys, "generate", "retail", "-o", str(tmp_path / "o"), "-c", str(path))
    assert code == 2
    expected = [line[4:] for line in shown.splitlines()]
    assert err.splitlines() == [
        f"error: {path}{expected[0][len('error: my.yaml') :]}",
        *expected[1:],
    ]


def test_domains_generated_together_must_describe_the_same_people(capsys, tmp_path):
    # a customer id in both domains is one person: their person models must agree
    path = tmp_path / "two.yaml"
    path.write_text(
        "retail: {people: {unemployed_rate: 0.1}}\nfinancial: {history: {end_date: 2024-12-31}}\n"
    )
    code, _, err = run(capsys, "generate", "all", "-o", str(tmp_path / "o"), "--config", str(path))
    assert code == 2
    assert "retail.people and financial.people differ" in err
    assert "retail.history.end_date and financial.history.end_date differ" in err
    assert not (tmp_path / "o").exists()
    # alone, either domain may describe its people as it likes
    assert config.load(path, [RETAIL])["retail"].people.unemployed_rate == 0.1
