"""Your own domains: one folder (tests/tiny) plus one registry entry, or an entry point of an
installed package; the command line's choices and help come from the registry."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import fakehouse
from fakehouse.cli import main
from fakehouse.domains import registry
from fakehouse.errors import UserError
from fakehouse.manifest import Manifest
from tests.checksums import digests
from tests.installed import distribution
from tests.installed import fakehouse as cli

SRC = Path(fakehouse.__file__).parent


@pytest.fixture
def tiny():
    with registry.register("tiny", "tests.tiny"):
        yield registry.domain("tiny")


def code_of(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_a_registered_domain_is_generated_validated_and_listed(tiny, tmp_path, capsys):
    out = tmp_path / "wh"
    code, _, err = code_of(["generate", "tiny", "-m", "1", "-o", str(out), "-q"], capsys)
    assert code == 0, err
    manifest = Manifest.read(out)
    assert manifest.domains["tiny"].rows == {"owners": 300, "pets": 1000}
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        orphans = con.execute(
            "SELECT count(*) FROM tiny_analytics.pets p LEFT JOIN tiny_analytics.owners o "
            "USING (owner_id) WHERE o.owner_id IS NULL"
        ).fetchone()[0]
    assert orphans == 0
    code, table, err = code_of(["validate", "-w", str(out)], capsys)
    assert code == 0, table
    for check in ("pets.owner_id_fk", "pets.pet_id_dense", "pets.adopted_after_owner"):
        assert check in table
    assert "10 passed, 0 failed" in err
    code, listing, _ = code_of(["tables", "tiny"], capsys)
    assert code == 0 and "tiny_analytics.pets" in listing and "owners.owner_id" in listing


def test_a_registered_domain_is_the_same_at_1_2_and_7_workers(tiny, tmp_path):
    runs = {}
    for workers, block_rows in ((1, None), (2, 97), (7, 131)):
        out = tmp_path / f"w{workers}"
        fakehouse.generate("tiny", out=out, workers=workers, block_rows=block_rows, seed=3)
        runs[workers] = digests(out)
    assert len(list((tmp_path / "w7" / "tiny_analytics" / "pets").glob("*.parquet"))) == 8
    assert runs[1] == runs[2] == runs[7]


def test_all_includes_registered_domains(tiny):
    assert registry.names("all")[-1] == "tiny"
    assert registry.choices() == "retail, financial, tiny or all"
    with pytest.raises(UserError, match="already known"), registry.register("retail", "tests.x"):
        pass


def test_an_installed_domain_drives_the_command_line(tmp_path):
    site = distribution(
        tmp_path / "site", "tiny-domain", "fakehouse.domains", {"tiny": "tests.tiny"}
    )
    help_text = cli("generate", "--help", site=site).stdout
    assert "Generate DOMAIN (retail, financial, tiny or all) into OUT." in help_text
    out = tmp_path / "wh"
    result = cli("generate", "tiny", "-m", "0.5", "-o", str(out), "-q", site=site)
    assert result.returncode == 0, result.stderr
    result = cli("validate", "-w", str(out), site=site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tiny" in cli("tables", "--help", site=site).stdout
    # without the package, the warehouse's domain is unknown: one line, exit 2
    result = cli("validate", "-w", str(out))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "unknown domain 'tiny'" in result.stderr


@pytest.mark.parametrize(
    ("entries", "args", "message"),
    [
        ({"broken": "tests.no_such_module"}, ["generate", "broken", "-q"], "cannot be loaded"),
        ({"other": "tests.tiny"}, ["tables", "other"], "declares a domain called 'tiny'"),
        ({"retail": "tests.tiny"}, ["tables"], "a name already taken"),
    ],
)
def test_a_broken_installed_domain_is_one_line(tmp_path, entries, args, message):
    site = distribution(tmp_path / "site", "bad-domain", "fakehouse.domains", entries)
    result = (
        cli(*args, "-o", str(tmp_path / "wh"), site=site)
        if args[0] == "generate"
        else cli(*args, site=site)
    )
    assert result.returncode == 2, result.stdout
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not (tmp_path / "wh").exists()


def test_no_help_string_names_the_domains_literally():
    """Choices and help come from the registry: no module of the command line lists them."""
    for path in [*(SRC / "cli").glob("*.py"), SRC / "spark.py", SRC / "api.py"]:
        text = path.read_text()
        assert "retail, financial" not in text and "financial or all" not in text, path
