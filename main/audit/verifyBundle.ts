// Offline verification of an audit bundle, with nothing but the bundle (and optionally the
// workspace's public key): the signature, every file's hash, no file missing or added, the audit
// chain line by line, and the reconciliation in run.json. The first problem found is named.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AuditEntry } from './log.js';
import { verifyAuditSlice, type AuditRange } from './auditSlice.js';
import {
  AUDIT_FILE, BUNDLE_DIR, CHANGES_FILE, checkCellChanges, type ShippedChange, BUNDLE_PREDICATE_TYPE, CONTRACT_FILE, DATA_SUBJECT_PREFIX, PUBLIC_KEY_FILE, RUN_FILE, sha256Hex, SIGNATURE_FILE, STATEMENT_FILE,
  type BundlePredicate,
} from './bundle.js';
import { findPiiSpans } from './pii.js';
import { readZipBounded, ZipLimitError } from './readZipBounded.js';
import { EXPORT_MARKER } from '../export/exportDir.js';
import { IN_TOTO_STATEMENT_TYPE, strictBase64, verifyDsse, type InTotoStatement } from './sign.js';

export type VerifyResult = { ok: true; verdict: string } | { ok: false; culprit: string; verdict: string };

/**
 * Who reads the verdict: the command line's advice names its flags; the desktop app's names
 * the key it compared (the workspace's own) and no flag at all.
 */
export interface VerifyWords {
  /** how the signing key is named when no key was given, e.g. "this workspace's key" */
  ownKey?: (keyId: string) => string;
  /** the note on a bundle with personal data in clear */
  piiInClear?: string;
  /** the verdict on a bundle without its public key and none given */
  missingKey?: string;
}

const CLI_WORDS: Required<VerifyWords> = {
  ownKey: (keyId) => `the bundle's own key ${keyId.slice(0, 16)} (pass --public-key to check it is the workspace's)`,
  piiInClear: 'personal data in clear (exported with --include-pii)',
  missingKey: 'missing (or pass --public-key FILE)',
};

class Culprit extends Error {
  constructor(readonly culprit: string, readonly reason: string) {
    super(`${culprit}: ${reason}`);
  }
}

interface BundleFiles {
  files: Map<string, Buffer>;
  /** entries that are not plain files at the bundle's top level */
  strays: string[];
  /** the folder the exported data files are in: the one holding bundle/ and bundle.zip */
  exportDir: string;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function readDir(dir: string, exportDir: string): BundleFiles {
  const files = new Map<string, Buffer>();
  const strays: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.isFile()) files.set(d.name, readFileSync(join(dir, d.name)));
    else strays.push(`${d.name}/`);
  }
  return { files, strays, exportDir };
}

function readZip(path: string, bytes: Buffer): BundleFiles {
  let entries: Map<string, Uint8Array>;
  try {
    entries = readZipBounded(bytes);
  } catch (err) {
    if (err instanceof ZipLimitError) throw new Culprit(path, `refused: the archive ${err.message} (a zip bomb, or not an Airlock bundle)`);
    throw new Culprit(path, `not a readable zip archive (${(err as Error).message})`);
  }
  const files = new Map<string, Buffer>();
  const strays: string[] = [];
  const prefix = `${BUNDLE_DIR}/`;
  for (const [name, data] of entries) {
    if (name.endsWith('/')) continue;
    const inner = name.startsWith(prefix) ? name.slice(prefix.length) : name;
    if (inner.includes('/')) strays.push(name);
    else files.set(inner, Buffer.from(data));
  }
  return { files, strays, exportDir: dirname(path) };
}

/** A bundle folder, the export folder holding `bundle/`, or the zip archive. */
function readBundle(path: string): BundleFiles {
  if (!existsSync(path)) throw new Culprit(path, 'no such file or folder');
  if (statSync(path).isDirectory()) {
    const inner = join(path, BUNDLE_DIR);
    const useInner = !existsSync(join(path, SIGNATURE_FILE)) && existsSync(join(inner, SIGNATURE_FILE));
    return useInner ? readDir(inner, path) : readDir(path, dirname(path));
  }
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return readZip(path, bytes);
  throw new Culprit(path, 'not a bundle folder or a .zip bundle archive');
}

function parseJson(name: string, bytes: Buffer | undefined): unknown {
  if (!bytes) throw new Culprit(name, 'missing');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Culprit(name, 'not valid JSON');
  }
}

/** Which file to blame when the signature fails with the bundle's own key. */
function blameSignature(files: Map<string, Buffer>, envelope: { payload?: unknown }, keyPem: string, reason: string): Culprit {
  if (/public key/.test(reason)) return new Culprit(PUBLIC_KEY_FILE, reason);
  const payload = strictBase64(envelope.payload);
  const statement = files.get(STATEMENT_FILE);
  if (payload && statement && payload.equals(statement)) {
    // The signed statement is intact, so either the key file or the signature itself changed.
    try {
      const named = (JSON.parse(statement.toString('utf8')) as InTotoStatement<BundlePredicate>).predicate?.publicKeyPem;
      if (named !== keyPem) return new Culprit(PUBLIC_KEY_FILE, 'is not the key the signed statement names');
    } catch {
      /* an unreadable statement is blamed on the envelope below */
    }
  }
  return new Culprit(SIGNATURE_FILE, `the signature does not verify (${reason})`);
}

function checkSignature(files: Map<string, Buffer>, givenKeyPem: string | undefined, missingKey: string): { statement: InTotoStatement<BundlePredicate>; keyId: string } {
  const envelope = parseJson(SIGNATURE_FILE, files.get(SIGNATURE_FILE)) as { payload?: unknown };
  const keyPem = givenKeyPem ?? files.get(PUBLIC_KEY_FILE)?.toString('utf8');
  if (keyPem === undefined) throw new Culprit(PUBLIC_KEY_FILE, missingKey);
  const verdict = verifyDsse(envelope, keyPem);
  if (!verdict.ok) {
    if (givenKeyPem !== undefined) throw new Culprit(SIGNATURE_FILE, `not signed by the given public key (${verdict.reason})`);
    throw blameSignature(files, envelope, keyPem, verdict.reason);
  }
  const statementBytes = files.get(STATEMENT_FILE);
  if (!statementBytes) throw new Culprit(STATEMENT_FILE, 'missing');
  if (!statementBytes.equals(verdict.payload)) throw new Culprit(STATEMENT_FILE, 'differs from the statement signed in statement.sig');
  const statement = parseJson(STATEMENT_FILE, statementBytes) as InTotoStatement<BundlePredicate>;
  if (statement._type !== IN_TOTO_STATEMENT_TYPE || statement.predicateType !== BUNDLE_PREDICATE_TYPE || !Array.isArray(statement.subject) || !statement.predicate) {
    throw new Culprit(STATEMENT_FILE, `not an Airlock bundle statement (${IN_TOTO_STATEMENT_TYPE}, ${BUNDLE_PREDICATE_TYPE})`);
  }
  const keyFile = files.get(PUBLIC_KEY_FILE)?.toString('utf8');
  if (keyFile !== undefined && keyFile !== statement.predicate.publicKeyPem) throw new Culprit(PUBLIC_KEY_FILE, 'is not the key the signed statement names');
  return { statement, keyId: verdict.keyId };
}

function parseAudit(bytes: Buffer | undefined): AuditEntry[] {
  if (!bytes) throw new Culprit(AUDIT_FILE, 'missing');
  const lines = bytes.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => {
    try {
      const e = JSON.parse(line) as AuditEntry;
      if (e && typeof e === 'object' && typeof e.seq === 'number' && typeof e.hash === 'string' && typeof e.prev_hash === 'string') return e;
    } catch {
      /* reported below */
    }
    throw new Culprit(`${AUDIT_FILE} line ${i + 1}`, 'not an audit entry (one JSON object per line, with seq, prev_hash and hash)');
  });
}

function parseChanges(bytes: Buffer | undefined): ShippedChange[] {
  if (!bytes) return [];
  const lines = bytes.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const text = (v: unknown) => v === null || typeof v === 'string';
  return lines.map((line, i) => {
    try {
      const c = JSON.parse(line) as ShippedChange;
      if (c && typeof c === 'object' && Number.isInteger(c.seq) && Number.isInteger(c.row_id) && typeof c.column === 'string'
        && [c.old, c.new, c.reason, c.rule, c.confidence, c.proposer, c.ts].every(text)) return c;
    } catch {
      /* reported below */
    }
    throw new Culprit(`${CHANGES_FILE} line ${i + 1}`, 'not a cell change (one JSON object per line: seq, row_id, column, old, new, reason, rule, confidence, proposer, ts)');
  });
}

/** Each cell_changes entry's Merkle root, recomputed from the shipped changes (audit/merkle.ts). */
function checkSealedChanges(files: Map<string, Buffer>): number {
  const entries = parseAudit(files.get(AUDIT_FILE));
  const changes = parseChanges(files.get(CHANGES_FILE));
  const wrong = checkCellChanges(entries, changes);
  if (wrong) throw new Culprit(CHANGES_FILE, wrong.reason);
  return changes.length;
}

function checkAudit(files: Map<string, Buffer>, expected: BundlePredicate['audit'], runId: string): { entries: number; head: string | null } {
  const entries = parseAudit(files.get(AUDIT_FILE));
  const at = (i: number) => `${AUDIT_FILE} line ${i + 1}${entries[i] ? ` (seq ${entries[i].seq})` : ''}`;
  // The signed statement pins the run's ranges of the chain (a bundle of an older version, one
  // contiguous slice from firstSeq): every line must be the entry its range expects.
  const ranges: AuditRange[] = Array.isArray(expected.ranges) ? expected.ranges
    : expected.firstSeq === null || expected.anchor === null ? [] : [[expected.firstSeq, expected.firstSeq + expected.entries - 1, expected.anchor]];
  const slice = verifyAuditSlice(entries, ranges, Array.isArray(expected.ranges) ? runId : undefined);
  if (!slice.ok) throw new Culprit(at(slice.index), slice.reason);
  if (entries.length !== expected.entries) throw new Culprit(at(Math.min(entries.length, expected.entries)), `the signed statement records ${expected.entries} entries, the file has ${entries.length}`);
  const head = slice.head;
  if (head !== expected.head) throw new Culprit(at(Math.max(0, entries.length - 1)), 'the chain head differs from the one in the signed statement');
  return { entries: entries.length, head };
}

function checkSubjects(files: Map<string, Buffer>, strays: string[], statement: InTotoStatement<BundlePredicate>): number {
  const listed = new Set<string>();
  for (const s of statement.subject) {
    const name = String(s?.name ?? '');
    if (name.startsWith(DATA_SUBJECT_PREFIX) && SAFE_NAME.test(name.slice(DATA_SUBJECT_PREFIX.length))) continue;
    if (!SAFE_NAME.test(name)) throw new Culprit(STATEMENT_FILE, `subject ${JSON.stringify(name)} is not a plain file name`);
    const bytes = files.get(name);
    if (!bytes) throw new Culprit(name, 'missing: the signed statement lists it');
    if (sha256Hex(bytes) !== s.digest?.sha256) throw new Culprit(name, 'its SHA-256 does not match the signed statement (the file was changed)');
    listed.add(name);
  }
  const unlisted = [...files.keys()].filter((n) => !listed.has(n) && n !== STATEMENT_FILE && n !== SIGNATURE_FILE).concat(strays);
  if (unlisted.length > 0) throw new Culprit(unlisted.sort()[0], 'is not covered by the signed statement (a file was added)');
  return listed.size;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The exported data files beside the bundle, against their signed digests. In an export folder
 * (it holds Airlock's marker) every one must be there; a bundle copied away on its own is checked
 * as a bundle, and the verdict says the data files were not found.
 */
async function checkDataFiles(statement: InTotoStatement<BundlePredicate>, exportDir: string): Promise<{ checked: string[]; absent: string[] }> {
  const subjects = statement.subject.filter((s) => String(s?.name ?? '').startsWith(DATA_SUBJECT_PREFIX));
  const names = subjects.map((s) => String(s.name).slice(DATA_SUBJECT_PREFIX.length));
  const present = names.filter((n) => existsSync(join(exportDir, n)));
  const strict = existsSync(join(exportDir, EXPORT_MARKER)) || present.length > 0;
  const checked: string[] = [];
  const absent: string[] = [];
  for (const [i, s] of subjects.entries()) {
    const path = join(exportDir, names[i]);
    if (!existsSync(path)) {
      if (strict) throw new Culprit(names[i], `missing: the signed statement lists it as an exported file beside the bundle (${exportDir})`);
      absent.push(names[i]);
      continue;
    }
    if ((await sha256File(path)) !== s.digest?.sha256) throw new Culprit(names[i], 'its SHA-256 does not match the signed statement (a value was changed, or a row added or removed)');
    checked.push(names[i]);
  }
  return { checked, absent };
}

const CLEAR_KINDS = new Set(['email', 'ssn', 'iban']);

/** A bundle that says personal data is tokenised must not hold a value that looks personal in clear. */
function checkTokenised(files: Map<string, Buffer>, p: BundlePredicate): void {
  if (p.includePii) return;
  for (const name of [AUDIT_FILE, CHANGES_FILE, RUN_FILE, 'report.html', 'recipe.json', 'inputs.json', 'outputs.json', 'models.json']) {
    const text = files.get(name)?.toString('utf8');
    // Only the shapes that cannot be an ordinary number (a ratio, a hash) are looked for here.
    const span = text === undefined ? undefined : findPiiSpans(text).find((x) => CLEAR_KINDS.has(x.kind));
    if (span) throw new Culprit(name, `holds a value that looks like personal data (${span.kind}) in clear, but the signed statement says personal data is tokenised`);
  }
}

function checkContract(files: Map<string, Buffer>, contract: BundlePredicate['contract']): void {
  const yaml = files.get(CONTRACT_FILE);
  if (!yaml) throw new Culprit(CONTRACT_FILE, 'missing');
  if (sha256Hex(yaml) !== contract?.yamlSha256) throw new Culprit(CONTRACT_FILE, 'is not the contract version the run used (its SHA-256 differs)');
}

interface Counts {
  sourceRows: number;
  successRows: number;
  quarantineRows: number;
  duplicateRows: number;
}

function balances(c: Record<string, unknown>): c is Record<string, unknown> & Counts {
  const n = (k: keyof Counts) => c[k];
  // A stage before promotion (or a held batch) counts rows routed to the fast lane but not yet
  // promoted as pending; they are part of the equation until promotion moves them to success.
  const pending = c.pendingRows === undefined ? 0 : c.pendingRows;
  return (['sourceRows', 'successRows', 'quarantineRows', 'duplicateRows'] as const).every((k) => Number.isInteger(n(k))) && Number.isInteger(pending)
    && (c.sourceRows as number) === (c.successRows as number) + (c.quarantineRows as number) + (c.duplicateRows as number) + (pending as number);
}

function checkReconciliation(files: Map<string, Buffer>): Counts {
  const run = parseJson(RUN_FILE, files.get(RUN_FILE)) as Record<string, unknown>;
  if (!run || typeof run !== 'object') throw new Culprit(RUN_FILE, 'not a run summary');
  if (!balances(run)) {
    throw new Culprit(RUN_FILE, `the reconciliation does not hold: sourceRows ${run.sourceRows} != successRows ${run.successRows} + quarantineRows ${run.quarantineRows} + duplicateRows ${run.duplicateRows}`);
  }
  if (run.reconciled !== true) throw new Culprit(RUN_FILE, `records reconciled: ${JSON.stringify(run.reconciled)}`);
  const stages = Array.isArray(run.reconciliation) ? (run.reconciliation as Array<Record<string, unknown>>) : [];
  for (const s of stages) {
    if (!s || typeof s !== 'object') throw new Culprit(RUN_FILE, 'a reconciliation stage is not an object');
    if (!balances(s) || s.ok === false) throw new Culprit(`${RUN_FILE} stage ${JSON.stringify(s.stage)}`, `the reconciliation does not hold: ${s.sourceRows} != ${s.successRows} + ${s.quarantineRows} + ${s.duplicateRows}${s.pendingRows ? ` + pending ${String(s.pendingRows)}` : ''}${s.ok === false ? ' (ok: false)' : ''}`);
  }
  return run;
}

export async function verifyBundle(pathToDirOrArchive: string, opts: { publicKeyPem?: string; words?: VerifyWords } = {}): Promise<VerifyResult> {
  const words = { ...CLI_WORDS, ...opts.words };
  try {
    const { files, strays, exportDir } = readBundle(pathToDirOrArchive);
    const { statement, keyId } = checkSignature(files, opts.publicKeyPem, words.missingKey);
    const p = statement.predicate;
    const audit = checkAudit(files, p.audit ?? { entries: 0, firstSeq: null, anchor: null, head: null }, String(p.runId));
    // Before the files' digests, so that an altered change is named by its rule, not only its file.
    const cells = checkSealedChanges(files);
    const count = checkSubjects(files, strays, statement);
    checkContract(files, p.contract);
    const run = checkReconciliation(files);
    checkTokenised(files, p);
    const data = await checkDataFiles(statement, exportDir);
    const key = opts.publicKeyPem !== undefined ? `the given public key ${keyId.slice(0, 16)}` : words.ownKey(keyId);
    const dataNote = data.absent.length > 0 ? `; data files not checked (${data.absent.join(', ')} not found beside the bundle)` : data.checked.length > 0 ? `; data files intact (${data.checked.join(', ')})` : '';
    const verdict = `OK: bundle of run ${p.runId} verified: signed by ${key}; ${count} files intact${dataNote}; `
      + `${audit.entries} audit entries chained to ${audit.head ? audit.head.slice(0, 16) : '(empty)'}${cells > 0 ? `, ${cells} cell changes matching their rules' Merkle roots` : ''}; `
      + `${run.sourceRows} = ${run.successRows} + ${run.quarantineRows} + ${run.duplicateRows} rows reconciled`
      + (p.includePii ? `; ${words.piiInClear}` : '; personal data tokenised');
    return { ok: true, verdict };
  } catch (err) {
    if (err instanceof Culprit) return { ok: false, culprit: err.culprit, verdict: `FAILED: ${err.culprit}: ${err.reason}` };
    throw err;
  }
}
