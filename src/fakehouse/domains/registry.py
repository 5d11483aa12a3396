"""The domains fakehouse can generate, by command-line name."""

from __future__ import annotations

from fakehouse.core.table import Domain
from fakehouse.errors import UserError

NAMES = ("retail", "financial")


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
    names(name)
    if name == "financial":
        from fakehouse.domains.financial import DOMAIN
    else:
        from fakehouse.domains.retail import DOMAIN

    return DOMAIN
