# The peer of `airlock run` for issue 13: a hand-written Polars script that does ONLY what the
# engine's fast lane does to a file (validate + route + write), for any ODCS v3 contract of the
# kinds the bench generates: no vault, no independent record scan, no audit, no remediation.
# It reads the contract generically (types, formats, required, primaryKey/unique, patterns,
# ranges, lengths, enums, missing-value tokens, functional dependencies as a majority vote), sets
# exact re-deliveries aside, writes the clean rows (typed) to clean.parquet and the failing rows
# (as they arrived) to quarantine.parquet with their reasons, and prints one JSON line of counts.
#
#   python bench/peer/polars_route.py FILE.csv CONTRACT.odcs.yaml OUT_DIR
#
# Run by `npm run bench -- --peer` from a venv outside the repository (bench/peerEnv.ts).
# Not modelled (the engine's batch-derived checks): LIKELY_VARIANT (validate/variants.ts) and
# FD_DETERMINANT_SUSPECT (validate/determinantSuspects.ts); the bench compares counts and says
# when they differ.
import json
import os
import sys
import time

import polars as pl
import yaml

INTEGER_RE = r"^[+-]?[0-9]+$"
NUMBER_RE = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"


def columns_of(contract):
    """(table properties, table customProperties) of the contract's first schema object."""
    obj = contract["schema"][0]
    return obj.get("properties", []), obj.get("customProperties", []) or []


def missing_tokens(prop):
    tokens = []
    for q in prop.get("quality", []) or []:
        if q.get("metric") == "missingValues":
            tokens += [str(t) for t in (q.get("arguments", {}) or {}).get("missingValues", [])]
    for cp in prop.get("customProperties", []) or []:
        if cp.get("property") == "missingTokens":
            tokens += [str(t) for t in cp.get("value", [])]
    return tokens


def is_missing(v, tokens):
    non_blank = [t for t in tokens if t.strip() != ""]
    m = v.is_null() | (v.str.strip_chars() == "")
    return m | v.is_in(non_blank) if non_blank else m


def type_ok(prop, v):
    """TRUE when the (present) text is a value of the column's logical type."""
    t = v.str.strip_chars()
    lt = prop.get("logicalType", "string")
    fmt = (prop.get("logicalTypeOptions") or {}).get("format")
    if lt == "integer":
        return t.str.contains(INTEGER_RE) & t.cast(pl.Int64, strict=False).is_not_null()
    if lt == "number":
        d = t.cast(pl.Float64, strict=False)
        return t.str.contains(NUMBER_RE) & d.is_finite().fill_null(False)
    if lt == "date":
        d = t.str.strptime(pl.Date, fmt, strict=False) if fmt else t.str.to_date(strict=False)
        return d.is_not_null()
    if lt == "timestamp":
        d = t.str.strptime(pl.Datetime, fmt, strict=False) if fmt else t.str.to_datetime(strict=False)
        return d.is_not_null()
    if lt == "boolean":
        return t.str.to_lowercase().is_in(["true", "false", "t", "f", "1", "0", "yes", "no", "y", "n"])
    return pl.lit(True)


def typed(prop, v):
    """The typed value comparisons use (NULL where it does not cast)."""
    t = v.str.strip_chars()
    lt = prop.get("logicalType", "string")
    fmt = (prop.get("logicalTypeOptions") or {}).get("format")
    if lt == "integer":
        return t.cast(pl.Int64, strict=False)
    if lt == "number":
        return t.cast(pl.Float64, strict=False)
    if lt == "date":
        return t.str.strptime(pl.Date, fmt, strict=False) if fmt else t.str.to_date(strict=False)
    if lt == "timestamp":
        return t.str.strptime(pl.Datetime, fmt, strict=False) if fmt else t.str.to_datetime(strict=False)
    return v


def bound(prop, b):
    lt = prop.get("logicalType")
    if lt == "date":
        return pl.lit(b).str.to_date() if isinstance(b, str) else pl.lit(b)
    return pl.lit(float(b))


def value_checks(prop, v):
    """[(reason, violates-expr)] for the checks that judge a value on its own."""
    opts = prop.get("logicalTypeOptions") or {}
    tokens = missing_tokens(prop)
    present = ~is_missing(v, tokens)
    ok = type_ok(prop, v)
    out = []
    if prop.get("logicalType", "string") not in ("string", "object", "array"):
        out.append(("TYPE_MISMATCH", present & ~ok))
    if opts.get("pattern"):
        out.append(("PATTERN_MISMATCH", present & ~v.str.contains(f"^(?:{opts['pattern']})$")))
    if prop.get("enum"):
        out.append(("NOT_IN_SET", present & ~v.is_in([str(x) for x in prop["enum"]])))
    if "minLength" in opts:
        out.append(("LENGTH_VIOLATION", present & (v.str.len_chars() < opts["minLength"])))
    if "maxLength" in opts:
        out.append(("LENGTH_VIOLATION", present & (v.str.len_chars() > opts["maxLength"])))
    x = typed(prop, v)
    for key, op in (("minimum", "lt"), ("maximum", "gt"), ("exclusiveMinimum", "le"), ("exclusiveMaximum", "ge")):
        if key in opts:
            out.append(("OUT_OF_RANGE", present & ok & getattr(x, op)(bound(prop, opts[key]))))
    return out


def main():
    csv, contract_path, out_dir = sys.argv[1:4]
    t0 = time.perf_counter()
    with open(contract_path, encoding="utf-8") as f:
        contract = yaml.safe_load(f)
    props, table_custom = columns_of(contract)
    fds = []
    for cp in table_custom:
        if cp.get("property") == "functionalDependencies":
            fds += cp.get("value", [])

    df = pl.read_csv(csv, infer_schema=False, quote_char='"').with_row_index("_row_id", offset=1)
    source = df.height
    names = [p["name"] for p in props]

    # Exact re-deliveries: a row equal in every column to an earlier one is set aside.
    dup = df.select(pl.struct(names).is_duplicated() & ~pl.struct(names).is_first_distinct()).to_series()
    duplicates = int(dup.sum())
    df = df.filter(~dup)

    # Missing-value tokens of optional columns read as no value.
    df = df.with_columns([
        pl.when(is_missing(pl.col(p["name"]), missing_tokens(p))).then(None).otherwise(pl.col(p["name"])).alias(p["name"])
        for p in props if not p.get("required")
    ])

    checks = []  # (column, reason, expr)
    for p in props:
        v = pl.col(p["name"])
        tokens = missing_tokens(p)
        if p.get("required"):
            checks.append((p["name"], "REQUIRED_MISSING", is_missing(v, tokens)))
        checks += [(p["name"], r, e) for r, e in value_checks(p, v)]
        if p.get("primaryKey") or p.get("unique"):
            key = pl.when(type_ok(p, v)).then(typed(p, v).cast(pl.String)).otherwise(pl.lit("raw:") + v)
            checks.append((p["name"], "DUPLICATE_KEY", ~is_missing(v, tokens) & ~key.is_first_distinct()))
    by_name = {p["name"]: p for p in props}
    for fd in fds:
        det = fd["determinant"]
        usable = pl.lit(True)
        for c in det:
            pc = by_name.get(c)
            if pc:
                usable = usable & ~is_missing(pl.col(c), missing_tokens(pc))
                for _, e in value_checks(pc, pl.col(c)):
                    usable = usable & ~e.fill_null(False)
        n = pl.len().over(det)
        for dep in fd["dependent"]:
            c = pl.len().over([*det, pl.col(dep).fill_null("\x00")])
            checks.append((dep, "FD_VIOLATION", usable & (2 * c <= n)))

    reasons = pl.concat_str(
        [pl.when(e.fill_null(False)).then(pl.lit(f"{col}:{r}")) for col, r, e in checks], separator=";", ignore_nulls=True
    )
    df = df.with_columns(reasons.alias("_reasons")).with_columns(
        pl.when(pl.col("_reasons") == "").then(None).otherwise(pl.col("_reasons")).alias("_reasons")
    )
    os.makedirs(out_dir, exist_ok=True)
    bad = df.filter(pl.col("_reasons").is_not_null())
    good = df.filter(pl.col("_reasons").is_null()).drop("_reasons")
    good = good.with_columns([typed(p, pl.col(p["name"])).alias(p["name"]) for p in props])
    good.write_parquet(os.path.join(out_dir, "clean.parquet"))
    bad.write_parquet(os.path.join(out_dir, "quarantine.parquet"))
    by_reason = {}
    for col, r, _ in checks:
        by_reason.setdefault(f"{col}:{r}", 0)
    counts = bad.select(pl.col("_reasons").str.split(";").explode().value_counts()).unnest("_reasons")
    for row in counts.iter_rows():
        by_reason[row[0]] = int(row[1])
    ms = round((time.perf_counter() - t0) * 1000)
    print(json.dumps({
        "ms": ms, "source": source, "clean": good.height, "quarantine": bad.height, "duplicates": duplicates,
        "reasons": {k: v for k, v in sorted(by_reason.items()) if v}, "threads": pl.thread_pool_size(), "polars": pl.__version__,
    }))


if __name__ == "__main__":
    main()
