"""Runs whole SELECT statements in ONE local SparkSession, over tables given as text columns.

Reads JSON on stdin: {"tables": [{"name": n, "columns": [..], "rows": [[text or null, ..], ..]}],
"queries": ["<spark sql>", ..]}. Every column is STRING except `_airlock_row_id` (BIGINT), as the
exported dbt project's candidates are. Each query runs twice, with ANSI mode on (Spark 4's default)
and off (what dbt-spark sets), and writes JSON on stdout: per query {"ansi": rows, "legacy": rows}
(every value cast to text, null kept) or {"error": "<first line of Spark's message>"}.
"""
import json
import sys

from pyspark.sql.types import LongType, StringType, StructField, StructType

# the script's own folder is on sys.path: the session is built as the expression script builds it
from sparkSql import local_session


def run(spark, sql):
    df = spark.sql(sql)
    cols = ", ".join(f"CAST(`{c}` AS STRING) AS `{c}`" for c in df.columns)
    df.createOrReplaceTempView("_airlock_q")
    return [list(r) for r in spark.sql(f"SELECT {cols} FROM _airlock_q").collect()]


def main() -> None:
    spec = json.load(sys.stdin)
    spark = local_session("airlock-statement-test", 2)
    for t in spec["tables"]:
        schema = StructType([StructField(c, LongType() if c == "_airlock_row_id" else StringType(), True) for c in t["columns"]])
        rows = [[int(v) if c == "_airlock_row_id" else v for c, v in zip(t["columns"], r)] for r in t["rows"]]
        df = spark.createDataFrame(rows, schema).coalesce(1).cache()
        df.count()
        df.createOrReplaceTempView(t["name"])
    out = []
    for q in spec["queries"]:
        try:
            entry = {}
            for mode, ansi in (("ansi", "true"), ("legacy", "false")):
                spark.conf.set("spark.sql.ansi.enabled", ansi)
                entry[mode] = run(spark, q)
            out.append(entry)
        except Exception as e:  # a statement Spark refuses is a result to report, not a crash
            msg = str(e).strip().splitlines()
            out.append({"error": msg[0] if msg else type(e).__name__})
    spark.stop()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
