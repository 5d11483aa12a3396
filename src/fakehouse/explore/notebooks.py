"""The notebooks that ship with fakehouse, put into a warehouse and opened in JupyterLab.

The notebooks live in the package (`fakehouse/notebooks/*.ipynb`, committed without
outputs). Each says in its metadata (`fakehouse.domains`, `fakehouse.engines`) what it needs,
so a warehouse gets the ones that fit it: the bank's notebook only where there is a bank, the
Spark notebook only in a Spark warehouse.

`fakehouse notebook` copies them into WAREHOUSE/notebooks/ and never replaces a copy the user
has edited. A copy records the hash of the cells it was copied with (`fakehouse.copied` in
its metadata), so a later run can tell the three cases apart by the cells' sources (outputs
and metadata do not count: running a notebook is not editing it):
- the sources are the shipped version's: left as it is (with its outputs);
- they are still those it was copied with, from an older fakehouse: it is replaced by the
  shipped version (nothing of the user's is lost but outputs, which running it again gives);
- anything else is the user's edit: it is kept, and the user told how to get the new one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shlex
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fakehouse.errors import UserError
from fakehouse.manifest import Manifest

FOLDER = "notebooks"  # inside the warehouse (engines.target keeps it across --overwrite)
INSTALL = "pip install 'fakehouse[notebook]'"
#: what the notebooks import, beyond fakehouse
NEEDS = ("jupyterlab", "ipykernel", "matplotlib", "pandas", "sklearn")


@dataclass(frozen=True)
class Copied:
    name: str
    #: new, current (already this version), updated (an unedited older copy replaced), or
    #: kept (edited by the user, left as it is)
    action: str


def shipped() -> dict[str, dict[str, Any]]:
    """The shipped notebooks by file name, as JSON."""
    folder = resources.files("fakehouse") / FOLDER
    return {
        entry.name: json.loads(entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".ipynb")
    }


def needs(notebook: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(domains, engines) a notebook needs: every one of the domains, any of the engines."""
    meta = notebook.get("metadata", {}).get("fakehouse", {})
    return list(meta.get("domains", [])), list(meta.get("engines", ["local", "spark"]))


def fits(notebook: dict[str, Any], manifest: Manifest) -> bool:
    domains, engines = needs(notebook)
    return all(d in manifest.domains for d in domains) and manifest.engine in engines


def sources_hash(notebook: dict[str, Any]) -> str:
    """SHA-256 of the notebook's cells: their kinds and sources, nothing else."""
    cells = [
        (c.get("cell_type"), "".join(c.get("source", "")) if isinstance(c.get("source"), list)
         else c.get("source", ""))
        for c in notebook.get("cells", [])
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def _stamped(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook as copied: its metadata records the hash of the sources copied."""
    copy = json.loads(json.dumps(notebook))
    copy.setdefault("metadata", {}).setdefault("fakehouse", {})["copied"] = sources_hash(notebook)
    return copy


def _write(path: Path, notebook: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    temporary.replace(path)


def _action(path: Path, notebook: dict[str, Any]) -> str:
    if not path.exists():
        return "new"
    try:
        current = json.loads(path.read_text(encoding="utf-8"))
        mine = sources_hash(current)
        copied = current.get("metadata", {}).get("fakehouse", {}).get("copied")
    except (OSError, ValueError, AttributeError, TypeError):
        return "kept"  # not a notebook we can read: the user's
    if mine == sources_hash(notebook):
        return "current"
    return "updated" if mine == copied else "kept"


def copy(warehouse: Path) -> list[Copied]:
    """Put the notebooks that fit `warehouse` into its notebooks folder (see module doc)."""
    manifest = Manifest.read(warehouse)
    folder = Path(warehouse) / FOLDER
    try:
        folder.mkdir(exist_ok=True)
        done = []
        for name, notebook in shipped().items():
            if not fits(notebook, manifest):
                continue
            action = _action(folder / name, notebook)
            if action in ("new", "updated"):
                _write(folder / name, _stamped(notebook))
            done.append(Copied(name, action))
    except OSError as exc:
        raise UserError(f"cannot write the notebooks into {folder}: {exc.strerror}") from None
    return done


def require(engine: str) -> None:
    """Jupyter and what the notebooks import (and pyspark for a Spark warehouse), or one line
    that says how to install them."""
    wanted = (*NEEDS, "pyspark") if engine == "spark" else NEEDS
    missing = [m for m in wanted if importlib.util.find_spec(m) is None]
    if missing:
        extras = "notebook,spark" if "pyspark" in missing else "notebook"
        raise UserError(
            f"fakehouse notebook needs JupyterLab and the notebooks' libraries "
            f"({', '.join(missing)} missing): pip install 'fakehouse[{extras}]'"
        )


def jupyter(warehouse: Path, args: tuple[str, ...] = ()) -> tuple[list[str], dict[str, str]]:
    """The command that starts JupyterLab in the warehouse's notebooks folder, and its
    environment (which names the warehouse for `open_warehouse`)."""
    from fakehouse.explore.warehouse import ENV

    root = Path(warehouse).absolute()
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root / FOLDER}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in args:
        command.append("--allow-root")  # root in a container is common; Jupyter refuses it
    return [*command, *args], {**os.environ, ENV: str(root)}


def shown(command: list[str], warehouse: Path) -> str:
    """The command as a user would type it, shell-quoted."""
    from fakehouse.explore.warehouse import ENV

    env = f"{ENV}={shlex.quote(str(Path(warehouse).absolute()))}"
    return " ".join([env, *(shlex.quote(part) for part in command)])
