"""The domains fakehouse can generate, by command-line name."""

from __future__ import annotations

from importlib import import_module

from fakehouse.core.table import Domain
from fakehouse.errors import UserError

#: command-line name -> the package whose DOMAIN declares it (imported on first use)
PACKAGES = {
    "retail": "fakehouse.domains.retail",
    "financial": "fakehouse.domains.financial",
}
NAMES = tuple(PACKAGES)


def names(choice: str) -> tuple[str, ...]:
    """Domain names for a command-line choice ("all" means every domain)."""
    if choice == "all":
        return NAMES
    if choice not in NAMES:
        raise UserError(f"unknown domain {choice!r}; choose from {', '.join((*NAMES, 'all'))}")
    return (choice,)


def domains(choice: str) -> list[Domain]:
    """The domains of a command-line choice ("all" means every domain)."""
    return [domain(n) for n in names(choice)]


def domain(name: str) -> Domain:
    """The one domain called `name`."""
    if name not in PACKAGES:
        raise UserError(f"unknown domain {name!r}; choose from {', '.join(NAMES)}")
    return import_module(PACKAGES[name]).DOMAIN
