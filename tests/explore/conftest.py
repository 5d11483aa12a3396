"""One small warehouse of every domain, shared by the notebook and report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import fakehouse

MULTIPLIER = 0.1  # the new user's warehouse: `fakehouse generate all -m 0.1` (default seed)


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`all` at multiplier 0.1 (1,000 retail customers, 10,000 bank transactions)."""
    out = tmp_path_factory.mktemp("explore") / "w"
    fakehouse.generate("all", multiplier=MULTIPLIER, out=out, workers=2)
    return out
