// One file of the exported project: a model (SQL with ref placeholders, see jinjaSql.ts) or a seed.

export interface DbtModel {
  name: string;
  /** folder under models/ */
  dir: 'staging' | 'validation' | 'remediation' | 'marts';
  /** SQL with ref placeholders */
  sql: string;
  /** a macro of the project run before the model is built (dbt pre-hook) */
  preHook?: string;
  /** one line for schema.yml */
  description: string;
}

export interface DbtSeed {
  name: string;
  /** rows of (from, to), written as CSV */
  lines: Array<[string, string]>;
  description: string;
}
