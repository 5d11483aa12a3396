"""The shipped notebooks: committed clean, copied into a warehouse without overwriting a
user's edit, executed top to bottom on a small warehouse as `fakehouse notebook` leaves them,
and JupyterLab started on them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import fakehouse
from fakehouse.cli import main
from fakehouse.errors import UserError
from fakehouse.explore import notebooks
from fakehouse.explore.warehouse import ENV, find, open_warehouse
from fakehouse.quality.checks import validate

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = notebooks.shipped()
LOCAL = [name for name, nb in SHIPPED.items() if "local" in notebooks.needs(nb)[1]]


def cli(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the command line run in this process."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit) as exit_info,
    ):
        main(list(args))
    return exit_info.value.code, out.getvalue(), err.getvalue()


def code_cells(notebook: dict) -> list[dict]:
    return [c for c in notebook["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


# --- what is committed ---------------------------------------------------------------------------


def test_the_package_ships_the_four_notebooks():
    assert {"retail.ipynb", "bank.ipynb", "quality.ipynb", "spark.ipynb"} <= set(SHIPPED)
    assert notebooks.needs(SHIPPED["spark.ipynb"])[1] == ["spark"]


def test_no_committed_notebook_holds_outputs():
    found = [p for p in ROOT.rglob("*.ipynb") if not any(x.startswith(".") for x in p.parts)]
    assert len(found) >= len(SHIPPED)
    for path in found:
        for cell in code_cells(json.loads(path.read_text())):
            assert cell["outputs"] == [] and cell["execution_count"] is None, path


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_each_notebook_opens_its_warehouse_says_what_each_chart_shows_and_closes(name):
    notebook = SHIPPED[name]
    cells = notebook["cells"]
    first, *_, last = code_cells(notebook)
    assert "fx.open_warehouse()" in source(first)
    assert source(last).strip() == "wh.close()"
    charts = [i for i, c in enumerate(cells) if "plt.show()" in source(c)]
    assert len(charts) >= 2
    for i in charts:  # a sentence right before every chart
        before = cells[i - 1]
        assert before["cell_type"] == "markdown", (name, i)
        assert source(before).rstrip().endswith((".", ":", ")")), (name, source(before))


# --- copying into a warehouse --------------------------------------------------------------------


@pytest.fixture(scope="module")
def retail_only(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("retail") / "w"
    fakehouse.generate("retail", multiplier=0.01, seed=3, out=out, workers=1)
    return out


def test_a_warehouse_gets_the_notebooks_that_fit_it(retail_only, tmp_path):
    out = tmp_path / "w"
    import shutil

    shutil.copytree(retail_only, out)
    copied = notebooks.copy(out)
    assert [(c.name, c.action) for c in copied] == [
        ("quality.ipynb", "new"),
        ("retail.ipynb", "new"),
    ]  # no bank without a bank, no Spark notebook in a DuckDB warehouse
    on_disk = json.loads((out / "notebooks" / "retail.ipynb").read_text())
    assert notebooks.sources_hash(on_disk) == notebooks.sources_hash(SHIPPED["retail.ipynb"])
    assert [(c.name, c.action) for c in notebooks.copy(out)] == [
        ("quality.ipynb", "current"),
        ("retail.ipynb", "current"),
    ]


def test_an_edited_copy_is_kept_and_an_older_unedited_one_updated(retail_only, tmp_path):
    import shutil

    out = tmp_path / "w"
    shutil.copytree(retail_only, out)
    notebooks.copy(out)
    folder = out / "notebooks"
    # the user's edit of retail.ipynb
    edited = json.loads((folder / "retail.ipynb").read_text())
    edited["cells"][1]["source"] = "wh = fx.open_warehouse()  # my own analysis\n"
    (folder / "retail.ipynb").write_text(json.dumps(edited))
    # quality.ipynb as an older fakehouse copied it, never touched since
    older = json.loads(json.dumps(SHIPPED["quality.ipynb"]))
    older["cells"][0]["source"] = "# Data quality (an older version)\n"
    older["metadata"]["fakehouse"]["copied"] = notebooks.sources_hash(older)
    (folder / "quality.ipynb").write_text(json.dumps(older))

    code, _, err = cli("notebook", "-w", str(out), "--copy-only")
    assert code == 0, err
    assert (folder / "retail.ipynb").read_text() == json.dumps(edited)  # untouched
    assert "retail.ipynb: kept as you edited it" in err
    updated = json.loads((folder / "quality.ipynb").read_text())
    assert notebooks.sources_hash(updated) == notebooks.sources_hash(SHIPPED["quality.ipynb"])
    assert "quality.ipynb: updated" in err


def test_a_copy_with_outputs_only_is_not_an_edit(retail_only, tmp_path):
    import shutil

    out = tmp_path / "w"
    shutil.copytree(retail_only, out)
    notebooks.copy(out)
    path = out / "notebooks" / "retail.ipynb"
    ran = json.loads(path.read_text())
    ran["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi\n"}]
    path.write_text(json.dumps(ran))
    assert ("retail.ipynb", "current") in [(c.name, c.action) for c in notebooks.copy(out)]
    assert path.read_text() == json.dumps(ran)  # outputs kept


def test_an_unreadable_copy_is_the_users(retail_only, tmp_path):
    import shutil

    out = tmp_path / "w"
    shutil.copytree(retail_only, out)
    (out / "notebooks").mkdir()
    (out / "notebooks" / "retail.ipynb").write_text("my notes, not JSON")
    assert ("retail.ipynb", "kept") in [(c.name, c.action) for c in notebooks.copy(out)]
    assert (out / "notebooks" / "retail.ipynb").read_text() == "my notes, not JSON"


def test_copy_only_prints_the_command_that_names_the_warehouse(retail_only, tmp_path):
    import shlex
    import shutil

    out = tmp_path / "my w"
    shutil.copytree(retail_only, out)
    code, printed, err = cli("notebook", "-w", str(out), "--copy-only", "--port", "8899")
    assert code == 0, err
    words = shlex.split(printed)
    assert words[0] == f"{ENV}={out.absolute()}"
    assert words[1:4] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={out.absolute() / 'notebooks'}" in words
    assert words[-2:] == ["--port", "8899"]
    assert ("--allow-root" in words) == (os.geteuid() == 0)  # Jupyter refuses root otherwise
    assert err.startswith(f"notebooks in {out / 'notebooks'}: quality.ipynb, retail.ipynb")


def test_without_the_extra_one_line_says_how_to_install_it(retail_only, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "jupyterlab" else real(name)
    )
    code, _, err = cli("notebook", "-w", str(retail_only))
    assert code == 2
    assert err.strip().splitlines() == [
        "error: fakehouse notebook needs JupyterLab and the notebooks' libraries "
        "(jupyterlab missing): pip install 'fakehouse[notebook]'"
    ]


def test_no_warehouse_is_one_line(tmp_path):
    code, _, err = cli("notebook", "-w", str(tmp_path / "nowhere"))
    assert code == 2
    assert err.strip().splitlines() == [
        f"error: no warehouse at {tmp_path / 'nowhere'} (expected "
        f"{tmp_path / 'nowhere' / 'fakehouse.json'})"
    ]


# --- finding the warehouse a notebook sits in ----------------------------------------------------


def test_a_notebook_finds_its_warehouse_from_the_folder_it_runs_in(
    retail_only, tmp_path, monkeypatch
):
    import shutil

    retail_only = shutil.copytree(retail_only, tmp_path / "w")
    monkeypatch.delenv(ENV, raising=False)
    folder = retail_only / "notebooks" / "deeper"
    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(folder)
    assert find() == retail_only
    monkeypatch.setenv(ENV, str(retail_only))
    monkeypatch.chdir(retail_only.parent)
    assert find() == retail_only
    with open_warehouse() as wh:
        assert wh.domains == ["retail"]
        assert wh.sql("SELECT count(*) AS n FROM retail_analytics.stores").n[0] == 5
        # the guide's Spark SQL, transpiled for DuckDB
        days = wh.sql(
            "SELECT DATEDIFF(MAX(transaction_date), MIN(transaction_date)) AS d "
            "FROM retail_analytics.transactions",
            dialect="spark",
        ).d[0]
        assert 300 < days <= 3 * 366
        with pytest.raises(UserError, match="holds no financial data"):
            wh.schema("financial")
        with pytest.raises(UserError, match="made by the local engine"):
            wh.spark  # noqa: B018


def test_no_warehouse_above_says_how_to_open_one(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError, match="fakehouse notebook -w WAREHOUSE"):
        find()


# --- executed as a new user runs them -----------------------------------------------------------

#: per notebook, a last cell whose printed JSON the test reads: the notebook's own results
PROBES = {
    "retail.ipynb": """
import json
print(json.dumps({
    "clv": {k: float(v) for k, v in clv.iloc[0].items()},
    "segments": list(segments.index),
    "top_share": float(top),
    "retention": [float(v) for v in retention.stack().dropna()],
}))
""",
    "bank.ipynb": """
import json
print(json.dumps({
    "auc": auc, "fraud": int(y.sum()),
    "atm_not_twenties": int((atm.amount % 20 != 0).sum()),
    "defaults": {k: float(v) for k, v in defaults.dropna().items()},
}))
""",
    "quality.ipynb": """
import json
print(json.dumps({
    "guide": [int(guide_nulls.to_numpy().sum()), int(guide_orphans.to_numpy().sum())],
    "required_nulls": int(required.rows_with_nulls.sum()),
    "orphans": int(references.orphans.sum()),
    "references": len(references),
    "checks": len(results), "passed": int(results.passed.sum()),
}))
""",
}


def execute(path: Path, probe: str | None = None, timeout: int = 600) -> tuple[dict, dict | None]:
    """Run the notebook at `path` in its own folder as Jupyter would (a new kernel of this
    Python), and the probe after it; the executed notebook and the probe's JSON."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    if probe:
        notebook.cells.append(nbformat.v4.new_code_cell(probe))
    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    found = None
    if probe:
        (printed,) = [o["text"] for o in notebook.cells[-1]["outputs"] if o.get("name") == "stdout"]
        found = json.loads(printed)
    return notebook, found


def images(cell) -> int:
    return sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


@pytest.fixture(scope="module")
def copied(warehouse) -> Path:
    """The warehouse after `fakehouse notebook -w W --copy-only`."""
    code, _, err = cli("notebook", "-w", str(warehouse), "--copy-only")
    assert code == 0, err
    assert sorted(p.name for p in (warehouse / "notebooks").iterdir()) == sorted(LOCAL)
    return warehouse


@pytest.mark.parametrize("name", sorted(LOCAL))
def test_every_notebook_runs_top_to_bottom_with_charts(copied, name, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)  # found from the folder it sits in
    executed, found = execute(copied / "notebooks" / name, PROBES[name])
    cells = executed.cells[:-1]
    setup = code_cells(executed)[0]
    shown = "".join(o.get("data", {}).get("text/plain", "") for o in setup["outputs"])
    assert str(copied) in shown  # it opened the warehouse it was launched on
    for cell in cells:  # a chart drawn unless the data lack it (an indented plt.show())
        if "plt.show()" in source(cell):
            conditional = "\n    plt.show()" in source(cell)
            assert images(cell) == 1 or (conditional and images(cell) == 0), source(cell)[:200]
    assert sum(images(c) for c in cells) >= 2

    if name == "retail.ipynb":
        assert found["clv"]["avg_clv"] > 0
        assert found["clv"]["avg_purchases"] >= 1
        assert 0 <= found["clv"]["avg_lifetime_days"] <= 3 * 366
        assert set(found["segments"]) == {"VIP", "Premium", "Regular", "Basic"}
        assert found["segments"][0] == "VIP"  # the most valuable per customer
        assert 0.2 < found["top_share"] <= 1
        assert found["retention"] and all(0 <= v <= 1 for v in found["retention"])
    elif name == "bank.ipynb":
        assert found["atm_not_twenties"] == 0
        assert set(found["defaults"]) <= {"Low", "Medium", "High"}
        assert all(0 <= v <= 1 for v in found["defaults"].values())
        if found["fraud"] >= 4:  # the model is trained and judged on held-out rows
            assert 0.5 < found["auc"] <= 1
        auc_cell = next(c for c in cells if "fraud_model" in c.metadata.get("tags", []))
        assert "held-out ROC AUC" in "".join(o.get("text", "") for o in auc_cell.outputs)
    elif name == "quality.ipynb":
        assert found["guide"] == [0, 0]
        assert found["required_nulls"] == 0
        assert found["orphans"] == 0 and found["references"] >= 20
        results = validate(copied)
        assert found["checks"] == len(results)
        assert found["passed"] == sum(r.passed for r in results)


# --- JupyterLab --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


@pytest.mark.slow
def test_fakehouse_notebook_starts_jupyterlab_on_the_notebooks_and_sigterm_stops_it(
    retail_only, tmp_path
):
    import shutil

    out = tmp_path / "w"
    shutil.copytree(retail_only, out)
    port, token = free_port(), "fakehouse-test"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    env.pop(ENV, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "fakehouse", "notebook", "-w", str(out), "--no-browser",
         f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                listing = get(f"http://127.0.0.1:{port}/api/contents?token={token}")
                break
            except OSError:
                assert process.poll() is None, process.communicate()[1][-2000:]
                assert time.monotonic() < deadline, "JupyterLab did not answer in 120 s"
                time.sleep(0.5)
        assert {c["name"] for c in listing["content"]} == {"quality.ipynb", "retail.ipynb"}
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 130, err[-2000:]
        assert err.startswith(f"notebooks in {out / 'notebooks'}: quality.ipynb, retail.ipynb")
        assert err.rstrip().endswith("aborted")
        with pytest.raises(OSError):  # JupyterLab ended with it
            get(f"http://127.0.0.1:{port}/api/status?token={token}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
