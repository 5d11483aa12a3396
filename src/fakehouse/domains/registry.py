"""The domains fakehouse can generate, by command-line name.

A domain is one package whose `DOMAIN` (a `core.table.Domain`) declares it, plus one entry
here: the built-in ones in `PACKAGES`, others from installed packages through the entry point
group `fakehouse.domains` (`shop = "my_shop"`, or `"my_shop.domain:DOMAIN"` for another
attribute), or `register` at run time. The command line's choices and help come from here.
Names are read without importing a domain; a domain's package is imported when first used.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import import_module, metadata
from typing import TYPE_CHECKING

from fakehouse.errors import UserError

if TYPE_CHECKING:
    from fakehouse.core.table import Domain

#: command-line name -> the package whose DOMAIN declares it
PACKAGES = {
    "retail": "fakehouse.domains.retail",
    "financial": "fakehouse.domains.financial",
}
#: the entry point group of domains from installed packages
ENTRY_POINTS = "fakehouse.domains"
#: the choice that means every domain
ALL = "all"

#: domains registered at run time (`register`)
_REGISTERED: dict[str, str] = {}


def sources() -> dict[str, str]:
    """Every domain's name -> where its declaration is (`package` or `module:attribute`):
    the built-in ones, then installed ones, then those registered at run time."""
    found = dict(PACKAGES)
    for entry in metadata.entry_points(group=ENTRY_POINTS):
        if entry.name in found or entry.name == ALL:
            raise UserError(
                f"the installed package {_distribution(entry)} declares a domain called "
                f"{entry.name!r}, a name already taken; uninstall one of them"
            )
        found[entry.name] = entry.value
    for name, source in _REGISTERED.items():
        found.setdefault(name, source)
    return found


def known() -> tuple[str, ...]:
    """The names of every domain."""
    return tuple(sources())


def choices() -> str:
    """The command line's choices, in words: "retail, financial or all"."""
    return f"{', '.join(known())} or {ALL}"


def names(choice: str) -> tuple[str, ...]:
    """Domain names for a command-line choice ("all" means every domain)."""
    found = known()
    if choice == ALL:
        return found
    if choice not in found:
        raise UserError(f"unknown domain {choice!r}; choose from {choices()}")
    return (choice,)


def domains(choice: str) -> list[Domain]:
    """The domains of a command-line choice ("all" means every domain)."""
    return [domain(n) for n in names(choice)]


def domain(name: str) -> Domain:
    """The one domain called `name`; a package that cannot be loaded, or that declares no
    domain of that name, is one line."""
    from fakehouse.core.table import Domain  # numpy and pyarrow: not for names alone

    found = sources()
    if name not in found:
        raise UserError(f"unknown domain {name!r}; choose from {', '.join(found)}")
    module, _, attribute = found[name].partition(":")
    try:
        declared = getattr(import_module(module), attribute or "DOMAIN")
    except Exception as exc:  # a broken package of someone else's: say which, in one line
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise UserError(
            f"domain {name!r} ({found[name]}) cannot be loaded: "
            f"{type(exc).__name__}{': ' if text else ''}{text}"
        ) from None
    if not isinstance(declared, Domain) or declared.name != name:
        what = f"a domain called {declared.name!r}" if isinstance(declared, Domain) else "no Domain"
        raise UserError(f"domain {name!r} ({found[name]}) declares {what}")
    return declared


@contextlib.contextmanager
def register(name: str, source: str) -> Iterator[None]:
    """Make the domain of `source` (a package with `DOMAIN`, or `module:attribute`) known as
    `name` while the block runs (tests, notebooks)."""
    if name in known() or name == ALL:
        raise UserError(f"a domain called {name!r} is already known")
    _REGISTERED[name] = source
    try:
        yield
    finally:
        _REGISTERED.pop(name, None)


def _distribution(entry: metadata.EntryPoint) -> str:
    dist = getattr(entry, "dist", None)
    return dist.name if dist is not None else entry.value
