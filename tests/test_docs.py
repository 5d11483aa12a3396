"""docs/SCHEMA.md is what `fakehouse tables --markdown` prints: the declarations' contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakehouse.cli import main
from fakehouse.cli.tables import SCHEMA_DOC

ROOT = Path(__file__).resolve().parents[1]


def test_schema_doc_is_current(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["tables", "--markdown"])
    assert exit_.value.code == 0
    printed = capsys.readouterr().out
    committed = (ROOT / SCHEMA_DOC).read_text()
    assert printed == committed, (
        f"{SCHEMA_DOC} is stale; regenerate it: fakehouse tables --markdown > {SCHEMA_DOC}"
    )


def test_schema_doc_lists_every_table_its_key_and_checks():
    text = (ROOT / SCHEMA_DOC).read_text()
    assert "### retail_analytics.transaction_items" in text
    assert "Primary key: transaction_id, line_number." in text
    assert "Primary key: customer_id (CUST + 10 digits, dense from 1)." in text
    assert "| campaign_id | VARCHAR | yes | marketing_campaigns.campaign_id |" in text
    assert "- `fraud_cases.confirmed_iff_fraud`: " in text
    assert "Ids: SES + zero-padded numbers" in text
