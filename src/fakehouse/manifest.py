"""`fakehouse.json`: how a warehouse was made, as one typed model.

Both engines write it (the local engine beside its DuckDB catalog, the Spark engine beside its
metastore), and everything that needs to know a warehouse reads it through `Manifest.read`:
`validate` (which domains, their parameters and plugins), the Spark catalog (where it was
registered, to re-point a moved warehouse), the output rules (a folder is a warehouse when it
holds a manifest of ours, and these schemas are its own).

A manifest records per domain: the schema (or Spark database) it went to, seed, multiplier,
the parameters, the rows of every table, and the plugins whose tables it holds: a plugin
file by its absolute path (and the SHA-256 of its text then), an installed plugin by its
module name. Commands that need a plugin's declarations later (`validate`) load it again from
there; when the file is gone they say so in one line, and accept its new place (`--plugin`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fakehouse.errors import UserError
from fakehouse.version import __version__

if TYPE_CHECKING:
    from fakehouse.core.table import Context

FILE = "fakehouse.json"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PluginRecord(_Record):
    """A plugin whose tables a domain of the warehouse holds."""

    kind: Literal["file", "module"]
    #: a file's absolute path, or the module name an installed plugin is imported by
    source: str
    tables: list[str]
    #: SHA-256 of a plugin file's text when the warehouse was made
    sha256: str | None = None


class DomainRecord(_Record):
    """One domain of the warehouse."""

    #: the schema (DuckDB) or database (Spark) holding the domain's tables
    schema_: str = Field(alias="schema")
    seed: int
    multiplier: float
    params: dict[str, Any] = {}
    #: rows per table, in generation order
    rows: dict[str, int] = {}
    plugins: list[PluginRecord] = []

    @classmethod
    def of(cls, ctx: Context, schema: str, rows: dict[str, int] | None = None) -> DomainRecord:
        """The record of a domain generated from `ctx` into `schema`."""
        params = ctx.params.model_dump(mode="json") if hasattr(ctx.params, "model_dump") else {}
        return cls(
            schema=schema,
            seed=ctx.seed,
            multiplier=ctx.multiplier,
            params=params,
            rows=rows or {},
            plugins=[
                PluginRecord(
                    kind=p.kind, source=p.source, tables=[t.name for t in p.tables], sha256=p.sha256
                )
                for p in ctx.domain.plugins
            ],
        )


class SparkRecord(_Record):
    """Where a Spark warehouse's catalog was registered (its metastore stores absolute paths)."""

    root: str
    format: str = "parquet"
    metastore: str = "derby"


class Manifest(_Record):
    fakehouse_version: str = __version__
    engine: Literal["local", "spark"] = "local"
    spark: SparkRecord | None = None
    domains: dict[str, DomainRecord]

    @property
    def schemas(self) -> set[str]:
        """The schema (database) of every domain: the warehouse's own folders."""
        return {d.schema_ for d in self.domains.values()}

    def write(self, folder: Path) -> Path:
        path = Path(folder) / FILE
        path.write_text(self.model_dump_json(indent=2, by_alias=True, exclude_none=True) + "\n")
        return path

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of the warehouse `folder`, or a one-line UserError."""
        path = Path(folder) / FILE
        if not path.is_file():
            raise UserError(f"no manifest {path}; was this folder made by fakehouse?")
        try:
            return cls.model_validate_json(path.read_bytes())
        except OSError as exc:
            raise UserError(f"unreadable manifest {path}: {exc.strerror}") from None
        except ValidationError as exc:
            raise UserError(f"unreadable manifest {path}: {_first_error(exc)}") from None

    @classmethod
    def find(cls, folder: Path) -> Manifest | None:
        """The manifest of `folder`; None when it has none of ours (missing, unreadable, or
        not a fakehouse manifest)."""
        try:
            return cls.read(folder)
        except UserError:
            return None


def _first_error(exc: ValidationError) -> str:
    """pydantic's first error in one line: `domains.retail.seed: Input should be ...`."""
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where + ': ' if where else ''}{error['msg']}{more}"
