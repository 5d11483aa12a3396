"""The README tells the truth: its "Use it" commands and its Python example run as written,
in order, right after its first block (which leaves a `warehouse` folder behind)."""

from __future__ import annotations

import re
import shlex
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


def commands(block: str) -> list[list[str]]:
    """The `fakehouse ...` lines of a shell block, comments dropped, as argument lists."""
    found = []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "fakehouse":
            found.append(words[1:])
    return found


def fakehouse(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fakehouse", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


@pytest.mark.slow
def test_use_it_runs_as_written_after_the_first_block(tmp_path):
    first = next(c for c in commands(blocks(README.read_text(), "bash")[0].replace("&&", "\n")))
    assert first[:2] == ["generate", "retail"]
    done = fakehouse(tmp_path, *first)
    assert done.returncode == 0, done.stderr

    use_it = section("Use it")
    lines = commands(blocks(use_it, "bash")[0])
    assert len(lines) >= 6
    for args in lines:
        done = fakehouse(tmp_path, *args)
        assert done.returncode == 0, f"fakehouse {shlex.join(args)}: {done.stderr}"

    (python,) = blocks(use_it, "python")
    done = subprocess.run(
        [sys.executable, "-c", python], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
