"""Shared fixtures: small warehouses generated once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import fakehouse


@pytest.fixture(scope="session")
def retail_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A retail warehouse at multiplier 0.05 (500 customers, 2,500 sales)."""
    out = tmp_path_factory.mktemp("retail") / "warehouse"
    fakehouse.generate("retail", multiplier=0.05, seed=11, out=out, workers=2)
    return out


def obeying_file_modes(command: list[str]) -> list[str]:
    """`command` run so that chmod 000 stops it reading: as root, without the capabilities that
    let root read anything (skips the test where setpriv is missing)."""
    if os.geteuid() != 0:
        return command
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
