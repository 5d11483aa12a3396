"""fakehouse.json: one typed manifest, written by both engines, read by everything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakehouse.cli import main
from fakehouse.engines import target
from fakehouse.errors import UserError
from fakehouse.manifest import FILE, DomainRecord, Manifest, SparkRecord


def test_the_local_engines_manifest_reads_back(retail_warehouse: Path):
    manifest = Manifest.read(retail_warehouse)
    assert manifest.engine == "local" and manifest.spark is None
    (record,) = manifest.domains.values()
    assert (record.schema_, record.seed, record.multiplier) == ("retail_analytics", 11, 0.05)
    assert record.rows["customers"] == 500
    assert record.params["history"]["years"] == 3
    assert manifest.schemas == {"retail_analytics"}
    raw = json.loads((retail_warehouse / FILE).read_text())
    assert raw["domains"]["retail"]["schema"] == "retail_analytics"  # the alias on disk


def test_a_manifest_round_trips(tmp_path: Path):
    manifest = Manifest(
        engine="spark",
        spark=SparkRecord(root="/data/wh"),
        domains={"retail": DomainRecord(schema="shop", seed=1, multiplier=2.0, rows={"x": 3})},
    )
    manifest.write(tmp_path)
    assert Manifest.read(tmp_path) == manifest


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "unreadable manifest"),
        ('{"fakehouse_version": "0.1.0", "domains": []}', "domains: "),
        ('{"name": "my own config"}', "unreadable manifest"),
        (
            '{"fakehouse_version": "0.1.0", "domains": {"retail": {"schema": "s", "seed": "x",'
            ' "multiplier": 1}}}',
            "domains.retail.seed",
        ),
    ],
)
def test_an_unreadable_manifest_is_one_line(tmp_path: Path, text: str, message: str):
    (tmp_path / FILE).write_text(text)
    with pytest.raises(UserError, match=message) as error:
        Manifest.read(tmp_path)
    assert "\n" not in str(error.value)
    assert Manifest.find(tmp_path) is None
    assert target.manifest_schemas(tmp_path) is None  # not a warehouse of ours


def test_validate_names_a_bad_manifest_in_one_line(retail_warehouse: Path, tmp_path, capsys):
    from fakehouse.catalog.duckdb import FILE as CATALOG

    (tmp_path / CATALOG).symlink_to(retail_warehouse / CATALOG)
    for text, message in [
        ('{"fakehouse_version": "0.1.0"}', "domains: Field required"),
        ('{"fakehouse_version": "0.1.0", "domains": {}}', "it names no domain"),
    ]:
        (tmp_path / FILE).write_text(text)
        with pytest.raises(SystemExit) as code:
            main(["validate", "-w", str(tmp_path)])
        assert code.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "unreadable manifest" in err and message in err
