"""The output folder of a run: replace only what is ours, one run per folder, crash-clean.

A run claims its output folder OUT with `Output`:

- it refuses outright the filesystem root, the home folder, the current folder and its
  ancestors, and any folder that holds something other than a fakehouse warehouse;
- it takes a lock beside OUT (`.OUT.fakehouse-lock`), so a second run into the same OUT is
  refused with the first one's process id; the lock dies with its process;
- it builds in a hidden staging folder beside OUT and swaps it in only when complete; the
  check that OUT is still empty or still a warehouse is repeated at the moment of the swap
  (after OUT is renamed aside, so nothing can slip in between), and of the old warehouse only
  the entries a warehouse holds are deleted; its `notebooks/` (copied there by `fakehouse
  notebook`, maybe edited since) moves into the new warehouse;
- leftovers of runs whose process is gone (staging folders, a warehouse renamed aside by a
  swap that was cut short) are removed, or put back, by the next run into the same parent.

Nothing here knows a domain: a warehouse is recognised by its manifest.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from pathlib import Path

from fakehouse.errors import UserError
from fakehouse.manifest import FILE as MANIFEST
from fakehouse.manifest import Manifest

#: top-level entries a warehouse may hold besides its schemas' folders (catalogs, exports,
#: the Spark metastore and its settings) and what operating systems drop into any folder
WAREHOUSE_ENTRIES = frozenset(
    {
        MANIFEST,
        "warehouse.duckdb",
        "warehouse.duckdb.wal",
        "csv",
        "json",
        "metastore_db",
        "spark-warehouse",
        "conf",
        "derby.log",
        "spark.log",
        ".DS_Store",
        "Thumbs.db",
    }
)
#: top-level entries of a warehouse that are the user's: the notebooks `fakehouse notebook`
#: copies in (and the user edits), kept when the warehouse is replaced
KEPT = frozenset({"notebooks"})
LEFTOVER = re.compile(r"^\.(?P<name>.+)\.fakehouse-(?P<kind>staging|old)-(?P<pid>\d+)$")


def _hidden(out: Path, kind: str, pid: int | None = None) -> Path:
    return out.parent / f".{out.name}.fakehouse-{kind}-{os.getpid() if pid is None else pid}"


LOCK_SUFFIX = ".fakehouse-lock"


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}{LOCK_SUFFIX}"


# --- what a folder holds -----------------------------------------------------------------


def manifest_schemas(folder: Path) -> set[str] | None:
    """The schema folders a warehouse's manifest names; None if `folder` holds no manifest
    of fakehouse's (missing, unreadable, or not ours)."""
    manifest = Manifest.find(folder)
    return None if manifest is None else manifest.schemas


def foreign_entries(folder: Path) -> list[str]:
    """The entries of `folder` that are not part of a fakehouse warehouse (all of them when it
    has no manifest of ours); empty for an empty folder or a warehouse."""
    entries = sorted(p.name for p in folder.iterdir())
    if not entries:
        return []
    schemas = manifest_schemas(folder)
    if schemas is None:
        return entries
    return [e for e in entries if e not in WAREHOUSE_ENTRIES | KEPT and e not in schemas]


def _listing(names: list[str], folder: Path) -> str:
    shown = [f"{n}/" if (folder / n).is_dir() else n for n in names[:4]]
    more = f" and {len(names) - 4} more" if len(names) > 4 else ""
    return ", ".join(shown) + more


def _refuse_special(out: Path) -> None:
    """Never the root, the home folder, the current folder or one of its ancestors."""
    cwd = Path.cwd().resolve()
    special = {Path(out.anchor): "the filesystem root", cwd: "the current folder"}
    special.update({p: "an ancestor of the current folder" for p in cwd.parents})
    with contextlib.suppress(RuntimeError, KeyError):
        special[Path.home().resolve()] = "your home folder"
    if out in special:
        raise UserError(f"refusing to write a warehouse to {out}: it is {special[out]}")


def check_target(out: Path, overwrite: bool) -> Path:
    """`out` resolved, or a UserError if a run may not write there (see the module doc)."""
    out = Path(out).expanduser().resolve()
    _refuse_special(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} exists and is not a folder")
    if out.is_dir():
        _check_contents(out, out, overwrite)
    probe = out.parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise UserError(f"cannot write to {out.parent}")
    return out


def _check_contents(folder: Path, out: Path, overwrite: bool, changed: bool = False) -> None:
    """Refuse unless `folder` (OUT, or OUT renamed aside) is empty, or a warehouse and
    `overwrite` is given."""
    try:
        foreign = foreign_entries(folder)
        empty = not any(folder.iterdir())
    except OSError as exc:
        raise UserError(f"cannot read {out}: {exc.strerror}") from None
    during = " (they appeared during this run)" if changed else ""
    if foreign:
        raise UserError(
            f"{out} is not a fakehouse warehouse: it holds {_listing(foreign, folder)}{during}; "
            "fakehouse replaces only empty folders and its own warehouses"
        )
    if not empty and not overwrite:
        appeared = " (made during this run)" if changed else ""
        raise UserError(f"{out} holds a warehouse{appeared}; pass --overwrite to replace it")


# --- the lock ----------------------------------------------------------------------------


class Lock:
    """An exclusive lock on OUT held by this process (POSIX `flock` on a file beside OUT).

    The kernel drops it when the process ends, however it ends; the file itself names the
    holder's process id for the message a second run prints. Forked workers share it and die
    with their parent. Without `fcntl` (Windows) runs are not locked.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = lock_path(out)
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return
        for _ in range(40):  # a sweeping run may hold the file for a moment
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise UserError(f"cannot write to {self.out.parent}: {exc.strerror}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _read_pid(fd)
                os.close(fd)
                if holder and _alive(holder):
                    raise UserError(
                        f"another fakehouse run (process {holder}) is writing {self.out}; "
                        "wait for it to finish or choose another --out"
                    ) from None
                time.sleep(0.05)
                continue
            try:  # the file may have been removed by its last holder meanwhile
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, str(os.getpid()).encode())
                self._fd = fd
                return
            os.close(fd)
        raise UserError(f"another fakehouse run is writing {self.out}; retry in a moment")

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()  # while still held: nobody can take a file about to vanish
        os.close(self._fd)
        self._fd = None


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode().strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OSError:
        return False
    return True


def _probe_lock(out: Path, drop: bool) -> bool:
    """True when no run holds OUT's lock; with `drop`, a free lock file is also removed
    (while held for the moment of the probe, so a run taking it sees it vanish and retries)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return True
    path = lock_path(out)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    else:
        if drop:
            with contextlib.suppress(OSError):
                path.unlink()
        return True
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


def _lock_is_free(out: Path) -> bool:
    return _probe_lock(out, drop=False)


def _drop_stale_lock(out: Path) -> bool:
    return _probe_lock(out, drop=True)


# --- leftovers of runs that were killed ---------------------------------------------------


def sweep(parent: Path, held: Path | None = None) -> list[Path]:
    """Clean up after runs in `parent` whose process is gone: remove their staging folders,
    finish their interrupted swaps (a warehouse renamed aside goes back to its place if that
    is free, else it is deleted) and drop their lock files. `held` is the OUT whose lock this
    process holds. Returns what was cleaned."""
    cleaned = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return cleaned
    for path in entries:
        if path.name.endswith(LOCK_SUFFIX) and path.name.startswith("."):
            out = parent / path.name[1 : -len(LOCK_SUFFIX)]
            if out != held and _drop_stale_lock(out):
                cleaned.append(path)
            continue
        found = LEFTOVER.match(path.name)
        if not found or _alive(int(found["pid"])) or not path.is_dir():
            continue
        out = parent / found["name"]
        if out != held and not _lock_is_free(out):
            continue
        if found["kind"] == "staging":
            shutil.rmtree(path, ignore_errors=True)
        elif not out.exists():
            path.rename(out)  # the swap stopped between its two renames: put it back
        else:
            _carry(path, out)  # the swap stopped before the user's notebooks moved
            _remove_warehouse(path)
        cleaned.append(path)
    return cleaned


def _carry(old: Path, new: Path) -> None:
    """Move the user's entries (KEPT) of the replaced warehouse `old` into `new`, unless
    `new` has its own (then they stay in `old`, which is then never deleted)."""
    for name in KEPT:
        if (old / name).exists() and not (new / name).exists():
            with contextlib.suppress(OSError):
                (old / name).rename(new / name)


def _remove_warehouse(folder: Path) -> None:
    """Delete a warehouse folder entry by entry, only what a warehouse holds (not the user's
    notebooks); a folder that still holds anything else is left in place."""
    schemas = manifest_schemas(folder) or set()
    for entry in folder.iterdir():
        if entry.name in WAREHOUSE_ENTRIES or entry.name in schemas:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()


# --- one run's claim ----------------------------------------------------------------------


class Output:
    """One run's claim on OUT: checked, locked, built in `staging`, swapped in by `commit`.

        with Output(out, overwrite) as target:
            ... write the warehouse into target.staging ...
            target.commit()

    Leaving the block without `commit` (an error, Ctrl-C) removes the staging folder and
    leaves OUT exactly as it was.
    """

    def __init__(self, out: Path, overwrite: bool) -> None:
        self.out = check_target(out, overwrite)
        self.overwrite = overwrite
        self.staging = _hidden(self.out, "staging")
        self._lock = Lock(self.out)
        self._committed = False

    def __enter__(self) -> Output:
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot write to {self.out.parent}: {exc.strerror}") from None
        self._lock.acquire()
        try:
            sweep(self.out.parent, held=self.out)
            check_target(self.out, self.overwrite)  # again, now that the folder is ours
            self.staging.mkdir()
        except OSError as exc:
            self._lock.release()
            raise UserError(f"cannot write to {self.out.parent}: {exc.strerror}") from None
        except BaseException:
            self._lock.release()
            raise
        return self

    def commit(self) -> None:
        """Swap the finished staging folder in for OUT; OUT's old content must still be
        empty or a warehouse (with overwrite), checked after it is renamed aside."""
        old = None
        if self.out.exists():
            old = _hidden(self.out, "old")
            self.out.rename(old)
            try:
                _check_contents(old, self.out, self.overwrite, changed=True)
            except BaseException:
                old.rename(self.out)
                raise
        self.staging.rename(self.out)
        self._committed = True
        if old is not None:
            _carry(old, self.out)
            _remove_warehouse(old)

    def __exit__(self, *exc) -> None:
        try:
            if not self._committed:
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._lock.release()


def free_bytes(folder: Path) -> int:
    """Free bytes on the file system that holds (or will hold) `folder`."""
    probe = Path(folder)
    while not probe.exists():
        probe = probe.parent
    return shutil.disk_usage(probe).free


def check_space(folder: Path, needed: int, what: str) -> None:
    """Refuse a run whose estimated size does not fit on `folder`'s file system."""
    free = free_bytes(folder)
    if needed > free:
        raise UserError(
            f"{what} needs about {human_bytes(needed)} but {folder} has only "
            f"{human_bytes(free)} free (fakehouse generate --dry-run shows the estimate)"
        )


def human_bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    raise AssertionError  # pragma: no cover
