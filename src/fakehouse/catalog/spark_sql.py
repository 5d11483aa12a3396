"""`fakehouse sql --engine spark`: Spark SQL that reads the warehouse's tables and nothing else.

Spark has no sandbox setting: its SQL reads files (csv.`/etc/passwd`), writes them (INSERT
OVERWRITE DIRECTORY, CREATE TABLE ... LOCATION), runs programs (SELECT TRANSFORM ... USING
'cmd'), calls Java (reflect) and changes the session (SET, ADD JAR). So three layers, each
enough for what it covers:

1. Spark's own parser classifies every statement before Spark runs it: a query (its
   `parseQuery` accepts it: SELECT, WITH, VALUES, TABLE, FROM ...) or a read-only command
   (SHOW ..., DESCRIBE ..., USE, EXPLAIN) passes; anything else is refused. An allow-list,
   so a command Spark adds later is refused until someone looks at it.
2. A query is analysed (Spark runs nothing yet) and refused if its plan, subqueries and CTEs
   included, holds a script transformation: TRANSFORM is a query in Spark's grammar.
3. The session (`lock`): `spark.sql.runSQLOnFiles` off, so a file is never a table, and
   reflect/java_method/try_reflect dropped from its function registry. SET being refused,
   neither comes back.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fakehouse.catalog.statements import READ_ONLY
from fakehouse.errors import UserError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: parsed-plan classes of the commands that only read (USE is SetCatalogAndNamespace)
READ_COMMANDS = ("SetCatalogAndNamespace", "SetNamespaceCommand", "ExplainCommand")
READ_PREFIXES = ("Show", "Describe")
#: functions that call any Java method (System.getenv, Runtime.exec, ...)
JAVA_FUNCTIONS = ("reflect", "java_method", "try_reflect")
_SCRIPT = re.compile(r"^[\s:|+\-]*'?ScriptTransformation\b", re.MULTILINE)
_COMMENTS = re.compile(r"\A(\s*(--[^\n]*|/\*.*?\*/))*\s*", re.DOTALL)
_KEYWORD = re.compile(r"[A-Za-z]+")  # the word a statement starts with


def lock(spark: SparkSession) -> None:
    """Close the ways out that are session state (layer 3): files as tables, Java calls."""
    spark.conf.set("spark.sql.runSQLOnFiles", "false")
    jvm = spark.sparkContext._jvm
    identifier = jvm.org.apache.spark.sql.catalyst.FunctionIdentifier
    some = jvm.scala.Option.apply
    registry = spark._jsparkSession.sessionState().functionRegistry()
    for name in JAVA_FUNCTIONS:  # built-ins are named system.builtin.<name>
        registry.dropFunction(identifier.apply(name, some("builtin"), some("system")))


def run(spark: SparkSession, statement: str) -> tuple[list, list] | None:
    """(columns, rows) of one Spark SQL statement; None for one that returns no rows."""
    query = _is_query(spark, statement)
    try:
        frame = spark.sql(statement)  # runs a command; only analyses a query
        if query and _SCRIPT.search(frame._jdf.queryExecution().analyzed().treeString()):
            raise UserError(f"{READ_ONLY}: refused SELECT TRANSFORM (it runs a program)")
        columns = frame.columns
        rows = [tuple(r) for r in frame.collect()] if columns else []
    except UserError:
        raise
    except Exception as exc:
        raise UserError(one_line(exc)) from None
    return (columns, rows) if columns else None


def _is_query(spark: SparkSession, statement: str) -> bool:
    """True for a query, False for a read-only command; anything else is refused (layer 1)."""
    parser = spark._jsparkSession.sessionState().sqlParser()
    try:
        plan = parser.parsePlan(statement)
    except Exception as exc:
        raise UserError(one_line(exc)) from None
    kind = plan.getClass().getSimpleName()
    if kind in READ_COMMANDS or kind.startswith(READ_PREFIXES):
        return False
    try:
        parser.parseQuery(statement)
    except Exception:
        word = _KEYWORD.match(_COMMENTS.sub("", statement))
        what = f"{word[0].upper()} ..." if word else "this statement"
        raise UserError(f"{READ_ONLY}: refused {what}") from None
    return True


def one_line(exc: BaseException) -> str:
    """Spark's (or py4j's) error as its first line."""
    text = getattr(exc, "getMessage", lambda: str(exc))()
    text = str(text).strip().splitlines()[0] if str(text).strip() else type(exc).__name__
    return text
