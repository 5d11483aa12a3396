"""`fakehouse config show DOMAIN`: every parameter with its default, as commented YAML."""

from __future__ import annotations

import click

from fakehouse.cli import options


@click.group("config")
def command() -> None:
    """Parameters as a YAML file: print the defaults, edit, pass back with --config."""


@command.command("show", cls=options.DomainCommand)
@click.argument("domain", type=options.DOMAIN)
def show(domain: str) -> None:
    """Print every parameter of DOMAIN ({domains}) with its default and
    meaning. Edit a copy, keep any subset, and run `fakehouse generate DOMAIN --config FILE`."""
    from fakehouse import config
    from fakehouse.domains import registry

    click.echo(config.show(registry.domains(domain)), nl=False)
