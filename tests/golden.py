"""Rewrite the golden file of test_determinism (run: python -m tests.golden)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import fakehouse
from tests.checksums import digests, read
from tests.test_determinism import GOLDEN

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "g"
        fakehouse.generate("retail", multiplier=0.01, seed=42, out=out, workers=2)
        tables = json.loads((out / "fakehouse.json").read_text())["domains"]["retail"]["rows"]
        first = {t: read(out, "retail_analytics", t).slice(0, 1).to_pylist()[0] for t in tables}
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(
            json.dumps({"digests": digests(out), "first_rows": first}, indent=2, default=str) + "\n"
        )
    print(f"wrote {GOLDEN}")
