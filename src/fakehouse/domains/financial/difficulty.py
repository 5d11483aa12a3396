"""How hard the bank's fraud is to detect: the best single rules and a simple model, in SQL.

A fraud analyst's first tries are single rules on one signal: many transactions on the
account in the past hour, an amount over a threshold, a place far from the holder's home, a
device the account has not used before, a channel, the small hours. `RULES` are those rules
at every threshold, alone or within one channel ("ATM withdrawals of $500 or more"); for each
signal the report shows the rule with the best precision among those that catch at least
`fraud.difficulty.rule_recall` of the fraud. The model is naive Bayes on the same signals
(binned) plus the amount over the account's usual and the transaction type: trained on half
of the accounts (a fixed hash of the account number), its ROC AUC is measured on the other
half. Naive Bayes needs no library and runs as plain SQL on both engines (counts per bin,
then a sum of log-likelihood ratios; the AUC from the Mann-Whitney sum over score groups),
so `validate` judges a DuckDB catalog and a Spark warehouse alike.

Two checks hold the data to `fraud.difficulty` (no exact rule; a learnable model), and two
reports print the figures behind them; the checks' bounds allow three standard errors.
"""

from __future__ import annotations

from fakehouse.core.checks import Check, Report
from fakehouse.domains.financial.params import FinancialParams

AMOUNTS = (20, 50, 100, 200, 300, 400, 500, 600, 800, 1000, 1500, 2000, 3000, 5000, 10000)
DISTANCES = (1, 10, 50, 150, 500, 1000, 2000)  # km from home
NIGHT = 6  # the small hours: 0:00 to 5:59
MIN_POSITIVES = 10  # fewer held-out fraud rows say nothing about the model
GOLDEN = 0.6180339887498949  # splits accounts in halves by floor(number x GOLDEN) % 2


def _ladder(column: str, steps: tuple[int, ...]) -> str:
    """The largest step at or below `column` (NULL below the first)."""
    cases = " ".join(f"WHEN {column} >= {v} THEN {v}" for v in reversed(steps))
    return f"CASE {cases} END"


#: per transaction: the signals rules look at (and the model's bins of them)
FEATURES = f"""
t AS (
  SELECT t.transaction_id, t.account_id, t.is_fraud, t.channel, t.transaction_type,
    t.transaction_date, abs(t.amount) AS size, t.device_id, t.latitude, t.longitude,
    c.latitude AS home_lat, c.longitude AS home_lon,
    CAST(floor(CAST(substr(t.account_id, 4) AS BIGINT) * {GOLDEN!r}) AS BIGINT) % 2 AS half
  FROM {{s}}.transactions AS t
  JOIN {{s}}.accounts AS a ON a.account_id = t.account_id
  JOIN {{s}}.customers AS c ON c.customer_id = a.customer_id),
f AS (
  SELECT *,
    count(*) OVER (PARTITION BY account_id ORDER BY transaction_date
      RANGE BETWEEN INTERVAL 1 HOUR PRECEDING AND CURRENT ROW) AS last_hour,
    CASE WHEN latitude IS NULL THEN NULL ELSE 2 * 6371 * asin(sqrt(
      power(sin(radians(latitude - home_lat) / 2), 2) + cos(radians(home_lat))
      * cos(radians(latitude)) * power(sin(radians(longitude - home_lon) / 2), 2))) END AS km,
    CASE WHEN device_id IS NOT NULL AND transaction_date = min(transaction_date) OVER (
        PARTITION BY account_id, device_id)
      AND transaction_date > min(CASE WHEN device_id IS NOT NULL THEN transaction_date END)
        OVER (PARTITION BY account_id)
      THEN 1 ELSE 0 END AS new_device,
    hour(transaction_date) AS hour,
    size / greatest(avg(size) OVER (PARTITION BY account_id), 1) AS vs_usual
  FROM t)"""

#: (signal, the rule's threshold per transaction (NULL: never flagged), its text for x)
RULES = (
    ("velocity", "least(last_hour, 20)", "'>= ' || CAST(x AS VARCHAR) || ' in the past hour'"),
    ("amount", _ladder("size", AMOUNTS), "'>= $' || CAST(x AS VARCHAR)"),
    ("distance", _ladder("km", DISTANCES), "'>= ' || CAST(x AS VARCHAR) || ' km from home'"),
    ("new device", "CASE WHEN new_device = 1 THEN 1 END", "'first use of a device'"),
    (
        "night",
        f"CASE WHEN hour < {NIGHT} THEN {NIGHT} - hour END",
        f"'0:00 to ' || CAST({NIGHT} - x AS VARCHAR) || ':59'",
    ),
    ("channel", "1", "'all'"),
)

#: every rule at every threshold, alone or within a channel: flagged rows and fraud caught
_LADDER = (
    "rules AS (SELECT signal, x, channel, count(*) AS n, "
    "sum(CASE WHEN is_fraud THEN 1 ELSE 0 END) AS k FROM ("
    + " UNION ALL ".join(
        f"SELECT '{name}' AS signal, {rule} AS x, channel, is_fraud FROM f"
        for name, rule, _ in RULES
    )
    + ") WHERE x IS NOT NULL GROUP BY GROUPING SETS ((signal, x, channel), (signal, x))), "
    "ladder AS (SELECT signal, x, coalesce(channel, 'any') AS scope, "
    "sum(n) OVER (PARTITION BY signal, channel ORDER BY x DESC ROWS UNBOUNDED PRECEDING) "
    "AS flagged, sum(k) OVER (PARTITION BY signal, channel ORDER BY x DESC "
    "ROWS UNBOUNDED PRECEDING) AS caught FROM rules WHERE NOT (signal = 'channel' "
    "AND channel IS NULL)), "
    "total AS (SELECT greatest(sum(CASE WHEN is_fraud THEN 1 ELSE 0 END), 1) AS fraud FROM f), "
    "scored AS (SELECT l.*, CAST(caught AS DOUBLE) / flagged AS precision, "
    "CAST(caught AS DOUBLE) / fraud AS recall FROM ladder AS l, total)"
)

_TEXT = "CASE signal " + " ".join(f"WHEN '{n}' THEN {text}" for n, _, text in RULES) + " END"

#: the naive Bayes model's bins of a transaction's signals
_BINS = {
    "velocity": "least(last_hour, 6)",
    "amount": "CAST(least(floor(ln(size + 1) * 2), 24) AS INT)",
    "distance": "CASE WHEN km IS NULL THEN -1 ELSE CAST(least(floor(ln(km + 1)), 8) AS INT) END",
    "device": "new_device",
    "hour": "hour",
    "channel": "channel",
    "kind": "transaction_type",
    "usual": "CAST(least(greatest(floor(ln(vs_usual) * 2), -8), 8) AS INT)",
}


def _model() -> str:
    """CTEs ending in `auc` (auc, positives, negatives, victims: the accounts of the
    positives) of naive Bayes on held-out accounts."""
    bins = ", ".join(f"{sql} AS b_{i}" for i, sql in enumerate(_BINS.values()))
    weights = ", ".join(
        f"w_{i} AS (SELECT b_{i} AS b, ln((sum(y) + 0.5) / (max(p.pos) + 1.0)) "
        f"- ln((sum(1 - y) + 0.5) / (max(p.neg) + 1.0)) AS w FROM train, prior AS p "
        f"GROUP BY b_{i})"
        for i in range(len(_BINS))
    )
    score = " + ".join(f"coalesce(w_{i}.w, 0.0)" for i in range(len(_BINS)))
    joins = " ".join(f"LEFT JOIN w_{i} ON w_{i}.b = x.b_{i}" for i in range(len(_BINS)))
    return (
        f"x AS (SELECT CASE WHEN is_fraud THEN 1 ELSE 0 END AS y, half, account_id, {bins} "
        "FROM f), "
        "train AS (SELECT * FROM x WHERE half = 0), "
        "prior AS (SELECT sum(y) AS pos, sum(1 - y) AS neg FROM train), "
        f"{weights}, "
        f"test AS (SELECT x.y, x.account_id, {score} AS score FROM x {joins} "
        "WHERE x.half = 1), "
        "g AS (SELECT score, sum(y) AS p, sum(1 - y) AS q FROM test GROUP BY score), "
        "c AS (SELECT p, q, coalesce(sum(q) OVER (ORDER BY score ROWS BETWEEN UNBOUNDED "
        "PRECEDING AND 1 PRECEDING), 0) AS below FROM g), "
        "auc AS (SELECT sum(CAST(p AS DOUBLE) * (below + 0.5 * q)) "
        "/ greatest(CAST(sum(p) AS DOUBLE) * sum(q), 1) AS auc, sum(p) AS positives, "
        "sum(q) AS negatives, (SELECT count(DISTINCT account_id) FROM test WHERE y = 1) "
        "AS victims FROM c)"
    )


def checks(params: FinancialParams) -> list[Check]:
    """The two difficulty checks of `transactions`."""
    d = params.fraud.difficulty
    bound, recall, auc = d.rule_precision, d.rule_recall, d.model_auc
    se = f"sqrt({bound * (1 - bound)!r} / flagged)"
    # Hanley & McNeil's standard error of an AUC from its positives and negatives; fraud
    # comes in episodes, one account each, so the positives that count are the victims
    q1, q2 = f"({auc!r} / (2 - {auc!r}))", f"(2 * {auc!r} * {auc!r} / (1 + {auc!r}))"
    auc_se = (
        f"sqrt(({auc!r} * (1 - {auc!r}) + (victims - 1) * ({q1} - {auc!r} * {auc!r}) "
        f"+ (negatives - 1) * ({q2} - {auc!r} * {auc!r})) "
        "/ greatest(CAST(victims AS DOUBLE) * negatives, 1))"
    )
    return [
        Check(
            "transactions.fraud_no_exact_rule",
            "transactions",
            f"fraud is not one rule away: no single rule on velocity, amount, distance from "
            f"home, a new device, the hour or the channel (alone or within one channel) "
            f"reaches {bound:.0%} precision while catching {recall:.0%} of the fraud (plus 3 "
            "standard errors; shown: the most precise such rule)",
            f"WITH {FEATURES}, {_LADDER} "
            f"SELECT coalesce(max(precision), 0.0) AS value, 0.0 AS low, "
            f"coalesce(max({bound!r} + 3 * {se}), 1.0) AS high FROM ("
            f"SELECT precision, flagged, row_number() OVER (ORDER BY precision - 3 * {se} "
            f"DESC) AS r FROM scored WHERE recall >= {recall!r}) WHERE r = 1",
        ),
        Check(
            "transactions.fraud_learnable",
            "transactions",
            f"fraud is learnable: naive Bayes on the rules' signals, trained on half of the "
            f"accounts, reaches a ROC AUC of {auc:g} on the other half (less 3 standard "
            "errors, counting each victim account once: fraud comes in episodes; no bound "
            f"with fewer than {MIN_POSITIVES} fraud rows there)",
            f"WITH {FEATURES}, {_model()} "
            f"SELECT coalesce(auc, 0.0) AS value, CASE WHEN positives < {MIN_POSITIVES} "
            f"THEN 0.0 ELSE greatest({auc!r} - 3 * {auc_se}, 0.5) END AS low, 1.0 AS high "
            "FROM auc",
        ),
    ]


def reports(params: FinancialParams) -> list[Report]:
    """The figures behind the checks: the best rule of each signal, and the model's AUC."""
    recall = params.fraud.difficulty.rule_recall
    best = (
        f"SELECT signal, scope, {_TEXT} AS rule, flagged, caught AS fraud, "
        "round(precision, 3) AS precision, round(recall, 3) AS recall, row_number() OVER "
        f"(PARTITION BY signal ORDER BY CASE WHEN recall >= {recall!r} THEN 0 ELSE 1 END, "
        f"CASE WHEN recall >= {recall!r} THEN precision ELSE recall END DESC, recall DESC) "
        "AS r FROM scored"
    )
    return [
        Report(
            "transactions.fraud_rules",
            f"Fraud difficulty: the most precise single rule of each signal among those "
            f"catching at least {recall:.0%} of the fraud (or, if none does, the one catching "
            "the most)",
            f"WITH {FEATURES}, {_LADDER} SELECT signal, scope AS channel, rule, flagged, "
            f"fraud, precision, recall FROM ({best}) WHERE r = 1 "
            "ORDER BY precision DESC, signal",
        ),
        Report(
            "transactions.fraud_model",
            "Fraud difficulty: naive Bayes on the same signals, the amount over the "
            "account's usual and the transaction type; trained on half of the accounts",
            f"WITH {FEATURES}, {_model()} SELECT 'naive Bayes' AS model, positives AS "
            "fraud_tested, negatives AS genuine_tested, round(auc, 4) AS roc_auc FROM auc",
        ),
    ]
