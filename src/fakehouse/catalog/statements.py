"""What `fakehouse sql` shares between its engines: statements, transpiling, and refusals.

Statements are cut with sqlglot's tokenizer of the SQL's dialect, not by searching for ';':
semicolons inside strings, quoted names and comments do not end a statement, and a last
statement without ';' is a statement like any other. Nothing here runs SQL or imports an
engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from fakehouse.errors import UserError

#: what both engines say when a statement would leave the warehouse's tables
READ_ONLY = "fakehouse sql only reads the warehouse's tables (exports: fakehouse generate --format)"


@dataclass(frozen=True)
class Statement:
    """One statement of a script, with the line it starts on (for error messages)."""

    text: str
    line: int


def _tokens(text: str, dialect: str) -> list:
    import sqlglot
    from sqlglot.errors import TokenError

    try:
        return sqlglot.Dialect.get_or_raise(dialect).tokenize(text)
    except TokenError as exc:  # an unterminated string, quoted name or comment
        raise UserError(
            "cannot read the SQL: a string, quoted name or comment is not closed "
            f"({str(exc).splitlines()[0]})"
        ) from None


def split(text: str, dialect: str) -> list[Statement]:
    """The statements of `text`, in order; empty ones (';;', a lone comment) are dropped."""
    from sqlglot.tokens import TokenType

    statements: list[Statement] = []
    begin, first = 0, None
    for token in _tokens(text, dialect):
        if token.token_type != TokenType.SEMICOLON:
            first = first or token
            continue
        if first is not None:
            statements.append(Statement(text[begin : token.start].strip(), first.line))
        begin, first = token.end + 1, None
    if first is not None:
        statements.append(Statement(text[begin:].strip(), first.line))
    return statements


def complete(text: str, dialect: str) -> bool:
    """Whether `text` ends at the end of a statement (its last token is ';'): the prompt runs
    what it has read then, and reads on otherwise (also inside an unfinished string)."""
    from sqlglot.tokens import TokenType

    try:
        tokens = _tokens(text, dialect)
    except UserError:
        return False
    return bool(tokens) and tokens[-1].token_type == TokenType.SEMICOLON


def transpile(statement: str, read: str, write: str) -> str:
    """`statement` in dialect `write` (unchanged when the dialects agree)."""
    if read == write:
        return statement
    import logging

    import sqlglot
    from sqlglot.errors import ParseError

    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # "falling back to Command" chatter
    try:
        parsed = sqlglot.parse_one(statement, read=read)
    except ParseError as exc:
        raise UserError(f"cannot parse {read} SQL: {str(exc).splitlines()[0]}") from None
    return parsed.sql(dialect=write)
