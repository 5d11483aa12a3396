"""Spark runs that end, and say why in one line.

Left to its defaults, Spark makes a command-line tool hard to trust: a spark:// master that
nobody answers costs a minute and a long trace; jobs on a cluster without a live executor
wait forever in silence; Ctrl-C makes py4j and pyspark print pages of tracebacks. The remedies
here serve every entry (the commands, the Python API, the spark-submit application):

- `check_master`: a TCP probe of a spark:// master before Spark starts (seconds, one line);
- `guarded(spark)`, around fakehouse's Spark jobs: a watchdog that cancels them once no
  executor has been alive for `spark.fakehouse.executorTimeout` seconds (default 120, 0 waits
  forever; local masters never trigger it) and raises a one-line UserError, and a Ctrl-C that
  cancels the jobs and raises KeyboardInterrupt, with nothing printed;
- `install_interrupt`: that same Ctrl-C for the whole life of a session fakehouse started, and
  `interruptible()`: whatever a block raises after a Ctrl-C (a cancelled job, a py4j
  connection the interrupt broke) is reported as the KeyboardInterrupt it is;
- `quiet_py4j`: py4j's own log records (tracebacks of calls that an interrupt or a stopped JVM
  broke) kept off the terminal; the caller gets the exception anyway;
- `one_line(exc)`: what a Spark or py4j error says, in one line.

pyspark is never imported here: callers hand in their session.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from fakehouse.errors import UserError

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

#: Spark conf key: seconds the jobs may wait with no live executor before they are stopped
EXECUTOR_TIMEOUT = "spark.fakehouse.executorTimeout"
DEFAULT_EXECUTOR_TIMEOUT = 120.0
#: seconds to wait for a spark:// master to accept a TCP connection
PROBE_SECONDS = 5.0


# --- before Spark starts -------------------------------------------------------------------


def check_master(master: str | None, seconds: float = PROBE_SECONDS) -> None:
    """Raise a one-line UserError unless some master of a spark:// URL accepts a connection.

    Spark itself tries for a minute (three registrations of 20 s) and then prints a trace.
    Other masters (local, yarn, k8s) are left to Spark.
    """
    if not master or not master.startswith("spark://"):
        return
    usage = f"bad Spark master URL {master!r}: expected spark://HOST:PORT[,HOST:PORT...]"
    failures = []
    for address in master.removeprefix("spark://").split(","):
        host, _, port = address.strip().rpartition(":")
        if not host or not port.isdigit():
            raise UserError(usage)
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=seconds).close()
            return
        except OSError as exc:
            reason = "no answer" if isinstance(exc, TimeoutError) else exc.strerror or str(exc)
            failures.append(f"{host}:{port}: {reason}")
    raise UserError(
        f"Spark master {master} is unreachable ({'; '.join(failures)}): check the host and "
        "port, and that the master runs (sbin/start-master.sh)"
    )


# --- errors --------------------------------------------------------------------------------


def one_line(exc: BaseException) -> str:
    """The first line of what a Spark, py4j or Python error says (Java's message, not py4j's
    'An error occurred while calling o42.sql')."""
    java = getattr(exc, "java_exception", None)
    text = ""
    if java is not None:
        with contextlib.suppress(Exception):
            text = str(java.getMessage() or java.toString())
    if not text:
        getter = getattr(exc, "getMessage", None)
        text = str(getter() if callable(getter) else exc)
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return type(exc).__name__


# --- Ctrl-C --------------------------------------------------------------------------------


class _Py4JRootLog(logging.Filter):
    """py4j reports an interrupted or broken call through the root logger, with a traceback;
    the caller gets the exception (or the KeyboardInterrupt) anyway."""

    def filter(self, record: logging.LogRecord) -> bool:
        return f"{os.sep}py4j{os.sep}" not in record.pathname


_PY4J_FILTER = _Py4JRootLog()


def quiet_py4j() -> None:
    """Keep py4j's log records off stderr: those it logs on the root logger (`logging.exception`
    when a call is interrupted or the JVM is gone) and those of its own loggers (a connection
    it fails to shut down). Idempotent."""
    if _PY4J_FILTER not in logging.getLogger().filters:
        logging.getLogger().addFilter(_PY4J_FILTER)
    logging.getLogger("py4j").setLevel(logging.CRITICAL)


def cancel_all(sc: SparkContext) -> None:
    """Cancel every job of `sc`; a stopped context has none."""
    with contextlib.suppress(Exception):
        sc.cancelAllJobs()


def install_interrupt(sc: SparkContext) -> Any:
    """Make Ctrl-C cancel `sc`'s jobs and raise KeyboardInterrupt; returns the previous handler
    (None if not in the main thread, where Python runs signal handlers, or if Ctrl-C is
    ignored, as in a shell's background job).

    pyspark's own handler cancels from inside the signal handler, on the very py4j connection
    the interrupted call is using: py4j then logs two tracebacks per Ctrl-C. Here the jobs are
    cancelled from another thread, and py4j's log records are kept off stderr.
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return None
    quiet_py4j()

    def interrupted(signum: int, frame: Any) -> None:
        global _presses
        _presses += 1
        cancel = threading.Thread(target=cancel_all, args=(sc,), name="fakehouse-cancel")
        cancel.daemon = True
        cancel.start()
        raise KeyboardInterrupt

    return signal.signal(signal.SIGINT, interrupted)


#: Ctrl-C presses the handler above has seen (in this process)
_presses = 0


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn an exception raised in the block after a Ctrl-C into KeyboardInterrupt.

    The KeyboardInterrupt itself can lose the race: a context manager of pyspark's that calls
    the JVM on the way out, on the connection py4j just shut down, raises a network error
    instead; and the cancelled jobs fail with errors of their own.
    """
    seen = _presses
    try:
        yield
    except Exception:
        if _presses != seen:
            raise KeyboardInterrupt from None
        raise


# --- the executor watchdog -----------------------------------------------------------------


def executor_timeout(spark: SparkSession) -> float:
    """Seconds from the session's `spark.fakehouse.executorTimeout` (default 120; 0: never)."""
    text = spark.conf.get(EXECUTOR_TIMEOUT, None)
    if text is None:
        return DEFAULT_EXECUTOR_TIMEOUT
    try:
        return float(str(text).strip().removesuffix("s"))
    except ValueError:
        raise UserError(f"{EXECUTOR_TIMEOUT} must be a number of seconds, got {text!r}") from None


class Watchdog:
    """Cancels `sc`'s jobs once they have waited `timeout` seconds with no live executor.

    A cluster without workers (or one that lost its only worker) accepts jobs and never runs
    them; Spark logs a warning every 15 s and waits forever. Once fired, the watchdog also
    cancels every job started later, so that callers stop soon.
    """

    def __init__(self, sc: SparkContext, timeout: float) -> None:
        self.sc = sc
        self.timeout = timeout
        self.fired = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="fakehouse-watchdog", daemon=True)

    @property
    def message(self) -> str:
        return (
            f"no live Spark executor for {self.timeout:g} s on {self.sc.master}, jobs stopped: "
            "check that the cluster has workers with free cores and memory for this application "
            f"(the master's web UI lists them); --executor-timeout or {EXECUTOR_TIMEOUT} "
            "sets the wait"
        )

    def start(self) -> Watchdog:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _executors(self) -> int:
        # Spark lists the driver among the executors
        return len(self.sc._jsc.sc().statusTracker().getExecutorInfos()) - 1

    def _watch(self) -> None:
        tracker = self.sc.statusTracker()
        interval = min(1.0, max(0.1, self.timeout / 10))
        since = None
        while not self._stop.wait(interval):
            try:
                starved = bool(tracker.getActiveJobsIds()) and self._executors() < 1
            except Exception:  # the context was stopped
                return
            if not starved:
                since = None
                continue
            now = time.monotonic()
            since = now if since is None else since
            if self.fired or now - since >= self.timeout:
                self.fired = True
                cancel_all(self.sc)


def _context(spark: SparkSession) -> SparkContext | None:
    """The session's SparkContext; None for Spark Connect sessions (they have none)."""
    try:
        return spark.sparkContext
    except Exception:
        return None


@contextlib.contextmanager
def guarded(spark: SparkSession) -> Iterator[Watchdog | None]:
    """Run fakehouse's Spark jobs under the watchdog and the quiet Ctrl-C (see module doc).

    Yields the watchdog (None for local masters, Spark Connect or a timeout of 0); when it has
    fired, the block ends with its one-line UserError, whatever the jobs raised; after a Ctrl-C,
    with KeyboardInterrupt.
    """
    sc = _context(spark)
    watch = None
    if sc is not None and not sc.master.startswith("local"):
        timeout = executor_timeout(spark)
        if timeout > 0:
            watch = Watchdog(sc, timeout).start()
    previous = install_interrupt(sc) if sc is not None else None
    try:
        with interruptible():
            yield watch
    except Exception:
        if watch is not None and watch.fired:
            raise UserError(watch.message) from None
        raise
    finally:
        if watch is not None:
            watch.stop()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if watch is not None and watch.fired:
        raise UserError(watch.message)
