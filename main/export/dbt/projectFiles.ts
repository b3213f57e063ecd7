// The fixed parts of the exported project: dbt_project.yml, a profiles.yml with a DuckDB target
// and a Spark `session` target, the macros for what differs between engines (dispatched by
// adapter, so that one project runs on both), the generic tests, the reconciliation test and a
// README saying how to run it.
import { stringify } from 'yaml';
import { YAML_OPTIONS } from './yamlOptions.js';
import type { Contract } from '../../contract/types.js';
import type { ModelNames } from './names.js';
import { SPACE_SEPARATOR_CLASS } from './sparkRewrite.js';

/** A Spark SQL string literal: Spark reads backslash escapes in string literals. */
const sparkStringLiteral = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function dbtProjectYml(project: string, sourceFile: string | undefined): string {
  return stringify({
    name: project,
    version: '1.0.0',
    'config-version': 2,
    profile: project,
    'model-paths': ['models'],
    'seed-paths': ['seeds'],
    'test-paths': ['tests'],
    'macro-paths': ['macros'],
    'clean-targets': ['target'],
    // The delivered file, read as text; empty: read the warehouse table of sources.yml instead.
    vars: { airlock_source_file: sourceFile ?? '' },
    // On Spark, tables as Parquet (dbt-spark's session enables Hive, whose default is a text serde).
    models: { [project]: { '+materialized': 'table', '+file_format': "{{ 'parquet' if target.type == 'spark' else none }}" } },
    // Lines of value maps are text, whatever they look like ('007' is not 7).
    seeds: { [project]: { '+column_types': { _airlock_from: "{{ 'string' if target.type == 'spark' else 'varchar' }}", _airlock_to: "{{ 'string' if target.type == 'spark' else 'varchar' }}" } } },
  }, YAML_OPTIONS);
}

export function profilesYml(project: string): string {
  return stringify({
    [project]: {
      target: 'duckdb',
      outputs: {
        duckdb: { type: 'duckdb', path: "{{ env_var('AIRLOCK_DBT_DUCKDB', 'airlock.duckdb') }}", threads: 1 },
        // Spark in local mode inside the dbt process (pip install dbt-spark[session] pyspark).
        spark: { type: 'spark', method: 'session', schema: "{{ env_var('AIRLOCK_DBT_SPARK_SCHEMA', 'airlock') }}", host: 'NA', threads: 1 },
      },
    },
  }, YAML_OPTIONS);
}

export function dialectMacros(contract: Contract): string {
  return `-- What differs between engines, dispatched by adapter (default = DuckDB): one project, both engines.

{% macro airlock_raw_relation() -%}
  {%- set path = var('airlock_source_file', '') -%}
  {%- if path -%}{{ return(adapter.dispatch('airlock_read_text_file')(path)) }}
  {%- else -%}{{ return(source('airlock_raw', ${JSON.stringify(contract.table)})) }}
  {%- endif -%}
{%- endmacro %}

{# The file as Airlock reads it: standard CSV quoting, every value text, a quoted empty field is empty text. #}
{% macro default__airlock_read_text_file(path) -%}
read_csv({{ airlock_string_literal(path) }}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false)
{%- endmacro %}

{# Spark SQL has no CSV table function with options: the staging model's pre-hook
   (airlock_prepare_raw) opens the file as a temporary view in the session first, every column
   text (no schema inference), standard quoting, a record may span lines. An unquoted empty field
   is NULL and a quoted one empty text, as in DuckDB's read above: Spark reads both as NULL when
   nullValue is '' (its default), so nullValue is a marker text (a field holding exactly it would
   read as NULL) and a quoted empty field is emptyValue ''. #}
{% macro spark__airlock_read_text_file(path) -%}airlock_raw_file{%- endmacro %}

{% macro airlock_prepare_raw() -%}{{ return(adapter.dispatch('airlock_prepare_raw')()) }}{%- endmacro %}
{% macro default__airlock_prepare_raw() -%}{%- endmacro %}
{% macro spark__airlock_prepare_raw() -%}
  {%- set path = var('airlock_source_file', '') -%}
  {%- if path -%}
CREATE OR REPLACE TEMPORARY VIEW airlock_raw_file USING csv
OPTIONS (path {{ airlock_string_literal(path) }}, header 'true', inferSchema 'false', multiLine 'true', quote '"', escape '"', mode 'FAILFAST',
  nullValue '<airlock:unquoted-empty>', emptyValue '')
  {%- endif -%}
{%- endmacro %}

{# The record's 1-based ordinal in the delivery. #}
{% macro airlock_record_ordinal() -%}{{ return(adapter.dispatch('airlock_record_ordinal')()) }}{%- endmacro %}
{% macro default__airlock_record_ordinal() -%}row_number() OVER (){%- endmacro %}
{% macro spark__airlock_record_ordinal() -%}row_number() OVER (ORDER BY monotonically_increasing_id()){%- endmacro %}

{% macro airlock_string_literal(s) -%}{{ return(adapter.dispatch('airlock_string_literal')(s)) }}{%- endmacro %}
{% macro default__airlock_string_literal(s) -%}'{{ s | replace("'", "''") }}'{%- endmacro %}
{# Spark reads backslash escapes in string literals. #}
{% macro spark__airlock_string_literal(s) -%}'{{ s | replace("\\\\", "\\\\\\\\") | replace("'", "\\\\'") }}'{%- endmacro %}

{# A full match of an RE2 pattern (the contract's patterns are RE2, as DuckDB runs them). On Spark
   the Java pattern of the same strings, written by the export (javaPattern.ts); a pattern Java
   cannot say stops the test with the reason. #}
{% macro airlock_regexp_full_match(expr, pattern, java_pattern=none, java_refusal=none) -%}{{ return(adapter.dispatch('airlock_regexp_full_match')(expr, pattern, java_pattern, java_refusal)) }}{%- endmacro %}
{% macro default__airlock_regexp_full_match(expr, pattern, java_pattern, java_refusal) -%}regexp_full_match({{ expr }}, {{ airlock_string_literal(pattern) }}){%- endmacro %}
{% macro spark__airlock_regexp_full_match(expr, pattern, java_pattern, java_refusal) -%}
  {%- if java_pattern is none -%}
    {%- if execute %}{{ exceptions.raise_compiler_error('the pattern ' ~ pattern ~ ' has no exact Spark translation: ' ~ java_refusal) }}{% endif -%}
  {%- else -%}({{ expr }} RLIKE {{ airlock_string_literal(java_pattern) }}){%- endif -%}
{%- endmacro %}

{# Text that is empty once trimmed as DuckDB's trim() trims (the Unicode space separators; Spark's trim removes only the space). #}
{% macro airlock_is_blank(expr) -%}{{ return(adapter.dispatch('airlock_is_blank')(expr)) }}{%- endmacro %}
{% macro default__airlock_is_blank(expr) -%}(trim({{ expr }}) = ''){%- endmacro %}
{% macro spark__airlock_is_blank(expr) -%}({{ expr }} RLIKE ${sparkStringLiteral(`^${SPACE_SEPARATOR_CLASS}*\\z`)}){%- endmacro %}

{# An identifier: "x" on DuckDB; on Spark \`x\` (dbt-spark turns ANSI mode off, where "x" is a string). #}
{% macro airlock_ident(name) -%}{{ return(adapter.dispatch('airlock_ident')(name)) }}{%- endmacro %}
{% macro default__airlock_ident(name) -%}"{{ name | replace('"', '""') }}"{%- endmacro %}
{% macro spark__airlock_ident(name) -%}\`{{ name | replace('\`', '\`\`') }}\`{%- endmacro %}

{# Airlock's row hash (validate/route.ts rowHashSql): every column's byte length, ':' and text, '-' for NULL. #}
{% macro airlock_row_hash(columns) -%}{{ return(adapter.dispatch('airlock_row_hash')(columns)) }}{%- endmacro %}
{% macro default__airlock_row_hash(columns) -%}
sha256({% for c in columns %}coalesce(CAST(strlen({{ airlock_text(airlock_ident(c)) }}) AS VARCHAR) || ':' || {{ airlock_text(airlock_ident(c)) }}, '-'){% if not loop.last %} || {% endif %}{% else %}''{% endfor %})
{%- endmacro %}
{% macro spark__airlock_row_hash(columns) -%}
sha2({% for c in columns %}coalesce(CAST(octet_length({{ airlock_text(airlock_ident(c)) }}) AS STRING) || ':' || {{ airlock_text(airlock_ident(c)) }}, '-'){% if not loop.last %} || {% endif %}{% else %}''{% endfor %}, 256)
{%- endmacro %}

{% macro airlock_text(expr) -%}{{ return(adapter.dispatch('airlock_text')(expr)) }}{%- endmacro %}
{% macro default__airlock_text(expr) -%}CAST({{ expr }} AS VARCHAR){%- endmacro %}
{% macro spark__airlock_text(expr) -%}CAST({{ expr }} AS STRING){%- endmacro %}

{# The value a range compares: numbers are stored as their delivered digits, compared as DOUBLE. #}
{% macro airlock_comparable(expr, logical_type) -%}
  {%- if logical_type == 'number' -%}CAST({{ expr }} AS DOUBLE){%- else -%}{{ expr }}{%- endif -%}
{%- endmacro %}

{% macro airlock_bound(value, logical_type) -%}
  {%- if logical_type in ('date', 'timestamp', 'time') -%}CAST({{ airlock_string_literal(value | string) }} AS {{ logical_type | upper }})
  {%- else -%}{{ value }}{%- endif -%}
{%- endmacro %}
`;
}

export function genericTests(): Record<string, string> {
  return {
    'tests/generic/airlock_pattern.sql': `{% test airlock_pattern(model, column_name, pattern, java_pattern=none, java_refusal=none) %}
SELECT {{ column_name }} FROM {{ model }}
WHERE {{ column_name }} IS NOT NULL AND NOT {{ airlock_regexp_full_match(column_name, pattern, java_pattern, java_refusal) }}
{% endtest %}
`,
    'tests/generic/airlock_range.sql': `{% test airlock_range(model, column_name, logical_type, minimum=none, maximum=none, exclusive_minimum=none, exclusive_maximum=none) %}
{%- set v = airlock_comparable(column_name, logical_type) -%}
SELECT {{ column_name }} FROM {{ model }}
WHERE {{ column_name }} IS NOT NULL AND (FALSE
  {%- if minimum is not none %} OR {{ v }} < {{ airlock_bound(minimum, logical_type) }}{% endif %}
  {%- if maximum is not none %} OR {{ v }} > {{ airlock_bound(maximum, logical_type) }}{% endif %}
  {%- if exclusive_minimum is not none %} OR {{ v }} <= {{ airlock_bound(exclusive_minimum, logical_type) }}{% endif %}
  {%- if exclusive_maximum is not none %} OR {{ v }} >= {{ airlock_bound(exclusive_maximum, logical_type) }}{% endif %})
{% endtest %}
`,
    'tests/generic/airlock_length.sql': `{% test airlock_length(model, column_name, min_length=none, max_length=none) %}
SELECT {{ column_name }} FROM {{ model }}
WHERE {{ column_name }} IS NOT NULL AND (FALSE
  {%- if min_length is not none %} OR length({{ column_name }}) < {{ min_length }}{% endif %}
  {%- if max_length is not none %} OR length({{ column_name }}) > {{ max_length }}{% endif %})
{% endtest %}
`,
    'tests/generic/airlock_unique_combination.sql': `{% test airlock_unique_combination(model, columns) %}
{%- set cols = [] -%}{%- for c in columns -%}{%- do cols.append(adapter.quote(c)) -%}{%- endfor -%}
SELECT {{ cols | join(', ') }}, count(*) AS n FROM {{ model }}
WHERE {% for c in cols %}{{ c }} IS NOT NULL{% if not loop.last %} AND {% endif %}{% endfor %}
GROUP BY {{ cols | join(', ') }} HAVING count(*) > 1
{% endtest %}
`,
    // Rows of one determinant group must agree on the dependent (a NULL is a value of its own).
    'tests/generic/airlock_dependency.sql': `{% test airlock_dependency(model, determinant, dependent) %}
{%- set det = [] -%}{%- for c in determinant -%}{%- do det.append(adapter.quote(c)) -%}{%- endfor -%}
SELECT {{ det | join(', ') }}, count(DISTINCT coalesce({{ airlock_text(adapter.quote(dependent)) }}, chr(0))) AS values_seen FROM {{ model }}
WHERE {% for c in det %}{{ c }} IS NOT NULL AND NOT {{ airlock_is_blank(airlock_text(c)) }}{% if not loop.last %} AND {% endif %}{% endfor %}
GROUP BY {{ det | join(', ') }} HAVING count(DISTINCT coalesce({{ airlock_text(adapter.quote(dependent)) }}, chr(0))) > 1
{% endtest %}
`,
  };
}

/** The singular test Airlock checks after every stage: source = clean + quarantine + duplicates. */
export function reconciliationTest(n: ModelNames): string {
  return `-- Reconciliation, as Airlock checks it after every stage: source = clean + quarantine + duplicates.
-- A row returned is a row lost or counted twice.
SELECT source_rows, clean_rows, quarantine_rows, duplicate_rows FROM (
  SELECT (SELECT count(*) FROM {{ ref('${n.staged}') }}) AS source_rows,
         (SELECT count(*) FROM {{ ref('${n.clean}') }}) AS clean_rows,
         (SELECT count(*) FROM {{ ref('${n.quarantine}') }}) AS quarantine_rows,
         (SELECT count(*) FROM {{ ref('${n.duplicates}') }}) AS duplicate_rows
) counts
WHERE source_rows <> clean_rows + quarantine_rows + duplicate_rows
`;
}

export function projectReadme(contract: Contract, project: string, n: ModelNames, rules: number, sourceFile: string | undefined): string {
  return `# ${project}: Airlock's cleaning of \`${contract.table}\` as a dbt project

Exported by \`airlock export-dbt\` from contract \`${contract.id}\` version ${contract.version} and its
approved recipe (${rules} rule${rules === 1 ? '' : 's'}). It runs the same cleaning Airlock runs: the same checks and reason codes,
the same rules in the same order, the same do-no-harm reverts, the same casts.

| model | what it holds |
|---|---|
| \`${n.staged}\` | the delivered rows as text, with their ordinal (\`_airlock_row_id\`) and row hash |
| \`${n.duplicates}\` | exact re-deliveries (set aside, counted) |
| \`${n.violations}\` | one row per failed check: \`row_id, column, reason, rule, detail\` |
| \`${n.fastLane}\` | rows that pass on arrival |
| \`${n.arrived}\` | rows that fail, as they arrived |
| \`${n.rule(1)}\` … | the working copy after each recipe rule (seeds hold value maps' lines) |
| \`${n.remediated}\` | rows the recipe repaired so that they pass every check |
| \`${n.quarantine}\` | rows still failing, with \`_airlock_reasons\` |
| \`${n.clean}\` | the clean table, typed as the contract says |

Tests: the contract's checks on \`${n.clean}\` (each named for its reason code, e.g.
\`pattern_mismatch__${n.clean}__…\`) and \`tests/reconciliation__*.sql\` (source = clean + quarantine + duplicates).

## Run on DuckDB

\`\`\`
pip install dbt-core==1.11.16 dbt-duckdb==1.11.1
AIRLOCK_DBT_DUCKDB=/path/to/warehouse.duckdb dbt build --project-dir . --profiles-dir .${sourceFile ? '' : " --vars '{airlock_source_file: /path/to/delivery.csv}'"}
\`\`\`

${sourceFile ? `The delivery read is \`${sourceFile}\` (the \`airlock_source_file\` var in dbt_project.yml); pass
\`--vars '{airlock_source_file: /other/file.csv}'\` for another one, or \`''\` to read the warehouse table
\`airlock_raw.${contract.table}\` declared in \`models/sources.yml\`.` : `With \`airlock_source_file\` empty, the rows are read from the warehouse table \`airlock_raw.${contract.table}\`
(\`models/sources.yml\`), every column as text.`}

## Run on Spark

\`\`\`
pip install dbt-core==1.11.16 dbt-spark[session]==1.11.0 pyspark==4.3.0
dbt run --project-dir . --profiles-dir . --target spark --select staging
\`\`\`

The \`spark\` target uses the \`session\` method (Spark in local mode inside dbt). The staging models
are written for both engines (dialect macros in \`macros/airlock_dialect.sql\`): on Spark the
staging model opens the delivery as a temporary view before it runs (with \`airlock_source_file\`
empty it reads \`airlock_raw.${contract.table}\`, every column as text). **Only the staging models run on
Spark so far**: the contract's checks, the recipe's rules and the clean table are still DuckDB SQL.
`;
}
