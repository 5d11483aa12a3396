"""Shared fixtures: small warehouses generated once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

import fakehouse


@pytest.fixture(scope="session")
def retail_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A retail warehouse at multiplier 0.05 (500 customers, 2,500 sales)."""
    out = tmp_path_factory.mktemp("retail") / "warehouse"
    fakehouse.generate("retail", multiplier=0.05, seed=11, out=out, workers=2)
    return out
