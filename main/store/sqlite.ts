// The SQLite store: runs, stages, contract versions and signatures, alerts and the audit log.
// WAL mode and synchronous=FULL so that a crash never leaves a half-written entry behind.
import Database from 'better-sqlite3';

export type Sqlite = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS contract_versions (
  contract_id TEXT NOT NULL,
  version TEXT NOT NULL,
  yaml_sha256 TEXT NOT NULL,
  signature TEXT NOT NULL,
  columns_json TEXT NOT NULL,
  yaml TEXT NOT NULL,
  source_path TEXT,
  origin TEXT NOT NULL,            -- 'loaded' | 'additive-evolution'
  created_at TEXT NOT NULL,
  PRIMARY KEY (contract_id, yaml_sha256, signature)
);
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY,
  contract_id TEXT NOT NULL,
  contract_version TEXT NOT NULL,
  contract_sha256 TEXT NOT NULL,
  table_name TEXT NOT NULL,
  input_path TEXT NOT NULL,
  input_name TEXT NOT NULL,
  input_sha256 TEXT NOT NULL,
  input_bytes INTEGER NOT NULL,
  vault_path TEXT NOT NULL,
  status TEXT NOT NULL,            -- running | completed | halted | held | failed | rejected
  replay_of TEXT,
  options_json TEXT NOT NULL,
  summary_json TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_input ON runs (input_sha256, contract_id, contract_sha256);
CREATE TABLE IF NOT EXISTS stages (
  run_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  ms INTEGER,
  rows INTEGER,
  reconciliation_json TEXT,
  PRIMARY KEY (run_id, stage)
);
CREATE TABLE IF NOT EXISTS alerts (
  alert_id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT,
  severity TEXT NOT NULL,          -- critical | sev1 | warning | info
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY,
  run_id TEXT,
  ts TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_run ON audit (run_id, seq);
CREATE TABLE IF NOT EXISTS proposals (
  proposal_id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  cluster_id TEXT NOT NULL,
  column_name TEXT NOT NULL,
  rule_json TEXT NOT NULL,
  proposer TEXT NOT NULL,
  confidence REAL NOT NULL,
  status TEXT NOT NULL,            -- proposed | rejected-by-sandbox | verified | approved | rejected | applied
  sandbox_reason TEXT,
  coverage REAL,
  fixed_rows INTEGER,
  cluster_rows INTEGER,
  decided_by TEXT,
  decided_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS proposals_by_run ON proposals (run_id);
CREATE TABLE IF NOT EXISTS clusters (
  cluster_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  column_name TEXT NOT NULL,
  reason TEXT NOT NULL,
  signatures_json TEXT NOT NULL,
  size INTEGER NOT NULL,
  distinct_values INTEGER NOT NULL,
  samples_json TEXT NOT NULL,
  PRIMARY KEY (run_id, cluster_id)
);
CREATE TABLE IF NOT EXISTS recipes (
  contract_id TEXT NOT NULL,
  contract_sha256 TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  rule_json TEXT NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (contract_id, contract_sha256, proposal_id)
);
-- the review steps of each run, with the before-image an undo puts back (remediate/history.ts)
CREATE TABLE IF NOT EXISTS operations (
  op_id TEXT PRIMARY KEY, run_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL,
  by_whom TEXT NOT NULL, at TEXT NOT NULL, undone_at TEXT, undone_by TEXT, before_json TEXT NOT NULL, data_image INTEGER NOT NULL
);
-- recipe rules the analyst switched off: kept (the audit and earlier runs name them), never applied
CREATE TABLE IF NOT EXISTS recipe_disabled (
  contract_id TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  disabled_at TEXT NOT NULL,
  disabled_by TEXT NOT NULL,
  PRIMARY KEY (contract_id, proposal_id)
);
-- a run's remediation, as a durable job (remediate/job.ts): the fast lane is promoted and reported
-- first; each committed step (the recipe, then each round) is recorded here, so that a job cut
-- short resumes at its first unfinished step. steps_done: 0 none, 1 the recipe, 1 + N round N.
CREATE TABLE IF NOT EXISTS remediation_jobs (
  run_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,             -- pending | running | done | failed
  owner_pid INTEGER,               -- the process running it (state running)
  steps_done INTEGER NOT NULL,
  step TEXT,                       -- the step reached: 'recipe', 'round 2: propose', ...
  input_json TEXT NOT NULL,        -- approval mode and remediation options
  progress_json TEXT NOT NULL,     -- what the committed steps found and decided
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE TABLE IF NOT EXISTS models_used (
  run_id TEXT NOT NULL,
  role TEXT NOT NULL,              -- llm | embedder
  info_json TEXT NOT NULL,
  PRIMARY KEY (run_id, role)
);
`;

export function openSqlite(path: string): Sqlite {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

export function nowIso(): string {
  return new Date().toISOString();
}
