"""The README tells the truth: its "Use it" commands and its Python example run as written,
in order, right after its first block (which leaves a `warehouse` folder behind)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"


def section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def commands(block: str) -> list[str]:
    """The `fakehouse ...` lines of a shell block."""
    return [line for line in block.splitlines() if line.startswith("fakehouse ")]


def shell(cwd: Path, line: str) -> subprocess.CompletedProcess:
    """`line` run by bash as a user types it, with this interpreter's `fakehouse` on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", line],
        cwd=cwd,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


@pytest.mark.slow
def test_use_it_runs_as_written_after_the_first_block(tmp_path):
    setup = blocks(README.read_text(), "bash")[0].replace(" && ", "\n")
    first = commands(setup)[0]
    assert first.startswith("fakehouse generate retail")
    done = shell(tmp_path, first)
    assert done.returncode == 0, done.stderr

    (tmp_path / "report.sql").write_text(  # the user's own script the README pipes in
        "SELECT count(*) FROM retail_analytics.stores;\nSELECT max(total_amount)\n"
        "FROM retail_analytics.transactions\n"
    )
    use_it = section("Use it")
    lines = commands(blocks(use_it, "bash")[0])
    assert len(lines) >= 6
    for line in lines:
        done = shell(tmp_path, line)
        assert done.returncode == 0, f"{line}: {done.stderr}"

    (python,) = blocks(use_it, "python")
    done = subprocess.run(
        [sys.executable, "-c", python], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
