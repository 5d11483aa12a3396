from __future__ import annotations

import duckdb
import pytest

import fakehouse
from fakehouse.errors import UserError


def test_generate_and_the_guide_style_generator_agree(tmp_path):
    a = fakehouse.generate("retail", multiplier=0.01, seed=3, out=tmp_path / "a", workers=1)
    b = fakehouse.RetailGenerator(seed=3).generate_all_data(
        records_multiplier=0.01, out=tmp_path / "b", workers=1
    )
    assert a.rows == b.rows > 0
    assert {t.table: t.rows for t in a.tables} == {t.table: t.rows for t in b.tables}
    con = duckdb.connect(str(tmp_path / "b" / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT COUNT(*) FROM retail_analytics.customers").fetchone()[0] == 100


@pytest.mark.parametrize("bad", [0, -1, float("nan"), "2", True, 100_001])
def test_bad_multiplier_is_a_user_error(tmp_path, bad):
    with pytest.raises(UserError):
        fakehouse.generate("retail", multiplier=bad, out=tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_sizes_scale_with_the_multiplier(tmp_path):
    s = fakehouse.generate("retail", multiplier=0.02, out=tmp_path / "w", workers=1)
    rows = {t.table: t.rows for t in s.tables}
    assert rows["customers"] == 200
    assert rows["transactions"] == 1_000
    assert rows["inventory"] == 400
    assert 3 * 1_000 <= rows["transaction_items"] <= 6 * 1_000
