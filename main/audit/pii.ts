// Personal data in the audit trail. Values from `pii` columns, and values that look personal
// wherever they are, are replaced by keyed tokens (HMAC-SHA256 with a workspace secret): the same
// value always gives the same token, so an auditor can follow a value through the log without
// seeing it, and only the workspace (pii_tokens table) can turn a token back into the value.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PiiKind } from '../contract/types.js';
import type { CellChange } from './log.js';
import { nowIso, type Sqlite } from '../store/sqlite.js';
import { createFileOnce } from '../store/atomicFile.js';

// ---------------------------------------------------------------------------------------------
// Detection of a whole value

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const SSN = /^\d{3}-\d{2}-\d{4}$/;
const PHONE_CHARS = /^\+?[\d\s().-]+$/;
/** Letters and digits: a value matches only where it is not part of a longer word or number. */
const WORD = /[\p{L}\p{N}]/u;
const isWordChar = (ch: string | undefined): boolean => ch !== undefined && WORD.test(ch);

/** ISO 13616: move the first four characters to the end, letters to numbers, mod 97 == 1. */
export function ibanChecksumOk(value: string): boolean {
  const compact = value.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const moved = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const n = ch >= 'A' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    rest = (n >= 10 ? rest * 100 + n : rest * 10 + n) % 97;
  }
  return rest === 1;
}

export function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function isCard(value: string): boolean {
  if (!/^\d(?:[ -]?\d){12,18}$/.test(value)) return false;
  return luhnOk(value.replace(/\D/g, ''));
}

/** A phone is 10 to 15 digits written with separators or a leading +: a bare digit run is too
 *  often an id or an amount, so it counts only when the contract marks the column. */
function isPhone(value: string): boolean {
  if (!PHONE_CHARS.test(value) || !/[\s().+-]/.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  return digits >= 10 && digits <= 15 && !/^\d{4}-\d{2}-\d{2}/.test(value);
}

/**
 * The kind of personal data a whole value is, or null. Dates of birth and names cannot be told
 * from the value alone: only the column's `pii` marks them.
 */
export function detectPiiKind(value: string): PiiKind | null {
  const v = value.trim();
  if (v.length < 6) return null;
  if (EMAIL.test(v)) return 'email';
  if (SSN.test(v)) return 'ssn';
  if (ibanChecksumOk(v)) return 'iban';
  if (isCard(v)) return 'card';
  if (isPhone(v)) return 'phone';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Detection inside free text (SQL, reasoning, samples): spans that look personal

export interface PiiSpan {
  start: number;
  end: number;
  kind: PiiKind;
}

const SPAN_PATTERNS: Array<{ kind: PiiKind; re: RegExp; check?: (s: string) => boolean }> = [
  { kind: 'email', re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  { kind: 'ssn', re: /(?<![\p{L}\p{N}-])\d{3}-\d{2}-\d{4}(?![\p{L}\p{N}-])/gu },
  { kind: 'iban', re: /(?<![\p{L}\p{N}])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/gu, check: ibanChecksumOk },
  { kind: 'card', re: /(?<![\p{L}\p{N}-])\d(?:[ -]?\d){12,18}/gu, check: (s) => luhnOk(s.replace(/\D/g, '')) },
  // The common written shapes only (+CC …, (NNN) NNN-NNNN, NNN-NNN-NNNN): dates and times must
  // not read as phones.
  { kind: 'phone', re: /(?<![\p{L}\p{N}+])(?:\+\d{10,15}|\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}|\(\d{3}\) ?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4})(?![\p{L}\p{N}])/gu, check: isPhone },
];

/**
 * Spans of `text` that look personal. For IBANs and cards the greedy match may run into the
 * next number, so the longest prefix that passes the checksum is taken.
 */
export function findPiiSpans(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const { kind, re, check } of SPAN_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      let s = m[0];
      if (check) {
        while (s.length > 0 && !check(s)) s = s.slice(0, -1).replace(/[ -]$/, '');
        // A prefix cut out of a longer run of letters or digits (a hash, an id) is not a value;
        // look again from the next character, where a real one may start ('1234 4111…').
        if (s.length === 0 || isWordChar(text[m.index + s.length])) {
          re.lastIndex = m.index + 1;
          continue;
        }
      }
      spans.push({ start: m.index, end: m.index + s.length, kind });
    }
  }
  // Earlier patterns win an overlap: an e-mail holding digits is one e-mail, not a phone.
  const kept: PiiSpan[] = [];
  for (const s of spans) if (!kept.some((k) => s.start < k.end && k.start < s.end)) kept.push(s);
  return kept.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------------
// Tokens

/** A token: the kind as a label, then the first 16 hex of HMAC-SHA256(secret, value). The kind
 *  is not keyed, so a value tokenised under two kinds still shows the same hex. */
export function piiToken(secret: Buffer, value: string, kind: PiiKind): string {
  return `pii:${kind}:${createHmac('sha256', secret).update(value, 'utf8').digest('hex').slice(0, 16)}`;
}

export const TOKEN_PATTERN = /pii:[a-z]+:[0-9a-f]{16}/;
const TOKEN_AT = new RegExp(TOKEN_PATTERN.source, 'y');

/** Values shorter than this are not identifying, and replacing them would shred ordinary text. */
export const MIN_SCRUB_LENGTH = 3;
/** Values are indexed by up to this many leading characters: long enough that values sharing a
 *  prefix (phones of one area code) rarely share a bucket. */
const KEY_LENGTH = 16;

/**
 * Replaces known clear values in text by their tokens: longest value first, whole words only
 * ('123' inside '51234' stays), a value also found SQL-quoted ('O''Brien'), tokens already in the
 * text left alone. Values can be added at any time (the index is by prefix, kept sorted).
 */
export class ValueScrubber {
  /** values by their first min(length, KEY_LENGTH) characters, longest value first in a bucket */
  private readonly byKey = new Map<string, Array<[string, string]>>();
  /** the key lengths in use, longest first, so the first value found is the longest */
  private keyLengths: number[] = [];
  /** first characters of every value: most positions of a text are ruled out by one lookup */
  private readonly starts = new Set<string>();
  private readonly seen = new Set<string>();

  constructor(values: Iterable<[string, string]> = []) {
    for (const [clear, token] of values) this.add(clear, token);
  }

  add(clear: string, token: string): void {
    this.index(clear, token);
    if (clear.includes("'")) this.index(clear.replace(/'/g, "''"), token);
  }

  private index(clear: string, token: string): void {
    if (clear.length < MIN_SCRUB_LENGTH || clear.trim() === '' || this.seen.has(clear)) return;
    this.seen.add(clear);
    this.starts.add(clear.slice(0, MIN_SCRUB_LENGTH));
    const keyLength = Math.min(clear.length, KEY_LENGTH);
    const key = clear.slice(0, keyLength);
    const bucket = this.byKey.get(key);
    if (!bucket) {
      this.byKey.set(key, [[clear, token]]);
      if (!this.keyLengths.includes(keyLength)) this.keyLengths = [...this.keyLengths, keyLength].sort((a, b) => b - a);
      return;
    }
    const at = bucket.findIndex(([c]) => c.length < clear.length);
    bucket.splice(at === -1 ? bucket.length : at, 0, [clear, token]);
  }

  private longestAt(text: string, i: number): [string, string] | undefined {
    if (!this.starts.has(text.slice(i, i + MIN_SCRUB_LENGTH))) return undefined;
    for (const k of this.keyLengths) {
      const bucket = this.byKey.get(text.slice(i, i + k));
      const hit = bucket?.find(([clear]) => text.startsWith(clear, i) && !(isWordChar(clear[clear.length - 1]) && isWordChar(text[i + clear.length])));
      if (hit) return hit;
    }
    return undefined;
  }

  /** Known values only. */
  replaceKnown(text: string): string {
    if (this.seen.size === 0) return text;
    let out = '';
    let copied = 0;
    let i = 0;
    while (i < text.length) {
      TOKEN_AT.lastIndex = i;
      if (text.startsWith('pii:', i) && TOKEN_AT.test(text)) {
        i = TOKEN_AT.lastIndex;
        continue;
      }
      // A value never starts inside a word: '123' is not replaced inside '51234'.
      const hit = isWordChar(text[i]) && isWordChar(text[i - 1]) ? undefined : this.longestAt(text, i);
      if (hit) {
        out += text.slice(copied, i) + hit[1];
        i += hit[0].length;
        copied = i;
      } else {
        i += 1;
      }
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /** Known values, then every span that looks personal, tokenised by `detect`. */
  scrub(text: string, detect?: (value: string, kind: PiiKind) => string): string {
    const known = this.replaceKnown(text);
    return detect ? replaceDetected(known, detect) : known;
  }
}

function replaceDetected(text: string, detect: (value: string, kind: PiiKind) => string): string {
  const tokens: Array<[number, number]> = [];
  const tokenRe = new RegExp(TOKEN_PATTERN.source, 'g');
  for (let m = tokenRe.exec(text); m; m = tokenRe.exec(text)) tokens.push([m.index, m.index + m[0].length]);
  let out = '';
  let copied = 0;
  for (const span of findPiiSpans(text)) {
    if (tokens.some(([s, e]) => span.start < e && s < span.end)) continue;
    out += text.slice(copied, span.start) + detect(text.slice(span.start, span.end), span.kind);
    copied = span.end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** A scrub function over fixed values; with `detect`, spans that look personal are tokenised too. */
export function createScrubber(values: ReadonlyMap<string, string>, detect?: (value: string, kind: PiiKind) => string): (text: string) => string {
  const scrubber = new ValueScrubber(values);
  return (text) => scrubber.scrub(text, detect);
}

/** Applies `scrub` to every string (values and keys) inside plain JSON data. */
export function scrubDeep<T>(value: T, scrub: (text: string) => string): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, scrub)) as T;
  if (value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[scrub(k)] = scrubDeep(v, scrub);
    return out as T;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// The workspace's protector

export class PiiProtector {
  private readonly insert;
  private readonly lookup;
  /** tokens already recorded, so that a value seen a thousand times is written once */
  private readonly recorded = new Set<string>();
  /** every value tokenised in this session, so that it is also caught inside free text */
  private readonly known = new ValueScrubber();
  private readonly detect = (value: string, kind: PiiKind) => this.token(value, kind);

  constructor(private readonly db: Sqlite, private readonly secret: Buffer) {
    if (secret.length < 16) throw new Error('PiiProtector: the workspace secret must be at least 16 bytes');
    db.exec(`CREATE TABLE IF NOT EXISTS pii_tokens (
      token TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      value TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`);
    this.insert = db.prepare('INSERT OR IGNORE INTO pii_tokens (token, kind, value, created_at) VALUES (?, ?, ?, ?)');
    this.lookup = db.prepare('SELECT value FROM pii_tokens WHERE token = ?');
  }

  /** The value's token, recorded so that the workspace can resolve it for a data-subject request. */
  token(value: string, kind: PiiKind): string {
    const token = piiToken(this.secret, value, kind);
    if (!this.recorded.has(token)) {
      this.insert.run(token, kind, value, nowIso());
      this.recorded.add(token);
      this.known.add(value, token);
    }
    return token;
  }

  /**
   * Records tokens already computed (in SQL, by sqlToken) for their values, in one transaction:
   * what token() does, without hashing each value again in JavaScript.
   */
  recordTokens(rows: Iterable<{ token: string; kind: PiiKind; value: string }>): void {
    const now = nowIso();
    this.db.transaction(() => {
      for (const r of rows) {
        if (this.recorded.has(r.token)) continue;
        this.insert.run(r.token, r.kind, r.value, now);
        this.recorded.add(r.token);
        this.known.add(r.value, r.token);
      }
    })();
  }

  /** Tokens for many values of one kind (a pii column's distinct values), in one transaction. */
  tokenMany(values: Iterable<string>, kind: PiiKind): Map<string, string> {
    return this.db.transaction(() => {
      const out = new Map<string, string>();
      for (const v of values) out.set(v, this.token(v, kind));
      return out;
    })();
  }

  /**
   * The change as the audit log may hold it: old and new tokenised when the column is `pii` or
   * the value itself looks personal; in free text, the values already tokenised (a customer's
   * name in a notes column) and the spans that look personal; and the same taken out of reason,
   * rule and version (a rule's SQL can quote the value it fixes).
   */
  protectChange(change: CellChange, columnKind?: PiiKind): CellChange {
    const protect = (value: string | null): string | null => {
      if (value === null || value.trim() === '') return value;
      const kind = columnKind ?? detectPiiKind(value);
      return kind ? this.token(value, kind) : this.known.scrub(value, this.detect);
    };
    const old = protect(change.old);
    const next = protect(change.new);
    // reason, rule and version are Airlock's own text (reason codes, proposal ids, rule SQL): a
    // personal value already known (tokenised) is replaced in them, but the free-text detector is
    // not run over them, since identifiers full of digits would be mistaken for card numbers.
    const text = (t: string) => this.known.scrub(t);
    const out = { ...change, old, new: next, reason: text(change.reason), rule: text(change.rule), version: text(change.version) };
    const same = out.old === change.old && out.new === change.new && out.reason === change.reason && out.rule === change.rule && out.version === change.version;
    return same ? change : out;
  }

  /**
   * Cell values of columns that are not pii, as protectChange writes them: a whole value of a
   * personal kind (IBAN, card, phone, e-mail, SSN) becomes its token, personal spans and values
   * already tokenised inside text are replaced. In one transaction.
   */
  protectValues(values: readonly string[]): Map<string, string> {
    return this.db.transaction(() => new Map(values.map((v) => {
      if (v.trim() === '') return [v, v];
      const kind = detectPiiKind(v);
      return [v, kind ? this.token(v, kind) : this.known.scrub(v, this.detect)];
    })))();
  }

  /** Many changes in one transaction (one fsync, not one per new token). */
  protectChanges(changes: CellChange[], columnKinds: ReadonlyMap<string, PiiKind>): CellChange[] {
    return this.db.transaction(() => changes.map((c) => this.protectChange(c, columnKinds.get(c.column))))();
  }

  /**
   * Any other audit payload (a proposal's SQL, a cluster's samples): `values` (clear -> token),
   * the values already tokenised, and spans that look personal all become tokens.
   */
  protectPayload<T extends Record<string, unknown>>(payload: T, values: ReadonlyMap<string, string> = new Map()): T {
    const extra = new ValueScrubber(values);
    return this.db.transaction(() => scrubDeep(payload, (t) => this.known.scrub(extra.replaceKnown(t), this.detect)))();
  }

  /**
   * An SQL expression giving piiToken(secret, value, kind) in DuckDB: HMAC-SHA256 spelled out as
   * sha256(K^opad || sha256(K^ipad || value)), so that a million cells are tokenised as one set
   * operation. The pads are derived from the secret and live only in the query text.
   */
  sqlToken(valueExpr: string, kindExpr: string): string {
    const key = Buffer.alloc(64);
    (this.secret.length > 64 ? createHash('sha256').update(this.secret).digest() : this.secret).copy(key);
    const pad = (b: number) => `unhex('${Buffer.from(key.map((x) => x ^ b)).toString('hex')}')`;
    return `('pii:' || ${kindExpr} || ':' || left(sha256(${pad(0x5c)} || unhex(sha256(${pad(0x36)} || encode(${valueExpr})))), 16))`;
  }

  /**
   * Airlock's own identifiers and codes (rule ids, proposers, reason codes): personal values
   * already known are replaced, but the free-text detector is not run over them, since ids full
   * of digits would be mistaken for card numbers (as protectChange does for reason, rule, version).
   */
  protectIdentifiers<T extends Record<string, unknown>>(payload: T): T {
    return scrubDeep(payload, (t) => this.known.scrub(t));
  }

  resolve(token: string): string | null {
    const row = this.lookup.get(token) as { value: string } | undefined;
    return row?.value ?? null;
  }

  /** `values` maps each clear value to its token. */
  scrubText(text: string, values: ReadonlyMap<string, string>): string {
    return new ValueScrubber(values).replaceKnown(text);
  }
}

// ---------------------------------------------------------------------------------------------
// The workspace secret

export const PII_SECRET_FILE = 'pii-secret.key';

/** 32 random bytes in keysDir, readable by the owner only; created on first use. */
export function loadOrCreateWorkspaceSecret(keysDir: string): Buffer {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const file = join(keysDir, PII_SECRET_FILE);
  createFileOnce(file, randomBytes(32));
  // A copy or restore may have widened the mode: tighten it rather than keep a readable secret.
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const secret = readFileSync(file);
  if (secret.length < 16) throw new Error(`${file} is damaged (${secret.length} bytes): restore it from a backup; without it old tokens cannot be matched`);
  return secret;
}
