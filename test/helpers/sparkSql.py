"""Evaluates many Spark SQL expressions in ONE local SparkSession (Spark start-up is slow).

Reads JSON on stdin: {"rows": [[id, a, b], ...], "exprs": ["<spark sql>", ...]}; the rows become
the temporary view t(id INT, a STRING, b STRING). Writes JSON on stdout: one entry per expression,
{"values": [text or null per row, in id order]} or {"error": "<first line of Spark's message>"}.
Session settings are Spark's defaults (as dbt-spark's `session` method gets them), so ANSI mode
is whatever this Spark version ships with.
"""
import json
import sys

from pyspark.sql import SparkSession
from pyspark.sql.types import IntegerType, StringType, StructField, StructType


def run(spark, exprs):
    cols = ", ".join(f"CAST(({e}) AS STRING) AS v{i}" for i, e in enumerate(exprs))
    rows = spark.sql(f"SELECT id, {cols} FROM t ORDER BY id").collect()
    return [{"values": [r[f"v{i}"] for r in rows]} for i in range(len(exprs))]


def evaluate(spark, exprs):
    """All expressions in one query (one Spark job); where that fails, halves, down to one each."""
    if not exprs:
        return []
    try:
        return run(spark, exprs)
    except Exception as e:  # an expression Spark refuses is a result to compare, not a crash
        if len(exprs) == 1:
            msg = str(e).strip().splitlines()
            return [{"error": msg[0] if msg else type(e).__name__}]
    half = len(exprs) // 2
    return evaluate(spark, exprs[:half]) + evaluate(spark, exprs[half:])


def local_session(app: str, partitions: int) -> SparkSession:
    """One local SparkSession with Spark's defaults (as dbt-spark's `session` method gets them), no UI."""
    spark = (
        SparkSession.builder.master("local[1]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def main() -> None:
    spec = json.load(sys.stdin)
    spark = local_session("airlock-translation-test", 1)
    schema = StructType([
        StructField("id", IntegerType(), False),
        StructField("a", StringType(), True),
        StructField("b", StringType(), True),
    ])
    # cached once, so the queries read the JVM's copy instead of re-running Python workers
    df = spark.createDataFrame(spec["rows"], schema).coalesce(1).cache()
    df.count()
    df.createOrReplaceTempView("t")
    out = evaluate(spark, spec["exprs"])
    spark.stop()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
