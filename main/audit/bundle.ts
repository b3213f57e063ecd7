// Writes the audit bundle: what came in, what changed and why, what went out, signed so that an
// auditor can check it offline with nothing but the bundle (see verifyBundle.ts).
// Personal data: audit.jsonl already holds tokens (protected at write time, so its chain still
// verifies); every other file is built from data scrubbed here before it is serialised.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { parse as parseYaml } from 'yaml';
import { canonicalJson } from './canonicalJson.js';
import type { AuditEntry } from './log.js';
import { CELL_CHANGES_KIND, changesRoot, type LeafChange } from './merkle.js';
import { auditRanges, verifyAuditSlice, type AuditRange } from './auditSlice.js';
import { createScrubber, loadOrCreateWorkspaceSecret, piiToken, scrubDeep, TOKEN_PATTERN } from './pii.js';
import { createPiiFinder, stringsOf } from './piiInBundle.js';
import type { TypedRule } from '../remediate/rules/ruleTypes.js';
import type { RuleDescription } from '../remediate/rules/describeRule.js';
import { renderReport } from './report.js';
import { buildStatement, loadOrCreateSigningKey, signDsse, type Subject } from './sign.js';

export const BUNDLE_PREDICATE_TYPE = 'urn:airlock:audit-bundle:v1';
export const STATEMENT_FILE = 'statement.json';
export const SIGNATURE_FILE = 'statement.sig';
export const PUBLIC_KEY_FILE = 'public-key.pem';
export const AUDIT_FILE = 'audit.jsonl';
/** The cell changes the chain's cell_changes entries seal (their Merkle leaves), one JSON object a line. */
export const CHANGES_FILE = 'changes.jsonl';
export const RUN_FILE = 'run.json';
export const CONTRACT_FILE = 'contract.odcs.yaml';
export const ARCHIVE_NAME = 'bundle.zip';
/** The folder name inside DIR and inside the archive. */
export const BUNDLE_DIR = 'bundle';
/** Subjects named with this prefix are the exported data files beside the bundle folder (and beside the archive). */
export const DATA_SUBJECT_PREFIX = '../';

export interface StageReconciliation {
  stage: string;
  sourceRows: number;
  successRows: number;
  quarantineRows: number;
  duplicateRows: number;
  ok: boolean;
}

export interface GateResult {
  name: string;
  metric: string;
  value: number;
  passed: boolean;
}

export interface RecipeRule {
  id: string;
  column: string;
  /** the typed rule, as the recipe stores it and `airlock run` re-applies it */
  rule: TypedRule;
  /** the rule in words (under 200 characters) and its lines, as every screen shows it */
  description: RuleDescription;
  /** an expression rule's SQL (empty for the other kinds) */
  set: Record<string, string>;
  where?: string;
  proposer: string;
  confidence: number;
  coverage: number;
  approver: string;
  patternType: string;
  reasoning: string;
}

export interface FailureCount {
  column: string;
  reason: string;
  count: number;
}

export interface ClusterSummary {
  id: string;
  column: string;
  reason: string;
  size: number;
  samples: Array<{ value: string | null; count: number }>;
  /** the id of the rule that fixes it, when one was approved */
  rule?: string;
  status: string;
}

export interface RuntimeVersions {
  airlock: string;
  duckdb: string;
  node: string;
  llamaCpp?: string;
  onnxruntime?: string;
}

export interface BundleInput {
  /** the `run --json` object: must hold runId, sourceRows, successRows, quarantineRows, duplicateRows, reconciled */
  runSummary: Record<string, unknown>;
  reconciliation: StageReconciliation[];
  gates: GateResult[];
  contractYaml: string;
  contractSignature: string;
  contractSha256: string;
  recipe: { rules: RecipeRule[] };
  /** the run's own entries of the hash chain, in seq order, PII already tokenised (PiiProtector) */
  auditEntries: AuditEntry[];
  /** the cells those entries' cell_changes seal, in their audit form (pii tokenised), with the entry's seq */
  cellChanges?: ShippedChange[];
  models: Record<string, unknown>[];
  runtime: RuntimeVersions;
  inputs: Array<{ name: string; bytes: number; sha256: string }>;
  /** `path` is the exported file to hash; `name` is what the bundle calls it */
  outputs: Array<{ path: string; name: string; rows: number }>;
  failures: FailureCount[];
  clusters: ClusterSummary[];
  /** clear value -> token, for every value of the contract's pii columns */
  piiValues: Map<string, string>;
  includePii: boolean;
  keysDir: string;
}

export type ShippedChange = LeafChange & { seq: number };

/**
 * Every cell_changes entry's count and Merkle root against the shipped changes, and every shipped
 * change against an entry: the first mismatch, naming the rule, or null. writeBundle refuses to
 * sign a mismatch; verifyBundle re-checks it from the files.
 */
export function checkCellChanges(entries: AuditEntry[], changes: ShippedChange[]): { seq: number | null; reason: string } | null {
  const bySeq = new Map<number, ShippedChange[]>();
  for (const c of changes) {
    const list = bySeq.get(c.seq) ?? [];
    list.push(c);
    bySeq.set(c.seq, list);
  }
  const sealed = new Set<number>();
  for (const e of entries) {
    if (e.kind !== CELL_CHANGES_KIND) continue;
    sealed.add(e.seq);
    const mine = bySeq.get(e.seq) ?? [];
    const p = e.payload as { rule?: unknown; cells?: unknown; merkle_root?: unknown };
    const rule = `rule ${JSON.stringify(p.rule)} (audit seq ${e.seq})`;
    if (mine.length !== p.cells) return { seq: e.seq, reason: `${rule} sealed ${String(p.cells)} cell changes, ${CHANGES_FILE} ships ${mine.length} (a change was removed or added)` };
    if (changesRoot(mine) !== p.merkle_root) return { seq: e.seq, reason: `${rule}: the Merkle root of its shipped cell changes differs from the signed chain's (a change was altered, removed or added)` };
  }
  const stray = changes.find((c) => !sealed.has(c.seq));
  return stray ? { seq: stray.seq, reason: `a change of row ${stray.row_id} ${stray.column} names audit seq ${stray.seq}, which is no cell_changes entry of the run (a change was added)` } : null;
}

export interface BundleFile {
  name: string;
  sha256: string;
  bytes: number;
}

export interface BundlePredicate {
  runId: string;
  createdAt: string;
  airlockVersion: string;
  includePii: boolean;
  piiProtection: string;
  publicKeyPem: string;
  keyId: string;
  contract: { id: string; name: string; version: string; yamlSha256: string; signature: string };
  /** pins the audit slice: removing its first or last line breaks no link, but breaks this */
  audit: { entries: number; firstSeq: number | null; anchor: string | null; head: string | null; ranges?: AuditRange[] };
  /** the exported data files beside the bundle, also subjects of the statement (DATA_SUBJECT_PREFIX) */
  dataFiles?: Array<{ name: string; rows: number }>;
}

export interface BundleResult {
  dir: string;
  archive: string;
  files: BundleFile[];
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

function contractHeader(yamlText: string): { id: string; name: string; version: string } {
  const doc = parseYaml(yamlText) as Record<string, unknown> | null;
  const field = (k: string) => (doc && typeof doc[k] === 'string' ? (doc[k] as string) : '');
  return { id: field('id'), name: field('name'), version: field('version') };
}

/** Things only a caller's bug can cause: loud, before anything is written or signed. */
function checkInput(input: BundleInput): string {
  const runId = input.runSummary.runId;
  if (typeof runId !== 'string' || runId === '') throw new Error('writeBundle: runSummary.runId is missing');
  for (const k of ['sourceRows', 'successRows', 'quarantineRows', 'duplicateRows']) {
    if (typeof input.runSummary[k] !== 'number') throw new Error(`writeBundle: runSummary.${k} is missing`);
  }
  if (sha256Hex(input.contractYaml) !== input.contractSha256) throw new Error('writeBundle: contractYaml does not hash to contractSha256: not the contract version the run used');
  const chain = verifyAuditSlice(input.auditEntries, auditRanges(input.auditEntries), runId);
  if (!chain.ok) throw new Error(`writeBundle: the run's audit entries do not verify (${chain.reason}); refusing to sign a broken chain`);
  for (const o of input.outputs) if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(o.name)) throw new Error(`writeBundle: output name ${JSON.stringify(o.name)} is not a plain file name`);
  const sealed = checkCellChanges(input.auditEntries, input.cellChanges ?? []);
  if (sealed) throw new Error(`writeBundle: ${sealed.reason}; refusing to sign`);
  if (!input.includePii) assertAuditProtected(input.auditEntries, input.cellChanges ?? [], input.piiValues);
  return runId;
}

/**
 * audit.jsonl cannot be scrubbed without breaking its chain, so it must already be clean. The
 * values are looked for in the payload's strings, where a value can be (see piiInBundle.ts), not
 * in its serialised JSON, where a row count or an id would read as a short numeric value.
 */
function assertAuditProtected(entries: AuditEntry[], changes: ShippedChange[], piiValues: ReadonlyMap<string, string>): void {
  const finder = createPiiFinder(new Map([...piiValues].filter(([v]) => /\p{L}/u.test(v) || v.replace(/\D/g, '').length >= 7)));
  for (const e of entries) {
    for (const text of stringsOf(e.payload)) {
      if (finder.find(text) !== null) {
        throw new Error(`writeBundle: audit entry seq ${e.seq} (${e.kind}) holds a pii column's value in clear; it must go through PiiProtector before it is appended`);
      }
    }
  }
  // The shipped changes are what the Merkle leaves hash, so they cannot be scrubbed here either.
  for (const c of changes) {
    for (const text of [c.old, c.new, c.reason, c.rule, c.proposer]) {
      if (text !== null && finder.find(text) !== null) {
        throw new Error(`writeBundle: the change of row ${c.row_id} ${c.column} sealed by audit seq ${c.seq} holds a pii column's value in clear; its audit form must tokenise it (pipeline/auditChanges.ts)`);
      }
    }
  }
}

function auditSummary(entries: AuditEntry[]) {
  const byKind: Record<string, number> = {};
  for (const e of entries) byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
  const first = entries[0];
  const last = entries[entries.length - 1];
  return {
    entries: entries.length,
    firstSeq: first?.seq ?? null,
    lastSeq: last?.seq ?? null,
    anchor: first?.prev_hash ?? null,
    head: last?.hash ?? null,
    ranges: auditRanges(entries),
    byKind,
  };
}

/** Moves the finished folder into place; only an earlier bundle is ever replaced. */
function replaceDir(tmp: string, dir: string): void {
  if (existsSync(dir)) {
    const names = readdirSync(dir);
    if (names.length > 0 && !names.includes(STATEMENT_FILE)) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`${dir} exists and is not an Airlock bundle: move it away or export to another --out folder`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  renameSync(tmp, dir);
}

export async function writeBundle(outDir: string, input: BundleInput): Promise<BundleResult> {
  const runId = checkInput(input);
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  const createdAt = new Date().toISOString();
  const key = loadOrCreateSigningKey(input.keysDir);
  const secret = loadOrCreateWorkspaceSecret(input.keysDir);
  // Known pii values by their tokens; anything else that looks personal gets a keyed token too.
  const finder = createPiiFinder(input.piiValues);
  const detect = createScrubber(new Map(), (v, kind) => piiToken(secret, v, kind));
  const scrub = input.includePii ? (s: string) => s : (s: string) => detect(finder.scrub(s));
  const clean = <T>(value: T): T => scrubDeep(value, scrub);

  const outputs = [];
  for (const o of input.outputs) {
    if (!existsSync(o.path)) throw new Error(`writeBundle: the exported file ${o.path} is missing`);
    outputs.push({ name: o.name || basename(o.path), rows: o.rows, ...(await sha256File(o.path)) });
  }
  const contract = { ...contractHeader(input.contractYaml), yamlSha256: input.contractSha256, signature: input.contractSignature };
  const audit = auditSummary(input.auditEntries);
  const rules = clean(input.recipe.rules);
  const clusters = clean(input.clusters);
  const failures = clean(input.failures);
  // Every failure count and cluster is in run.json: the report shows the first ones of long lists.
  const run = clean({ ...input.runSummary, contract, reconciliation: input.reconciliation, gates: input.gates, failuresByColumn: input.failures, clusterSummaries: input.clusters });
  const inputs = clean(input.inputs);
  const models = clean(input.models);

  const files = new Map<string, Buffer>();
  files.set(RUN_FILE, json(run));
  files.set(CONTRACT_FILE, Buffer.from(input.contractYaml, 'utf8'));
  files.set('recipe.json', json({ format: 'airlock-recipe/v1', contract, rules }));
  files.set(AUDIT_FILE, Buffer.from(input.auditEntries.map((e) => canonicalJson({ seq: e.seq, run_id: e.run_id, ts: e.ts, kind: e.kind, payload: e.payload, prev_hash: e.prev_hash, hash: e.hash }) + '\n').join('')));
  // The leaves exactly as hashed: scrubbing them would break the roots the chain signs.
  files.set(CHANGES_FILE, Buffer.from((input.cellChanges ?? []).map((c) => canonicalJson({
    seq: c.seq, row_id: c.row_id, column: c.column, old: c.old, new: c.new, reason: c.reason, rule: c.rule, confidence: c.confidence, proposer: c.proposer, ts: c.ts,
  }) + '\n').join('')));
  files.set('models.json', json({ runtime: input.runtime, models }));
  files.set('inputs.json', json({ files: inputs }));
  files.set('outputs.json', json({ files: outputs }));
  files.set(
    'report.html',
    Buffer.from(
      renderReport({
        runId: scrub(runId),
        createdAt,
        run,
        contract,
        reconciliation: input.reconciliation,
        gates: clean(input.gates),
        failures,
        clusters,
        rules,
        audit,
        inputs,
        outputs,
        models,
        runtime: input.runtime,
        includePii: input.includePii,
        keyId: key.keyId,
      }),
    ),
  );
  files.set(PUBLIC_KEY_FILE, Buffer.from(key.publicKeyPem));

  // The data files are subjects too: a changed value or an added row in clean.csv breaks the statement.
  const subjects: Subject[] = [
    ...[...files].map(([name, bytes]) => ({ name, digest: { sha256: sha256Hex(bytes) } })),
    ...outputs.map((o) => ({ name: `${DATA_SUBJECT_PREFIX}${o.name}`, digest: { sha256: o.sha256 } })),
  ];
  const predicate: BundlePredicate = {
    runId: scrub(runId),
    createdAt,
    airlockVersion: input.runtime.airlock,
    includePii: input.includePii,
    piiProtection: input.includePii
      ? 'none: exported with --include-pii, personal data appears in clear'
      : `values of pii columns and values detected as personal appear as keyed tokens (${TOKEN_PATTERN.source}, HMAC-SHA256 with the workspace secret)`,
    publicKeyPem: key.publicKeyPem,
    keyId: key.keyId,
    contract,
    audit: { entries: audit.entries, firstSeq: audit.firstSeq, anchor: audit.anchor, head: audit.head, ranges: audit.ranges },
    dataFiles: outputs.map((o) => ({ name: o.name, rows: o.rows })),
  };
  // statement.json holds exactly the signed bytes, so an auditor can read what was signed.
  const statementBytes = json(buildStatement(subjects, BUNDLE_PREDICATE_TYPE, predicate));
  files.set(STATEMENT_FILE, statementBytes);
  files.set(SIGNATURE_FILE, json(signDsse(statementBytes, key)));

  const tmp = join(out, `.${BUNDLE_DIR}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  for (const [name, bytes] of files) writeFileSync(join(tmp, name), bytes);
  const dir = join(out, BUNDLE_DIR);
  replaceDir(tmp, dir);

  const archive = join(out, ARCHIVE_NAME);
  const mtime = new Date(createdAt);
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const [name, bytes] of files) entries[`${BUNDLE_DIR}/${name}`] = [bytes, { mtime }];
  writeFileSync(`${archive}.tmp`, zipSync(entries, { level: 6 }));
  renameSync(`${archive}.tmp`, archive);

  return { dir, archive, files: [...files].map(([name, bytes]) => ({ name, sha256: sha256Hex(bytes), bytes: bytes.length })) };
}
