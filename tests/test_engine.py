"""The local engine's promises that are not about the data itself."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_generation_never_imports_pandas(tmp_path):
    pytest.importorskip("pandas")  # in the test extra: without it this proves nothing
    # pyarrow imports pandas on its first numpy conversion when pandas is installed (about
    # 0.3 s per worker); generation builds Arrow arrays from buffers to stay clear of it
    code = (
        "import sys, fakehouse\n"
        f"fakehouse.generate('all', multiplier=0.01, out={str(tmp_path / 'wh')!r}, workers=1,"
        " formats=('csv',))\n"
        "print('pandas' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
