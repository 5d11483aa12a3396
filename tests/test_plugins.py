"""Your own tables: a plugin module declares tables that join a domain; they are planned,
generated, loaded, listed and validated like the domain's own, and anything wrong with a
plugin is one line (exit 2) before anything is written."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

import fakehouse
from fakehouse.catalog.duckdb import FILE
from fakehouse.cli import main
from fakehouse.domains import plugins
from fakehouse.errors import UserError
from fakehouse.manifest import Manifest
from fakehouse.quality import checks as q
from tests.checksums import digests
from tests.installed import REPO, distribution
from tests.installed import fakehouse as cli

EXAMPLE = REPO / "examples" / "loyalty_points.py"
RETURNS = REPO / "examples" / "returns.py"
M = 0.05


def cli_code(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture(scope="module")
def with_plugin(tmp_path_factory) -> Path:
    """A retail warehouse with the README's plugin, made by the command line."""
    out = tmp_path_factory.mktemp("plugin") / "wh"
    args = ["generate", "retail", "-m", str(M), "-o", str(out), "-q", "--plugin", str(EXAMPLE)]
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 0
    return out


def test_the_readme_walks_through_the_example_plugin():
    readme = (REPO / "README.md").read_text()
    code = EXAMPLE.read_text()
    assert code in readme
    assert len(code.splitlines()) < 40


def test_the_plugins_table_is_generated_loaded_and_recorded(with_plugin):
    with duckdb.connect(str(with_plugin / FILE), read_only=True) as con:
        rows, members, early = con.execute(
            "SELECT count(*), count(DISTINCT l.customer_id), "
            "count(*) FILTER (WHERE l.entry_date < c.registration_date) "
            "FROM retail_analytics.loyalty_points l JOIN retail_analytics.customers c "
            "USING (customer_id)"
        ).fetchone()
        comment = con.execute(
            "SELECT comment FROM duckdb_tables() WHERE table_name = 'loyalty_points'"
        ).fetchone()[0]
    assert rows == 20_000 * M and members > 100 and early == 0
    assert comment.startswith("Points customers earn")
    (record,) = Manifest.read(with_plugin).domains["retail"].plugins
    assert (record.kind, record.source, record.tables) == ("file", str(EXAMPLE), ["loyalty_points"])
    assert record.sha256 and len(record.sha256) == 64
    assert Manifest.read(with_plugin).domains["retail"].rows["loyalty_points"] == rows


def test_the_plugins_keys_and_references_are_validated(with_plugin, tmp_path, capsys):
    code, table, _ = cli_code(["validate", "-w", str(with_plugin)], capsys)
    assert code == 0, table
    for check in ("loyalty_points.entry_id_dense", "loyalty_points.customer_id_fk"):
        assert check in table
    # a broken reference fails validate
    broken = tmp_path / "broken"
    shutil.copytree(with_plugin, broken)
    with duckdb.connect(str(broken / FILE)) as con:
        con.execute("UPDATE retail_analytics.loyalty_points SET customer_id = 'CUST9' WHERE true")
    failed = [r.check.name for r in q.validate(broken) if not r.passed]
    assert failed == ["loyalty_points.customer_id_fk"]


def test_tables_of_a_warehouse_list_its_plugins_tables(with_plugin, capsys):
    code, listing, _ = cli_code(["tables", "-w", str(with_plugin), "-t", "loyalty_points"], capsys)
    assert code == 0 and "retail_analytics.loyalty_points" in listing
    code, _, err = cli_code(["tables", "financial", "-w", str(with_plugin)], capsys)
    assert code == 2 and "holds no financial tables" in err


def test_tables_lists_the_plugins_tables(capsys):
    code, listing, _ = cli_code(["tables", "retail", "--plugin", str(EXAMPLE)], capsys)
    assert code == 0 and "retail_analytics.loyalty_points" in listing
    code, text, _ = cli_code(["tables", "retail", "--markdown", "--plugin", str(EXAMPLE)], capsys)
    assert "| customer_id | VARCHAR |  | customers.customer_id | The member. |" in text


def test_dry_run_estimates_the_plugins_table(tmp_path, capsys):
    args = ["generate", "retail", "--dry-run", "-o", str(tmp_path / "o"), "--plugin", str(EXAMPLE)]
    code, out, _ = cli_code(args, capsys)
    (line,) = [x for x in out.splitlines() if "retail_analytics.loyalty_points" in x]
    assert code == 0 and "20,000" in line
    assert not (tmp_path / "o").exists()


def test_a_plugin_changes_no_other_table(with_plugin, tmp_path):
    plain = tmp_path / "plain"
    fakehouse.generate("retail", multiplier=M, out=plain, workers=2)
    with_it = digests(with_plugin)
    assert with_it.pop("retail_analytics.loyalty_points")
    assert with_it == digests(plain)


def test_a_plugins_table_is_the_same_at_1_2_and_7_workers(with_plugin, tmp_path):
    expected = digests(with_plugin)["retail_analytics.loyalty_points"]
    for workers, block_rows in ((1, None), (7, 97)):
        out = tmp_path / f"w{workers}"
        fakehouse.generate(
            "retail", multiplier=M, out=out, workers=workers, block_rows=block_rows,
            plugins=[EXAMPLE],
        )  # fmt: skip
        assert digests(out)["retail_analytics.loyalty_points"] == expected


@pytest.mark.parametrize("name", ["retail", "financial"])
def test_every_domain_pickles(name):
    """Workers started by spawn (macOS, Windows) receive the contexts pickled."""
    from fakehouse.core.table import Context
    from fakehouse.domains import registry

    ctx = Context.create(registry.domain(name), 1, 0.01)
    assert pickle.loads(pickle.dumps(ctx)).domain == ctx.domain


def test_a_table_driven_by_the_sales_and_in_their_group(tmp_path):
    """examples/returns.py: counted per sale in a first pass, generated in the sales' task,
    with checks of its own; the same whatever the workers and blocks."""
    runs = {}
    for workers, block_rows in ((1, None), (7, 301)):
        out = tmp_path / f"w{workers}"
        fakehouse.generate(
            "retail", multiplier=0.02, out=out, workers=workers, block_rows=block_rows,
            plugins=[RETURNS],
        )  # fmt: skip
        runs[workers] = digests(out)
    assert runs[1] == runs[7]
    assert len(list((tmp_path / "w7" / "retail_analytics" / "returns").glob("*.parquet"))) > 3
    results = q.validate(tmp_path / "w1")
    assert [r.check.name for r in results if not r.passed] == []
    names = {r.check.name for r in results}
    assert {"returns.return_id_dense", "returns.refund_at_most_line_total"} <= names
    assert Manifest.read(tmp_path / "w1").domains["retail"].rows["returns"] > 0


def test_a_domain_with_plugins_pickles_with_the_plugins_code(tmp_path):
    """Another process (a spawned worker, a Spark executor) re-creates the plugin's module
    from its text: it never reads the file, which may not exist there."""
    plugin = tmp_path / "mine.py"
    shutil.copy(EXAMPLE, plugin)
    (domain,) = plugins.domains("retail", [plugin])
    from fakehouse.core.table import Context

    ctx = Context.create(domain, 42, 0.01)
    data = pickle.dumps(ctx)
    plugin.unlink()
    probe = textwrap.dedent(
        """
        import pickle, sys
        ctx = pickle.loads(sys.stdin.buffer.read())
        table = ctx.domain.table("loyalty_points")
        batch = table.batch(table.block(ctx, 0, 50, 0))
        print(batch.num_rows, batch.column("entry_id")[0], ctx.domain.plugins[0].name)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], input=data, capture_output=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().split() == ["50", "LOY0000000001", "mine.py"]


BAD = {
    "syntax": ("def block(:\n", "SyntaxError: invalid syntax (line 1)"),
    "no tables": ("DOMAIN = 'retail'\n", "declares no TABLES"),
    "no domain": ("{table}\nTABLES = [T]\n", "DOMAIN must name the domain"),
    "clash": (
        "DOMAIN = 'retail'\n{table}\nTABLES = [replace(T, name='customers')]\n",
        "retail_analytics already has a table 'customers'",
    ),
    "unknown table": (
        "DOMAIN = 'retail'\n{table}\nTABLES = [T]\n",
        "x.owner references shoppers.customer_id, not a unique column of retail_analytics",
    ),
    "unknown column": (
        "DOMAIN = 'retail'\n{table_col}\nTABLES = [T]\n",
        "x.owner references customers.id, not a unique column of retail_analytics",
    ),
    "unknown parent": (
        "DOMAIN = 'retail'\n{table}\nTABLES = [replace(T, parents=('pets',))]\n",
        "x is generated after pets, no table of retail_analytics",
    ),
    "unsized ids": (
        "DOMAIN = 'retail'\n{table}\nTABLES = [replace(T, primary_key=('x_id',), columns=("
        "*T.columns, Column('x_id', pa.string(), 'Key.', unique=True, id_prefix='X')), "
        "base_rows=0, driver='customers')]\n",
        "x: a key of ids needs base_rows, or max_rows",
    ),
    "crashes": (
        "DOMAIN = 'retail'\n{crashing}\nTABLES = [T]\n",
        "plugin bad.py: table x: ZeroDivisionError: division by zero",
    ),
}
TABLE = """
from dataclasses import replace
import pyarrow as pa
from fakehouse.plugin import Column, Table

def block(ctx, start, stop, first_row):
    return {{"owner": ctx.domain.table("customers").ids(range(start, stop))}}

T = Table(name="x", description="A table.", base_rows=10, block=block, columns=(
    Column("owner", pa.string(), "Who.", references="{parent}"),
))
"""


@pytest.mark.parametrize("case", list(BAD))
def test_a_broken_plugin_is_one_line_and_writes_nothing(case, tmp_path, capsys):
    text, message = BAD[case]
    parent = "shoppers.customer_id" if case == "unknown table" else "customers.customer_id"
    good = TABLE.format(parent="customers.customer_id")
    plugin = tmp_path / "bad.py"
    plugin.write_text(
        text.format(
            table=TABLE.format(parent=parent),
            table_col=TABLE.format(parent="customers.id"),
            crashing=good.replace("return", "1 / 0\n    return"),
        )
    )
    out = tmp_path / "wh"
    code, _, err = cli_code(
        ["generate", "retail", "-m", "0.01", "-o", str(out), "-q", "--plugin", str(plugin)], capsys
    )
    assert code == 2, err
    assert err.count("\n") == 1 and message in err, err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.py"]  # nothing beside it


def test_plugin_mistakes_of_the_command_line_are_one_line(tmp_path, capsys):
    for args, message in [
        (["--plugin", str(tmp_path / "gone.py")], "plugin file"),
        (["--plugin", "no_such_module_here"], "plugin no_such_module_here cannot be loaded"),
    ]:
        code, _, err = cli_code(["generate", "retail", "-o", str(tmp_path / "o"), *args], capsys)
        assert code == 2 and err.count("\n") == 1 and message in err, err
    code, _, err = cli_code(["generate", "financial", "--plugin", str(EXAMPLE)], capsys)
    assert code == 2 and "adds tables to retail, which this run does not generate" in err


def test_validate_when_the_plugin_moved(with_plugin, tmp_path, capsys):
    """The manifest records the plugin's path: when the file is gone, validate says so in one
    line; given the file's new place, it validates."""
    moved = tmp_path / "elsewhere.py"
    shutil.copy(EXAMPLE, moved)
    warehouse = tmp_path / "wh"
    fakehouse.generate("retail", multiplier=0.01, out=warehouse, plugins=[moved], workers=2)
    moved.rename(tmp_path / "renamed.py")
    code, _, err = cli_code(["validate", "-w", str(warehouse)], capsys)
    assert code == 2 and err.count("\n") == 1
    assert f"come from the plugin {moved}, which is gone" in err and "--plugin" in err
    args = ["validate", "-w", str(warehouse), "--plugin", str(tmp_path / "renamed.py")]
    code, table, _ = cli_code(args, capsys)
    assert code == 0 and "loyalty_points.customer_id_fk" in table
    with pytest.raises(UserError, match="which is gone"):
        q.validate(warehouse)


def test_an_installed_plugin_joins_every_run_of_its_domain(tmp_path):
    package = tmp_path / "site" / "my_tables"
    package.mkdir(parents=True)
    shutil.copy(EXAMPLE, package / "__init__.py")
    site = distribution(
        tmp_path / "site", "my-tables", "fakehouse.plugins", {"loyalty": "my_tables"}
    )
    listing = cli("tables", "retail", "-t", "loyalty_points", site=site)
    assert listing.returncode == 0 and "retail_analytics.loyalty_points" in listing.stdout
    out = tmp_path / "wh"
    result = cli("generate", "retail", "-m", "0.01", "-o", str(out), "-q", site=site)
    assert result.returncode == 0, result.stderr
    (record,) = Manifest.read(out).domains["retail"].plugins
    assert (record.kind, record.source) == ("module", "my_tables")
    assert cli("validate", "-w", str(out), site=site).returncode == 0
    # a financial run is not touched by a retail plugin
    assert cli("tables", "financial", "-t", "loyalty_points", site=site).returncode == 2


def test_a_plugins_error_in_a_spark_worker_comes_back_as_its_one_line():
    from fakehouse.engines.spark import _plugin_errors

    wrapped = RuntimeError(
        "[PYTHON_EXCEPTION] An exception was thrown from the Python worker: Traceback ...\n"
        "fakehouse.errors.UserError: plugin crash.py: table x: ZeroDivisionError: division by "
        "zero\n SQLSTATE: 38000\n\tat org.apache.spark..."
    )
    with pytest.raises(UserError) as error, _plugin_errors():
        raise wrapped
    assert str(error.value) == "plugin crash.py: table x: ZeroDivisionError: division by zero"
    with pytest.raises(RuntimeError), _plugin_errors():
        raise RuntimeError("another failure")


def test_the_report_of_a_warehouse_with_a_plugin_reads_its_parameters(with_plugin):
    """The stored parameters name the plugin's table (its rows): the report restores the
    plugin to read them, as validate does."""
    from fakehouse.explore import report
    from fakehouse.explore.warehouse import open_warehouse

    with open_warehouse(with_plugin) as wh:
        made = report.build(wh)
    assert any(r.check.table == "loyalty_points" for r in made.results)
    assert made.failed == 0 and made.charts > 0
