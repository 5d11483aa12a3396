"""The contract's checks and the seed's queries run through Spark SQL itself."""

from __future__ import annotations

import json
import math

from fakehouse.quality import checks
from fakehouse.quality.spark import to_spark
from tests.test_cli import SPARK_QUERIES


def _close(a, b) -> bool:
    """Equal up to 1e-4 (relative): DuckDB rounds an interpolated quantile of a DECIMAL column
    to the column's scale (cents), Spark keeps the double; a mistranslation is far larger
    (a day-of-week shift, population vs sample moments: 1e-3 and more)."""
    if a is None or b is None:
        return a is b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-4 * max(1.0, abs(a), abs(b))


def test_every_check_passes_on_spark_with_duckdbs_values(
    spark, spark_warehouse, session_warehouse, local_twin
):
    import fakehouse.spark as fs

    manifest = json.loads((spark_warehouse / "fakehouse.json").read_text())
    checked = [e["schema"] for n, e in manifest["domains"].items() if n in checks.DOMAIN_CHECKS]
    assert checked
    # in a session logging Spark's warnings (a user's; fakehouse's own log errors only), the
    # checks add none to the log (this session's JVM writes its console to spark.log)
    log = session_warehouse / "spark.log"
    warns = "SELECT row_number() OVER (ORDER BY id) FROM range(3)"  # WindowExec warns
    log4j = spark.sparkContext._jvm.org.apache.logging.log4j
    log4j.core.config.Configurator.setLevel("org.apache.spark", log4j.Level.WARN)
    try:
        spark.sql(warns).collect()
        before = log.read_bytes()
        on_spark = fs.validate(spark, checked)
        after = log.read_bytes()
        spark.sql(warns).collect()  # the logger's level is the session's again
        again = log.read_bytes()
    finally:
        log4j.core.config.Configurator.setLevel("org.apache.spark", log4j.Level.ERROR)
    assert b" WARN WindowExec: No Partition Defined" in before
    assert after.startswith(before) and b" WARN " not in after[len(before) :]
    assert b" WARN WindowExec: No Partition Defined" in again[len(after) :]
    failed = [(r.check.name, r.shown_value, r.expected) for r in on_spark if not r.passed]
    assert not failed

    # the same checks on the local engine's DuckDB catalog give the same numbers: the
    # transpiled SQL means what the DuckDB SQL means
    from fakehouse.catalog.duckdb import connect

    local = json.loads((local_twin / "fakehouse.json").read_text())
    with connect(local_twin) as con:
        on_duckdb = []
        for name, entry in local["domains"].items():
            if name in checks.DOMAIN_CHECKS:
                window = checks.WINDOWS[name](entry["params"])
                on_duckdb += checks.run(con, checks.DOMAIN_CHECKS[name](), entry["schema"], window)
    assert [r.check.name for r in on_spark] == [r.check.name for r in on_duckdb]
    for a, b in zip(on_spark, on_duckdb, strict=True):
        assert _close(a.value, b.value), (a.check.name, a.value, b.value)
        assert _close(a.low, b.low) and _close(a.high, b.high), a.check.name


def test_the_seed_spark_queries_run_on_spark(spark):
    (nulls,) = spark.sql(SPARK_QUERIES["nulls"].strip().rstrip(";")).collect()
    assert nulls.asDict() == {"null_customers": 0, "null_emails": 0}
    segments = {
        r.customer_segment: r
        for r in spark.sql(SPARK_QUERIES["segments"].strip().rstrip(";")).collect()
    }
    assert set(segments) == {"VIP", "Premium", "Regular", "Basic"}
    assert sum(r.transactions for r in segments.values()) == 2_500
    assert segments["VIP"].revenue > segments["Basic"].revenue
    (clv,) = spark.sql(SPARK_QUERIES["clv"].strip().rstrip(";")).collect()
    assert 50 < float(clv.avg_clv) < 20_000
    assert 1 <= clv.avg_purchases < 50
    assert 0 < clv.avg_lifetime_days < 1_096


def test_transpiling_keeps_duckdbs_meaning():
    sql = to_spark(
        "SELECT isodow(day), dayofweek(day) FROM generate_series(DATE '2024-01-01', "
        "DATE '2024-01-07', INTERVAL 1 DAY) AS g(day)"
    )
    assert "(WEEKDAY(day) + 1)" in sql and "(DAYOFWEEK(day) - 1)" in sql
    assert "FROM EXPLODE(SEQUENCE(" in sql and "AS g(day)" in sql
    sql = to_spark(
        "WITH RECURSIVE r(id) AS (SELECT 1 UNION SELECT id + 1 FROM r WHERE id < 3) "
        "SELECT count(*) FROM r, information_schema.columns AS c"
    )
    assert "UNION ALL" in sql and "fakehouse_information_schema_columns AS c" in sql
    sql = to_spark("SELECT regexp_full_match(ssn, '[0-9]{3}') FROM t")
    assert "ssn RLIKE '^(?:[0-9]{3})$'" in sql
    sql = to_spark("SELECT skewness(x) FROM t")
    assert "SKEWNESS(x) * SQRT(COUNT(x) * (COUNT(x) - 1))" in sql
    sql = to_spark("SELECT quantile_cont(x, 0.99), quantile_disc(x, 0.5) FROM t")
    assert "PERCENTILE(x, 0.99)" in sql
    assert "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY x" in sql
