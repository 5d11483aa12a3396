"""The standalone Spark catalog: a Hive metastore and warehouse directory inside OUT/.

`fakehouse generate --engine spark --out OUT` needs no cluster: it starts a local SparkSession
whose embedded Derby metastore is `OUT/metastore_db` and whose warehouse directory is
`OUT/spark-warehouse`, never the current directory. `OUT/conf/spark-defaults.conf` (+ a
quiet `log4j2.properties`) holds the same settings, so any later process finds the same
databases: `fakehouse spark-sql` / `fakehouse pyspark` / `fakehouse sql --engine spark`, a
notebook through `fakehouse.spark.session(OUT)`, or plain `spark-sql` / `pyspark` with
`SPARK_CONF_DIR=OUT/conf` (or the `--conf` lines of `fakehouse spark-sql --print-conf`).
The console output of the Spark JVM a session starts goes to `OUT/spark.log`, not to the
terminal: fakehouse reports Spark's failures itself, in one line.

Known pitfalls, handled here:
- embedded Derby admits one process at a time: the lock is probed before a session starts and
  reported as one line naming the holder, not as Derby's stack trace;
- the metastore stores absolute table locations: a warehouse that was moved or copied is
  re-registered (table locations re-pointed, conf rewritten) whenever fakehouse opens it, and
  the conf file never creates an empty metastore at a stale path (`create=false`), so a stale
  plain `spark-sql` fails loudly instead of answering from nothing;
- Python workers run `sys.executable` (spark.pyspark.python), the interpreter that has fakehouse;
- paths may hold spaces and quotes: the warehouse directory is given as `file:` + the plain
  path (a percent-encoded URI is encoded twice by Hive, and the tables land in `a%20b/`),
  Java options are quoted for Spark's parser, and printed commands for the shell;
- a spark:// master is probed before Spark starts, and the JVM a session started is stopped
  when Python exits (spark_guard);
- spark-sql/pyspark come from SPARK_HOME or, from a virtualenv, the pyspark package's own bin/.

This module never imports pyspark at import time; `require()` turns a missing pyspark or Java
into one line saying what to install.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import urllib.parse
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from fakehouse.engines import spark_guard
from fakehouse.errors import UserError
from fakehouse.manifest import Manifest

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

METASTORE = "metastore_db"
WAREHOUSE = "spark-warehouse"
CONF = "conf"
LOG = "spark.log"
INSTALL = "pip install 'fakehouse[spark]'"
JAVA_MIN = 17
DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension"
DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog"

LOG4J = """\
# written by fakehouse: Spark's console log at ERROR only
rootLogger.level = error
rootLogger.appenderRef.stdout.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
# shells (spark-sql, pyspark, a session started from Python) otherwise set WARN and say so
logger.spark.name = org.apache.spark
logger.spark.level = error
"""


# --- requirements ----------------------------------------------------------------------------


def require() -> None:
    """Raise a one-line UserError unless pyspark (with pandas) and Java 17+ are present."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UserError(f"the Spark engine needs pyspark: {INSTALL}") from None
    try:
        import pandas  # noqa: F401  # mapInArrow goes through pyspark's pandas UDF machinery
    except ImportError:
        raise UserError(f"the Spark engine needs pandas: {INSTALL}") from None
    java_version()


def java_version() -> int:
    """The major version of the Java that Spark will launch (JAVA_HOME, else PATH)."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    hint = "install Java 17+ (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
    if not java or not Path(java).exists():
        raise UserError(f"the Spark engine needs Java {JAVA_MIN}+, none found: {hint}")
    try:
        text = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.SubprocessError) as exc:
        raise UserError(f"cannot run {java}: {exc}; {hint}") from None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if not found:
        raise UserError(f"cannot tell the version of {java}; {hint}")
    major = int(found.group(1))
    if major == 1 and found.group(2):  # "1.8.0_392"
        major = int(found.group(2))
    if major < JAVA_MIN:
        raise UserError(f"Spark needs Java {JAVA_MIN}+, {java} is Java {major}; {hint}")
    return major


# --- settings and files ----------------------------------------------------------------------


def settings(out: Path, create: bool = False) -> dict[str, str]:
    """Spark settings that put the catalog of warehouse `out` inside `out`."""
    root = Path(out).absolute()
    return {
        "spark.sql.catalogImplementation": "hive",
        "spark.sql.warehouse.dir": f"file:{root / WAREHOUSE}",
        # TIMESTAMP columns (timestamp_type="timestamp") hold wall-clock values as UTC instants
        "spark.sql.session.timeZone": "UTC",
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={root / METASTORE};create={str(create).lower()}"
        ),
        # derby.log goes to derby.system.home: keep it in OUT, not in the current directory
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={_java_arg(str(root))}",
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
    }


def _java_arg(text: str) -> str:
    """`text` as one argument of a Java options string (spark.driver.extraJavaOptions): Spark
    splits those at spaces and reads quotes and backslashes; inside double quotes only `"`
    and `\\` need a backslash."""
    if not re.search(r"""[\s'"\\]""", text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_conf(out: Path, root: Path | None = None) -> Path:
    """OUT/conf/spark-defaults.conf and log4j2.properties, for the catalog at `root` (default:
    OUT itself; a staging folder writes the paths it will have); returns the conf folder."""
    folder = Path(out) / CONF
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "# written by fakehouse: the Spark catalog of this warehouse (embedded Derby metastore,",
        "# one process at a time). Use: SPARK_CONF_DIR=<this folder> spark-sql",
        "# Paths are absolute: after moving the warehouse run `fakehouse spark-sql -w NEW` once.",
    ]
    # Spark reads the file as Java properties, where a backslash escapes the next character
    lines += [f"{k} {v}".replace("\\", "\\\\") for k, v in settings(root or out).items()]
    (folder / "spark-defaults.conf").write_text("\n".join(lines) + "\n")
    (folder / "log4j2.properties").write_text(LOG4J)
    return folder


def conf_lines(out: Path) -> list[str]:
    """`--conf key=value` arguments for plain spark-sql / pyspark / spark-submit, quoted for
    the shell (the Derby URL holds `;`, paths may hold spaces and quotes)."""
    return [shlex.join(["--conf", f"{k}={v}"]) for k, v in settings(out).items()]


def spark_home() -> Path:
    """SPARK_HOME if it holds Spark's scripts, else the pyspark package (pip ships bin/)."""
    home = os.environ.get("SPARK_HOME")
    if home and (Path(home) / "bin" / "spark-submit").exists():
        return Path(home)
    try:
        import pyspark
    except ImportError:
        raise UserError(f"the Spark engine needs pyspark: {INSTALL}") from None
    return Path(pyspark.__file__).parent


def environment(out: Path) -> dict[str, str]:
    """Environment for spark-sql / pyspark on the catalog of `out`."""
    env = dict(os.environ)
    env["SPARK_HOME"] = str(spark_home())
    env["SPARK_CONF_DIR"] = str(Path(out).absolute() / CONF)
    env["PYSPARK_PYTHON"] = sys.executable
    env["PYSPARK_DRIVER_PYTHON"] = sys.executable
    return env


def is_spark_warehouse(out: Path) -> bool:
    return (Path(out) / METASTORE).is_dir()


def check_warehouse(out: Path) -> Path:
    out = Path(out)
    if not is_spark_warehouse(out):
        raise UserError(
            f"no Spark warehouse at {out} (expected {out / METASTORE}; "
            "run fakehouse generate --engine spark)"
        )
    return out


# --- the Derby lock --------------------------------------------------------------------------


def holder(out: Path) -> int | None:
    """The process id holding the embedded metastore of `out` (0 if unknown), None if free.

    Derby takes a POSIX lock on `metastore_db/dbex.lck` while a process has it booted.
    """
    lock = Path(out) / METASTORE / "dbex.lck"
    if not lock.exists():
        return None
    try:
        import fcntl
        import struct
    except ImportError:  # not POSIX: let Derby report it
        return None
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return None
    try:
        try:  # F_GETLK names the holder without taking the lock
            probe = struct.pack("hhqqi4x", fcntl.F_WRLCK, 0, 0, 0, 0)
            kind, _, _, _, pid = struct.unpack("hhqqi4x", fcntl.fcntl(fd, fcntl.F_GETLK, probe))
            return None if kind == fcntl.F_UNLCK else pid
        except (OSError, struct.error):
            pass
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def busy_message(out: Path, pid: int | None = None) -> str:
    who = f"process {pid}" if pid else "another process"
    return (
        f"the Spark catalog of {out} is open in {who} (its embedded Derby metastore admits one "
        "process at a time): close that spark-sql, pyspark or notebook session, then retry"
    )


def ensure_free(out: Path) -> None:
    pid = holder(out)
    if pid is not None and pid != os.getpid():
        raise UserError(busy_message(out, pid))


# --- sessions --------------------------------------------------------------------------------


def session(
    out: Path,
    master: str | None = None,
    create: bool = False,
    fmt: str = "parquet",
    app_name: str = "fakehouse",
    executor_timeout: float | None = None,
) -> SparkSession:
    """A SparkSession on the catalog of warehouse `out` (created there if `create`).

    Opening an existing warehouse that was moved re-registers its tables first.
    `executor_timeout` sets `spark.fakehouse.executorTimeout` (see engines.spark_guard).
    """
    require()
    out = Path(out).absolute()
    if not create:
        check_warehouse(out)
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    wanted = settings(out, create)
    active = SparkContext._active_spark_context
    if active is not None:  # this process's own session (its JVM holds the metastore)
        current = active.getConf().get("spark.sql.warehouse.dir")
        if current != wanted["spark.sql.warehouse.dir"]:
            raise UserError(
                "a SparkSession with another catalog runs in this process; "
                "stop it (fakehouse.spark.release(spark)) before opening another warehouse"
            )
        spark = SparkSession.builder.getOrCreate()
        set_executor_timeout(spark, executor_timeout)
        return spark
    ensure_free(out)
    spark_guard.check_master(master)
    spark_guard.quiet_py4j()
    out.mkdir(parents=True, exist_ok=True)
    write_conf(out)
    builder = SparkSession.builder.master(master or "local[*]").appName(app_name)
    for key, value in wanted.items():
        builder = builder.config(key, value)
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    if fmt == "delta":  # needs delta-spark, which fetches its jars through spark.jars.packages
        from delta import configure_spark_with_delta_pip

        builder = builder.config("spark.sql.extensions", DELTA_EXTENSION)
        builder = builder.config("spark.sql.catalog.spark_catalog", DELTA_CATALOG)
        builder = configure_spark_with_delta_pip(builder)
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    log = None
    try:
        with _launch_environment(out) as log:
            spark = builder.enableHiveSupport().getOrCreate()
    except Exception as exc:
        cause = (log and _logged_error(log)) or spark_guard.one_line(exc)
        raise UserError(f"Spark did not start (master {master or 'local[*]'}): {cause}") from None
    if not ignored:  # pyspark replaced the handler; a shell that ignores Ctrl-C keeps ignoring
        spark_guard.install_interrupt(spark.sparkContext)
    else:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    spark.sparkContext.setLogLevel("ERROR")
    quiet()
    set_executor_timeout(spark, executor_timeout)
    with spark_guard.interruptible():
        try:
            spark.sql("SHOW DATABASES").collect()  # boot the metastore now, to report its errors
        except Exception as exc:
            release(spark, out)
            raise translate(exc, out) from None
        if not create:
            relocate(spark, out)
    return spark


@contextlib.contextmanager
def _launch_environment(out: Path) -> Iterator[Path | None]:
    """While a session starts: the environment of a new JVM, and, if this call starts the JVM,
    its console output (stdout and stderr, which it inherits) going to OUT/spark.log, which
    it yields (else None). The JVM is stopped when Python exits."""
    from pyspark import SparkContext

    launch = {
        "SPARK_CONF_DIR": str(out / CONF),  # log4j2.properties for the new JVM
        # local workers must run this interpreter, the one that has fakehouse (pyspark reads
        # the environment, not spark.pyspark.python, for a session started from Python)
        "PYSPARK_PYTHON": sys.executable,
    }
    saved = {key: os.environ.get(key) for key in launch}
    os.environ.update(launch)
    starts_jvm = SparkContext._gateway is None
    console = []
    try:
        if starts_jvm:
            sys.stdout.flush()
            sys.stderr.flush()
            with open(out / LOG, "wb") as log:
                for fd in (1, 2):
                    console.append(os.dup(fd))
                    os.dup2(log.fileno(), fd)
        yield out / LOG if starts_jvm else None
    finally:  # the JVM and the context have read them: leave the caller's environment alone
        for fd, copy in enumerate(console, start=1):
            os.dup2(copy, fd)
            os.close(copy)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        process = getattr(SparkContext._gateway, "proc", None)
        if starts_jvm and process is not None:
            atexit.register(_stop_jvm, process)


def _stop_jvm(process: subprocess.Popen) -> None:
    """At exit: close the JVM's stdin, on which Spark's gateway exits; kill it if it lingers."""
    with contextlib.suppress(Exception):
        process.stdin.close()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def _logged_error(log: Path) -> str | None:
    """The first error Spark logged while starting: the cause, where its exception often only
    says that the context is stopped. An exception logged with it gives the message."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return None
    thrown = re.compile(r"(?:Exception in thread \"[^\"]*\" )?[\w.$]+(?:Exception|Error): (.+)")
    for i, line in enumerate(lines):
        logged = re.match(r"\S+ \S+ (?:ERROR|FATAL) \S+: (.+)", line)
        if logged:
            cause = thrown.match(lines[i + 1]) if i + 1 < len(lines) else None
            return (cause or logged).group(1).strip()
        cause = thrown.match(line) or re.match(r"Error: (.+)", line)
        if cause:
            return cause.group(1).strip()
    return None


def set_executor_timeout(spark: SparkSession, seconds: float | None) -> None:
    """Keep `seconds` (None: leave the session's value) as spark.fakehouse.executorTimeout."""
    if seconds is not None:
        spark.conf.set(spark_guard.EXECUTOR_TIMEOUT, f"{seconds:g}")


def quiet() -> None:
    """Keep pyspark from logging every failed query's JVM stack trace as JSON on stderr (our
    callers report the error in one line)."""
    import logging

    from pyspark.logger import PySparkLogger

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL)


def translate(exc: BaseException, out: Path) -> BaseException:
    """Derby's and Hive's long errors as one line, when we know what they mean."""
    text = str(exc)
    if "Another instance of Derby" in text or "already booted" in text:
        return UserError(busy_message(out))
    if "Database" in text and "not found" in text and METASTORE in text:
        return UserError(f"no Spark metastore at {Path(out) / METASTORE}")
    return exc


def release(spark: SparkSession | None, out: Path | None = None) -> None:
    """Stop `spark` and shut its embedded Derby down, so another process can open the catalog.

    Never raises: it also cleans up after failures, whose first cause is the one to report.
    """
    if spark is None:
        return
    from pyspark import SparkContext

    url = None
    with contextlib.suppress(Exception):
        url = spark.sparkContext.getConf().get("spark.hadoop.javax.jdo.option.ConnectionURL")
    with warnings.catch_warnings(), contextlib.suppress(Exception):
        warnings.simplefilter("ignore")  # pyspark warns when the JVM is already gone
        spark.stop()
    jvm = SparkContext._jvm
    if jvm is None or not url or not url.startswith("jdbc:derby:"):
        return
    database = url.split("databaseName=")[-1].split(";")[0]
    # success is reported by Derby as an SQLException (08006)
    with contextlib.suppress(Exception):
        jvm.java.sql.DriverManager.getConnection(
            f"jdbc:derby:;databaseName={database};shutdown=true"
        )


# --- the manifest and moved warehouses -------------------------------------------------------


def relocate(spark: SparkSession, out: Path) -> int:
    """Re-point the tables of a moved (or copied) warehouse at `out`; returns tables moved.

    The metastore holds absolute locations, so a moved warehouse would otherwise read the old
    place (or nothing). The root the catalog was registered at is kept in the manifest.
    """
    out = Path(out).absolute()
    manifest = Manifest.find(out)
    if manifest is None or manifest.spark is None or manifest.spark.root == str(out):
        return 0
    old = manifest.spark.root
    moved = repoint(spark, Path(old), out)
    manifest.spark.root = str(out)
    manifest.write(out)
    write_conf(out)
    print(
        f"fakehouse: warehouse moved from {old} to {out}: re-registered {moved} tables",
        file=sys.stderr,
    )
    return moved


def repoint(spark: SparkSession, old: Path, new: Path) -> int:
    """Point every table and database registered under the folder `old` at the same place
    under `new` (the data may still be at `old`: nothing is read); returns tables moved."""
    from fakehouse.engines.spark import sql_string

    moved = 0
    for (database,) in spark.sql("SHOW DATABASES").collect():
        for row in spark.sql(f"SHOW TABLES IN {database}").collect():
            if row["isTemporary"]:
                continue
            name = f"{database}.{row['tableName']}"
            target = _moved(_location(spark, name), str(old), new)
            if target:
                spark.sql(f"ALTER TABLE {name} SET LOCATION {sql_string(target)}")
                moved += 1
        _relocate_database(spark, database, str(old), new)
    return moved


def _moved(location: str | None, old: str, out: Path) -> str | None:
    """`location` (a file: URI as Spark shows it, percent-encoded or not) under `out` instead
    of `old`, in the unencoded form the metastore keeps; None if it is not under `old`."""
    if not location or not location.startswith("file:"):
        return None
    path = "/" + urllib.parse.unquote(location.removeprefix("file:")).lstrip("/")
    if path != old and not path.startswith(old.rstrip("/") + "/"):
        return None
    return f"file:{out}{path[len(old.rstrip('/')) :]}"


def _location(spark: SparkSession, name: str) -> str | None:
    for row in spark.sql(f"DESCRIBE TABLE EXTENDED {name}").collect():
        if row[0] == "Location":
            return row[1]
    return None


def _relocate_database(spark: SparkSession, database: str, old: str, out: Path) -> None:
    """Re-point a database's location (where tables created later go). Hive 2.3 clients refuse
    ALTER DATABASE ... SET LOCATION, so for our embedded Derby the metastore row is updated
    directly, as Hive's own `metatool -updateLocation` does; best effort otherwise."""
    from fakehouse.engines.spark import sql_string

    for row in spark.sql(f"DESCRIBE DATABASE {database}").collect():
        target = _moved(row[1], old, out) if row[0] == "Location" else None
        if not target:
            continue
        try:
            spark.sql(f"ALTER DATABASE {database} SET LOCATION {sql_string(target)}")
            return
        except Exception:
            pass
        with contextlib.suppress(Exception):
            jvm = spark.sparkContext._jvm
            # the metastore this session has open (in a staging folder, not yet at `out`)
            url = spark.sparkContext.getConf().get("spark.hadoop.javax.jdo.option.ConnectionURL")
            connection = jvm.java.sql.DriverManager.getConnection(url.split(";create=")[0])
            try:
                update = connection.prepareStatement(
                    'UPDATE "APP"."DBS" SET "DB_LOCATION_URI" = ? WHERE "NAME" = ?'
                )
                update.setString(1, target)
                update.setString(2, database.lower())
                update.executeUpdate()
            finally:
                connection.close()
