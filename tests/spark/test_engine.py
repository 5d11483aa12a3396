"""The Spark engine writes the local engine's tables: same rows, same values, same types."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from fakehouse.domains import registry


def _relation(folder: Path) -> str:
    files = str(folder / "*.parquet").replace("'", "''")
    return f"read_parquet('{files}')"


def _fingerprint(con, folder: Path) -> tuple:
    """(rows, order-independent checksum of every column, column names and types)."""
    rows, checksum = con.execute(
        f"SELECT count(*), sum(hash(t)::HUGEINT) % 18446744073709551616 "
        f"FROM {_relation(folder)} AS t"
    ).fetchone()
    columns = con.execute(f"DESCRIBE SELECT * FROM {_relation(folder)}").fetchall()
    return rows, checksum, [(c[0], c[1]) for c in columns]


def test_spark_tables_equal_the_local_engines(spark_warehouse, local_twin):
    manifest = json.loads((spark_warehouse / "fakehouse.json").read_text())
    local = json.loads((local_twin / "fakehouse.json").read_text())
    assert set(manifest["domains"]) == set(registry.names("all"))
    con = duckdb.connect()
    compared = 0
    for name, entry in manifest["domains"].items():
        schema = entry["schema"]
        assert entry["rows"] == local["domains"][name]["rows"]
        for table, rows in entry["rows"].items():
            spark_side = _fingerprint(
                con, spark_warehouse / "spark-warehouse" / f"{schema}.db" / table
            )
            local_side = _fingerprint(con, local_twin / schema / table)
            assert spark_side == local_side, f"{schema}.{table}"
            assert spark_side[0] == rows
            compared += 1
    own = sum(len(registry.domain(n).tables) for n in registry.names("all"))
    assert compared == own + 1  # the plugin's loyalty_points
    assert "loyalty_points" in manifest["domains"]["retail"]["rows"]


def test_every_column_type_has_a_spark_type():
    T = pytest.importorskip("pyspark.sql.types", reason="pyspark not installed")

    from fakehouse.engines.spark import spark_schema

    for name in registry.names("all"):
        for table in registry.domain(name).tables:
            schema = spark_schema(table)
            assert [f.name for f in schema] == [c.name for c in table.columns]
            for field, column in zip(schema, table.columns, strict=True):
                assert field.metadata["comment"] == column.description
                if str(column.type).startswith("timestamp"):
                    # wall-clock values, identical whatever the session time zone
                    assert isinstance(field.dataType, T.TimestampNTZType)


@pytest.fixture(scope="module")
def api_retail(spark):
    """Retail generated through the API into api_retail_analytics, with TIMESTAMP columns
    (one generation serves the tests of both)."""
    import fakehouse.spark as fs

    seen = {}
    summary = fs.generate(
        spark,
        "retail",
        multiplier=0.01,
        seed=3,
        database_prefix="api_",
        on_progress=lambda name, rows: seen.setdefault(name, rows),
        timestamp_type="timestamp",
    )
    return summary, seen


def test_timestamp_type_timestamp_is_read_by_hive_clients_and_in_utc(
    spark, api_retail, session_warehouse, tmp_path
):
    """timestamp_type="timestamp": TIMESTAMP columns, which the metastore registers as Hive
    columns (TIMESTAMP_NTZ tables get Spark's placeholder `col`), holding the local engine's
    wall-clock values when read in UTC (the warehouse's session time zone)."""
    import fakehouse as fh

    fh.generate("retail", multiplier=0.01, seed=3, out=tmp_path / "local", workers=1)
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    jvm = spark.sparkContext._jvm
    url = f"jdbc:derby:;databaseName={session_warehouse / 'metastore_db'}"
    connection = jvm.java.sql.DriverManager.getConnection(url)
    try:
        query = connection.prepareStatement(
            'SELECT c."COLUMN_NAME", c."TYPE_NAME" FROM "APP"."TBLS" t '
            'JOIN "APP"."DBS" d ON t."DB_ID" = d."DB_ID" '
            'JOIN "APP"."SDS" s ON t."SD_ID" = s."SD_ID" '
            'JOIN "APP"."COLUMNS_V2" c ON c."CD_ID" = s."CD_ID" '
            'WHERE d."NAME" = ? AND t."TBL_NAME" = ?'
        )

        def hive_columns(database: str, table: str) -> dict[str, str]:
            query.setString(1, database)
            query.setString(2, table)
            found = query.executeQuery()
            columns = {}
            while found.next():
                columns[found.getString(1)] = found.getString(2)
            return columns

        assert hive_columns("retail_analytics", "transactions") == {"col": "array<string>"}
        registered = hive_columns("api_retail_analytics", "transactions")
        assert registered["transaction_date"] == "timestamp"
    finally:
        connection.close()
    for table, column in [
        ("transactions", "transaction_date"),
        ("customer_behavior", "event_timestamp"),
    ]:
        ours = spark.table(f"api_retail_analytics.{table}")
        assert dict(ours.dtypes)[column] == "timestamp"
        ours = ours.withColumn(column, ours[column].cast("timestamp_ntz"))
        local = spark.read.parquet(str(tmp_path / "local" / "retail_analytics" / table))
        rows = Counter(tuple(r) for r in ours.collect())  # small tables: no shuffle
        assert rows and rows == Counter(tuple(r) for r in local.select(*ours.columns).collect())


def test_validate_runs_the_checks_in_utc(spark, monkeypatch):
    from fakehouse.quality import spark as quality

    zone = "spark.sql.session.timeZone"
    seen = []

    def run(session, checks, database, window, watch=None):
        seen.append(session.conf.get(zone))
        return []

    monkeypatch.setattr(quality, "run", run)
    spark.conf.set(zone, "America/New_York")
    try:
        quality.validate(spark, ["retail_analytics"])
        assert seen == ["UTC"]
        assert spark.conf.get(zone) == "America/New_York"  # the caller's zone again
    finally:
        spark.conf.set(zone, "UTC")


def test_database_properties_round_trip():
    from fakehouse.core.table import Context
    from fakehouse.engines.spark import properties, read_properties
    from fakehouse.quality.spark import _parse_properties

    ctx = Context.create(registry.domain("retail"), 7, 0.5)
    props = properties(ctx, "shop")
    assert all(len(v) <= 4000 for v in props.values())  # Hive's VARCHAR(4000)
    shown = "((other,x), " + ", ".join(f"({k},{v})" for k, v in props.items()) + ")"
    name, record = read_properties(_parse_properties(shown), "shop")
    assert name == "retail"
    assert record.model_dump(by_alias=True) == {
        "schema": "shop",
        "seed": 7,
        "multiplier": 0.5,
        "params": json.loads(ctx.params.model_dump_json()),
        "rows": {},
        "plugins": [],
    }
    # plugins are recorded too, so that validate on any catalog finds their tables
    from fakehouse.domains import plugins

    example = Path(__file__).parents[2] / "examples" / "loyalty_points.py"
    (domain,) = plugins.domains("retail", [example])
    props = properties(Context.create(domain, 7, 0.5), "shop")
    shown = "(" + ", ".join(f"({k},{v})" for k, v in props.items()) + ")"
    _, record = read_properties(_parse_properties(shown), "shop")
    assert [(p.kind, p.source, p.tables) for p in record.plugins] == [
        ("file", str(example), ["loyalty_points"])
    ]


def test_api_generates_into_prefixed_databases(spark, api_retail):
    summary, seen = api_retail
    shown = spark.sql("SHOW TABLES IN api_retail_analytics").collect()
    tables = {r.tableName for r in shown if not r.isTemporary}  # validate's views are temporary
    assert tables == {t.name for t in registry.domain("retail").tables}
    for result in summary.tables:
        name = f"{result.domain}.{result.table}"
        assert spark.table(name).count() == result.rows == seen[name]
    # the tables carry the contract's descriptions
    described = spark.sql("DESCRIBE TABLE api_retail_analytics.customers").collect()
    assert any(r.col_name == "customer_id" and r.comment for r in described)


def test_bad_inputs_are_one_line_errors(spark):
    import fakehouse.spark as fs
    from fakehouse.errors import UserError

    with pytest.raises(UserError, match="multiplier must be a number greater than 0"):
        fs.generate(spark, "retail", multiplier=0)
    with pytest.raises(UserError, match="unknown table format"):
        fs.generate(spark, "retail", multiplier=0.01, format="csv")
    with pytest.raises(UserError, match="unknown domain"):
        fs.generate(spark, "shop")
    with pytest.raises(UserError, match="unknown timestamp type 'ltz'"):
        fs.generate(spark, "retail", multiplier=0.01, timestamp_type="ltz")


def test_a_config_reaches_spark_and_validate_follows_it(spark):
    import fakehouse.spark as fs
    from fakehouse.domains.params import ParamsError

    skew = {
        "customers": {"state_mix": {"top": {"CA": 0.5, "TX": 0.3}}},
        "sales": {"outcomes": {"Online": {"return_rate": 0.3}}},
        "tables": {"stores": {"base_rows": 700}},
    }
    with pytest.raises(ParamsError, match=r"sales\.outcomes\.Lost"):
        fs.generate(
            spark,
            "retail",
            0.01,
            database_prefix="bad_",
            config={"sales": {"outcomes": {"Lost": {}}}},
        )
    assert "bad_retail_analytics" not in {r[0] for r in spark.sql("SHOW DATABASES").collect()}
    fs.generate(spark, "retail", multiplier=0.02, seed=5, database_prefix="cfg_", config=skew)
    assert spark.table("cfg_retail_analytics.stores").count() == 14
    (ca,) = spark.sql(
        "SELECT avg(CASE WHEN state = 'CA' THEN 1.0 ELSE 0 END) FROM cfg_retail_analytics.customers"
    ).first()
    assert 0.4 < float(ca) < 0.6
    results = fs.validate(spark, ["cfg_retail_analytics"])
    assert [r.check.name for r in results if not r.passed] == []
