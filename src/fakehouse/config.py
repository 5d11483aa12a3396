"""Configuration files: a domain's parameters as commented YAML, and any subset of them back.

`show(domains)` prints the complete defaults, every field with its description as a comment
(`fakehouse config show`). `load(config, domains)` turns a file (a path) or a mapping into each
domain's typed parameters: what it gives is merged key by key over the defaults (so any
subset works, and a mix given in full replaces the default mix's weights, not its order),
then validated; every problem is reported at once with its path (`ParamsError`), before
anything is written.

Layout: a file for one domain holds that domain's sections (`customers:`, `sales:`, ...); a
file for several holds one top-level section per domain (`retail:`, `financial:`), as
`fakehouse config show all` prints. A file with domain sections may be used for a single
domain: its other sections are ignored.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from fakehouse.core.table import Domain
from fakehouse.domains import registry
from fakehouse.domains.params import ParamsError, parse
from fakehouse.errors import UserError

WIDTH = 100


def declared(domain: Domain) -> dict[str, int]:
    """Base rows of the tables whose row count a configuration may set."""
    return {t.name: t.base_rows for t in domain.tables if t.base_rows > 0}


def parameters(domain: Domain, data: Mapping[str, Any] | None = None, merge: bool = True):
    """The typed parameters of `domain` from `data` (merged over the defaults unless `merge`
    is False), with every table's base rows filled in. Raises ParamsError."""
    context = {"tables": declared(domain)}
    if merge:
        defaults = parse(domain.params_type, None, context)
        data = _merge(_plain(defaults), data or {})
    return parse(domain.params_type, data, context)


def load(config: str | Path | Mapping[str, Any] | None, domains: Iterable[Domain]) -> dict:
    """Parameters by domain name from `config`: None (the defaults), a YAML file's path, or
    a mapping laid out as a file is (a domain's section may also be its typed parameters).
    Raises UserError (ParamsError for bad values)."""
    domains = list(domains)
    source = "config"
    if config is None:
        data: Any = {}
    elif isinstance(config, Mapping):
        data = config
    else:
        source = str(config)
        data = read(Path(config))
    if not isinstance(data, Mapping):
        raise UserError(f"{source}: a configuration is a mapping of sections, not {_kind(data)}")
    by_domain = _by_domain(data, domains, source)
    out = {}
    problems: list[tuple[str, str]] = []
    for d in domains:
        prefix = d.name if by_domain else ""
        if by_domain and d.name not in data:
            problems.append((d.name, "missing: the file has no section for this domain"))
            continue
        section = data[d.name] if by_domain else data
        if isinstance(section, d.params_type):  # already typed and checked
            out[d.name] = section
            continue
        if section is None:
            section = {}
        if not isinstance(section, Mapping):
            problems.append((d.name, f"a section is a mapping, not {_kind(section)}"))
            continue
        try:
            out[d.name] = parameters(d, section)
        except ParamsError as exc:
            problems += exc.within(prefix).problems if prefix else exc.problems
    if problems:
        raise ParamsError(problems, source)
    _same_people(out, source)
    return out


#: what must agree between domains generated together, for a customer id in both to be one
#: person: the person model, where people live, their email domains, and the end date that
#: ages count to
SHARED = ("people", "customers.state_mix", "customers.email_domains", "history.end_date")


def _same_people(params: Mapping[str, Any], source: str) -> None:
    """ParamsError unless the domains of one warehouse describe the same people."""

    def value(p: Any, path: str) -> Any:
        for part in path.split("."):
            p = getattr(p, part, None)
        return p

    problems = []
    for path in SHARED:
        values = {name: value(p, path) for name, p in params.items()}
        given = {name: v for name, v in values.items() if v is not None}
        if len({repr(v) for v in given.values()}) > 1:
            names = " and ".join(f"{n}.{path}" for n in given)
            problems.append(
                (
                    path,
                    f"{names} differ: a customer in both domains is one person, so give "
                    "them the same value",
                )
            )
    if problems:
        raise ParamsError(problems, source)


def _by_domain(data: Mapping, domains: list[Domain], source: str) -> bool:
    """Whether `data` holds one section per domain (else it is one domain's sections)."""
    names = set(registry.known())
    keys = set(data)
    if keys and keys <= names:
        return True
    if len(domains) > 1 and keys:
        raise UserError(
            f"{source}: a configuration for several domains has one section per domain "
            f"({', '.join(f'{d.name}:' for d in domains)}), as `fakehouse config show all` prints"
        )
    mixed = sorted(keys & names)
    if mixed:
        raise UserError(f"{source}: domain sections ({', '.join(mixed)}) mixed with others")
    return False


def read(path: Path) -> Any:
    """A YAML file's data; dates stay text (the models parse them and reject bad ones)."""
    import yaml

    try:
        text = path.read_text()
    except FileNotFoundError:
        raise UserError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot be read: {exc}") from None
    try:
        return yaml.load(text, Loader=_loader()) or {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise UserError(f"{path}: {where}{exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not YAML: {exc}") from None


def _loader():
    """A safe loader that keeps dates as text and rejects a key given twice."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {key!r} given twice", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep)

    Loader.yaml_implicit_resolvers = {
        first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def _merge(default: Any, given: Any) -> Any:
    """`given` over `default`, mapping by mapping; anything else in `given` replaces."""
    if not isinstance(default, Mapping) or not isinstance(given, Mapping):
        return given
    merged = dict(default)
    for key, value in given.items():
        match = _key(default, key)
        merged[match] = _merge(default[match], value) if match in default else value
    return merged


def _key(mapping: Mapping, key: Any) -> Any:
    """`key`, or the key of `mapping` it spells (hour 10 given as '10' in JSON)."""
    if key in mapping:
        return key
    return next((k for k in mapping if str(k) == str(key)), key)


def _plain(value: Any) -> Any:
    """Models as mappings, tuples as lists: data as a file holds it."""
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _kind(value: Any) -> str:
    return "a list" if isinstance(value, list) else f"{type(value).__name__} {value!r}"[:60]


# --- config show ---------------------------------------------------------------------------


def show(domains: Iterable[Domain]) -> str:
    """The complete defaults of `domains` as commented YAML (one section per domain when
    there are several)."""
    domains = list(domains)
    lines = [
        "# fakehouse configuration: every parameter with its default. Keep what you change",
        "# (any subset works) and pass the file to `fakehouse generate ... --config FILE`.",
    ]
    if len(domains) == 1:
        d = domains[0]
        lines += [*_comment(f"Domain {d.name} ({d.schema}): {d.description}", ""), ""]
        lines += _model(parameters(d), 0)
    else:
        for d in domains:
            lines += ["", *_comment(f"{d.schema}: {d.description}", ""), f"{d.name}:"]
            lines += _model(parameters(d), 2)
    return "\n".join(lines) + "\n"


def _comment(text: str | None, pad: str, hang: str = "") -> list[str]:
    if not text:
        return []
    return textwrap.wrap(text, WIDTH, initial_indent=f"{pad}# ", subsequent_indent=f"{pad}# {hang}")


def _model(model: BaseModel, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        lines += _comment(field.description, pad)
        if isinstance(value, BaseModel):
            lines.append(f"{pad}{name}:")
            lines += _model(value, indent + 2)
        elif (
            isinstance(value, Mapping)
            and value
            and all(isinstance(v, BaseModel) for v in value.values())
        ):
            first = next(iter(value.values()))
            lines.append(f"{pad}# each of them:")
            for key, item in type(first).model_fields.items():
                lines += _comment(f"  {key}: {item.description or ''}".rstrip(": "), pad, "    ")
            lines.append(f"{pad}{name}:")
            for key, item in value.items():
                lines += _wrapped(f"{pad}  {_scalar(key)}: ", _flow(_plain(item)), indent + 4)
        else:
            lines += _wrapped(f"{pad}{name}: ", _flow(_plain(value)), indent + 2)
    return lines


def _wrapped(head: str, flow: str, indent: int) -> list[str]:
    """`head + flow`, a flow collection broken after commas to fit the width."""
    if len(head) + len(flow) <= WIDTH or flow[:1] not in "{[":
        return [head + flow]
    lines, line = [], head
    for part in _items(flow):
        if len(line) + len(part) > WIDTH and line.strip():
            lines.append(line.rstrip())
            line = " " * indent
        line += part
    lines.append(line.rstrip())
    return lines


def _items(flow: str) -> list[str]:
    """`flow` cut after each top-level comma (pieces keep their comma and space)."""
    parts, depth, start, quoted = [], 0, 0, False
    for i, ch in enumerate(flow):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "{[":
            depth += 1
        elif not quoted and ch in "}]":
            depth -= 1
        elif not quoted and ch == "," and depth == 1:
            parts.append(flow[start : i + 2])
            start = i + 2
    parts.append(flow[start:])
    return parts


def _flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    import json

    import yaml

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    plain = yaml.safe_dump(text, width=10**6).removesuffix("...\n").strip()
    if plain == text and not any(c in text for c in ",[]{}#"):
        return text
    return json.dumps(text)
