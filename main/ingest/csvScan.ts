// Runs the record scanner over a file's bytes as they stream past (the vault copy, or a profile's
// read), and writes what the parser will read: the header and every record the scanner vouches
// for, each prefixed with its ordinal and ended by LF. The parser's rows then carry the scanner's
// ordinals, so a record the parser loses is found by ordinal, never silently. Malformed records
// go to a JSON-lines file with their span (and bytes, when small enough to copy).
import { createWriteStream, createReadStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { RecordScanner, DEFAULT_SCAN_LIMITS, type GoodRecord, type MalformedRecord, type ResumePoint, type ScanLimits, type ScanSummary } from './recordScanner.js';

export interface CsvScan {
  summary: ScanSummary;
  /** the header record's bytes (BOM removed), or null for a file with no line at all */
  header: Buffer | null;
  delimiter: string;
  /** `_airlock_row_id<d>_airlock_raw_offset<d>_airlock_raw_length<d>_airlock_raw_lineno<d><header>`, then each good record prefixed with those four numbers, LF-ended */
  parsePath: string;
  /** one JSON object per malformed record: MalformedLine */
  malformedPath: string;
  resumePoints: ResumePoint[];
  limits: ScanLimits;
}

export interface MalformedLine {
  ordinal: number;
  line: number;
  offset: number;
  length: number;
  reason: string;
  detail: string;
  /** the record as text, when its bytes were copied (bytes that are not UTF-8 shown as U+FFFD) */
  text: string | null;
  /** the record's bytes in base64, when copied */
  base64: string | null;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function write(out: WriteStream, data: Buffer | string): Promise<void> {
  if (!out.write(data)) await once(out, 'drain');
}

/** The parse copy's bytes for one chunk, written into one growing buffer (no buffer per record). */
class OutputBuffer {
  private buf = Buffer.allocUnsafe(1 << 17);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  bytes(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
  }

  /** A non-negative integer in decimal at `at`; returns the position after it. */
  private digits(at: number, n: number): number {
    const b = this.buf;
    const digits = n < 10 ? 1 : Math.floor(Math.log10(n)) + 1;
    let v = n;
    for (let k = at + digits - 1; k >= at; k--) {
      b[k] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
    return at + digits;
  }

  /**
   * `<ordinal><d><offset><d><length><d><line><d><record bytes>\n`: the record's place in the vault
   * travels with it, so a quarantined row always leads back to its exact arrival bytes.
   */
  record(ordinal: number, delimiter: number, parts: Buffer[], offset: number, line: number): void {
    let size = 4 * 22;
    let length = 0;
    for (const p of parts) length += p.length;
    size += length;
    this.ensure(size);
    const b = this.buf;
    let at = this.digits(this.len, ordinal);
    b[at++] = delimiter;
    at = this.digits(at, offset);
    b[at++] = delimiter;
    at = this.digits(at, length);
    b[at++] = delimiter;
    at = this.digits(at, line);
    b[at++] = delimiter;
    for (const p of parts) {
      p.copy(b, at);
      at += p.length;
    }
    b[at++] = 0x0a;
    this.len = at;
  }

  /** The bytes so far, as a copy (the buffer is reused). */
  take(): Buffer | null {
    if (this.len === 0) return null;
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }
}

/** Streams bytes through the scanner; push() returns once the derived files have taken them. */
export class CsvScanWriter {
  private readonly scanner: RecordScanner;
  private readonly parseOut: WriteStream;
  private readonly badOut: WriteStream;
  private readonly out = new OutputBuffer();
  private pendingBad: string[] = [];
  private header: Buffer | null = null;
  private delim = ',';
  private delimByte = 0x2c;
  private readonly points: ResumePoint[] = [];
  private readonly failures: Error[] = [];

  constructor(private readonly parsePath: string, private readonly malformedPath: string, private readonly limits: ScanLimits = DEFAULT_SCAN_LIMITS) {
    this.parseOut = createWriteStream(parsePath, { mode: 0o600 });
    this.badOut = createWriteStream(malformedPath, { mode: 0o600 });
    for (const s of [this.parseOut, this.badOut]) s.on('error', (e) => this.failures.push(e));
    this.scanner = new RecordScanner({
      header: (bytes, d) => {
        const h = bytes.subarray(0, 3).equals(BOM) ? bytes.subarray(3) : bytes;
        this.header = Buffer.from(h);
        this.delim = String.fromCharCode(d);
        this.delimByte = d;
        this.out.bytes(Buffer.from(['_airlock_row_id', '_airlock_raw_offset', '_airlock_raw_length', '_airlock_raw_lineno', ''].join(this.delim)));
        this.out.bytes(this.header);
        this.out.bytes(Buffer.from('\n'));
      },
      good: (r: GoodRecord) => this.out.record(r.ordinal, this.delimByte, r.parts, r.offset, r.line),
      malformed: (r: MalformedRecord) => {
        const text = r.bytes ? decodeUtf8(r.bytes) : null;
        const line: MalformedLine = { ordinal: r.ordinal, line: r.line, offset: r.offset, length: r.length, reason: r.reason, detail: r.detail, text, base64: r.bytes ? r.bytes.toString('base64') : null };
        this.pendingBad.push(JSON.stringify(line) + '\n');
      },
      resumePoint: (p) => this.points.push(p),
    }, limits);
  }

  async push(chunk: Buffer): Promise<void> {
    this.scanner.push(chunk);
    await this.flush();
  }

  async end(): Promise<CsvScan> {
    const summary = this.scanner.end();
    await this.flush();
    this.parseOut.end();
    this.badOut.end();
    await Promise.all([once(this.parseOut, 'close'), once(this.badOut, 'close')]);
    if (this.failures.length) throw this.failures[0];
    return { summary, header: this.header, delimiter: this.delim, parsePath: this.parsePath, malformedPath: this.malformedPath, resumePoints: this.points, limits: this.limits };
  }

  /** Stops writing and closes the files (the caller removes them). */
  async abort(): Promise<void> {
    this.parseOut.destroy();
    this.badOut.destroy();
  }

  private async flush(): Promise<void> {
    if (this.failures.length) throw this.failures[0];
    const data = this.out.take();
    if (data) await write(this.parseOut, data);
    if (this.pendingBad.length) {
      const data = this.pendingBad.join('');
      this.pendingBad = [];
      await write(this.badOut, data);
    }
  }
}

/** Text for people; the exact bytes stay in the vault at the record's offset and length. */
function decodeUtf8(b: Buffer): string {
  return b.toString('utf8');
}

/** Scans a file on its own (profile, tests): the same derived files as the vault copy writes. */
export async function scanCsvFile(path: string, parsePath: string, malformedPath: string, limits?: ScanLimits): Promise<CsvScan> {
  const w = new CsvScanWriter(parsePath, malformedPath, limits);
  try {
    for await (const chunk of createReadStream(path)) await w.push(chunk as Buffer);
    return await w.end();
  } catch (e) {
    await w.abort();
    throw e;
  }
}

/**
 * Finds the records with the given ordinals again in the file, from the nearest resume point
 * before each: for records the parser did not return, whose bytes must be quarantined.
 */
export async function refetchRecords(path: string, scan: CsvScan, ordinals: number[]): Promise<Map<number, { line: number; offset: number; length: number; bytes: Buffer | null }>> {
  const found = new Map<number, { line: number; offset: number; length: number; bytes: Buffer | null }>();
  if (ordinals.length === 0 || !scan.header) return found;
  const wanted = [...new Set(ordinals)].sort((a, b) => a - b);
  const points = scan.resumePoints;
  let k = 0;
  while (k < wanted.length) {
    // the last resume point at or before the next wanted ordinal
    let lo = 0;
    for (let hi = points.length - 1; lo < hi;) {
      const mid = (lo + hi + 1) >> 1;
      if (points[mid].ordinal <= wanted[k]) lo = mid;
      else hi = mid - 1;
    }
    const p = points[lo];
    const blockEnd = lo + 1 < points.length ? points[lo + 1].ordinal : Infinity;
    const inBlock = new Set<number>();
    while (k < wanted.length && wanted[k] < blockEnd) inBlock.add(wanted[k++]);
    let remaining = inBlock.size;
    const scanner = new RecordScanner({
      header: () => {},
      good: (r) => {
        if (!inBlock.has(r.ordinal)) return;
        const bytes = Buffer.concat(r.parts);
        found.set(r.ordinal, { line: r.line, offset: r.offset, length: bytes.length, bytes: bytes.length <= scan.limits.maxCapturedBytes ? Buffer.from(bytes) : null });
        remaining--;
      },
      malformed: () => {},
    }, scan.limits);
    scanner.resumeAt(p, scan.header, scan.summary.lineEnding);
    const stream = createReadStream(path, { start: p.offset });
    for await (const chunk of stream) {
      scanner.push(chunk as Buffer);
      if (remaining === 0) break;
    }
    stream.destroy();
    if (remaining > 0) scanner.end();
  }
  return found;
}
