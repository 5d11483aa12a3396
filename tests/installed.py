"""A package 'installed' for a test: a dist-info folder with entry points, put on a path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[1]


def distribution(site: Path, name: str, group: str, entries: dict[str, str]) -> Path:
    """Make `site` hold an installed distribution `name` with `entries` in entry point
    `group`; returns `site` (put it on sys.path or PYTHONPATH)."""
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    lines = "".join(f"{key} = {value}\n" for key, value in entries.items())
    (info / "entry_points.txt").write_text(f"[{group}]\n{lines}")
    return site


def fakehouse(*args: str, site: Path | None = None, timeout: int = 300):
    """`python -m fakehouse ARGS` with `site` (and this repository, for tests.*) importable."""
    paths = [str(p) for p in (site, REPO) if p is not None]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    return subprocess.run(
        [sys.executable, "-m", "fakehouse", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
