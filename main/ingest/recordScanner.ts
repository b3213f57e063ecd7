// The independent record count. A small CSV reader of its own (quotes, delimiters, line endings;
// not DuckDB's), fed the bytes as they stream into the vault, that finds every physical record's
// boundaries. Reconciliation counts the source from this scan, so a parser that swallows or drops
// records can no longer make the books balance. Records it cannot vouch for (an unterminated or
// runaway quote, a stray quote, a bare CR, a NUL byte, a record too large) are reported as
// malformed with their line and exact byte span; the others are handed on, in order, to be parsed.

import { isUtf8 } from 'node:buffer';

export type MalformedReason =
  | 'UNTERMINATED_QUOTE'
  | 'RUNAWAY_QUOTE'
  | 'STRAY_QUOTE'
  | 'TEXT_AFTER_QUOTE'
  | 'BARE_CR'
  | 'NUL_BYTE'
  | 'NOT_UTF8'
  | 'WRONG_FIELD_COUNT'
  | 'RECORD_TOO_LARGE';

export interface ScanLimits {
  /** a record longer than this (bytes, without its line ending) is malformed RECORD_TOO_LARGE */
  maxRecordBytes: number;
  /** a quoted field with more line breaks than this is a runaway quote, not a value */
  maxQuotedLineBreaks: number;
  /** ... or one that runs over this many bytes after its first line break */
  maxQuotedSpanBytes: number;
  /** malformed records up to this size keep a copy of their bytes; larger ones only their span */
  maxCapturedBytes: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  maxRecordBytes: 8 * 1024 * 1024,
  maxQuotedLineBreaks: 100,
  maxQuotedSpanBytes: 1024 * 1024,
  maxCapturedBytes: 1024 * 1024,
};

export interface MalformedRecord {
  /** 1-based ordinal among the file's records (the header is not a record) */
  ordinal: number;
  /** 1-based physical line the record starts on */
  line: number;
  /** byte offset and length of the record in the file, without its line ending */
  offset: number;
  length: number;
  reason: MalformedReason;
  detail: string;
  /** the record's exact bytes, when at most maxCapturedBytes */
  bytes?: Buffer;
}

export interface GoodRecord {
  ordinal: number;
  line: number;
  offset: number;
  /** the record's bytes without its line ending, possibly in several pieces */
  parts: Buffer[];
}

/** A record boundary where a scan can start again (every 1024th record is one). */
export interface ResumePoint {
  ordinal: number;
  offset: number;
  line: number;
}

export interface ScanSink {
  header(bytes: Buffer, delimiter: number): void;
  resumePoint?(p: ResumePoint): void;
  good(rec: GoodRecord): void;
  malformed(rec: MalformedRecord): void;
}

export interface ScanSummary {
  records: number;
  goodRecords: number;
  malformedRecords: number;
  blankLines: number;
  /** the longest record handed on to the parser, in bytes */
  longestGoodRecord: number;
  bytes: number;
  lineEnding: 'lf' | 'crlf' | 'cr' | 'none';
  mixedLineEndings: boolean;
  headerFound: boolean;
  delimiter: string;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const HEADER_DELIMITERS = [0x2c, 0x3b, 0x09, 0x7c]; // , ; TAB |

const F_STRAY = 1;
const F_AFTER = 2;
const F_CR = 4;
const F_NUL = 8;

// Field states.
const START = 0; // at the start of a field
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // a quote inside a quoted field: an escape ("") or the closing quote
const CLOSED = 4; // after a closing quote

/** Number of fields in a record split on delimiter d, quotes respected. */
export function fieldCount(record: Buffer, d: number): number {
  let quoted = false;
  let n = 1;
  for (const b of record) {
    if (b === QUOTE) quoted = !quoted;
    else if (b === d && !quoted) n++;
  }
  return n;
}

/** Picks the header's delimiter: the candidate that occurs most often outside quotes. */
export function headerDelimiter(header: Buffer): number {
  let best = 0x2c;
  let bestCount = 0;
  for (const d of HEADER_DELIMITERS) {
    let quoted = false;
    let n = 0;
    for (const b of header) {
      if (b === QUOTE) quoted = !quoted;
      else if (b === d && !quoted) n++;
    }
    if (n > bestCount) {
      bestCount = n;
      best = d;
    }
  }
  return best;
}

function partsAreUtf8(parts: Buffer[]): boolean {
  if (parts.length === 1) return isUtf8(parts[0]);
  return isUtf8(Buffer.concat(parts));
}

export class RecordScanner {
  private pos = 0; // absolute offset of the next byte pushed
  private recStart = 0; // absolute offset where the current record starts
  private recLine = 1;
  private line = 1; // the physical line of the byte being scanned
  private state = START;
  private flags = 0;
  // Bytes of the current record (references into the chunks, not copies), from partsStart on.
  private parts: Buffer[] = [];
  private partsStart = 0;
  private partsBytes = 0;
  private keepParts = true;
  private quotedBreaks = 0;
  private firstBreakEnd = -1; // absolute offset just after the first line break inside a quote
  private firstLineEnd = -1; // absolute offset where that first line ends (its CR or LF)
  private pendingCr = -1; // absolute offset of a CR that was a chunk's last byte
  private inHeader = true;
  private delim = -1;
  private fields = 1;
  private headerFields = 0;
  private ordinal = 0;
  private good = 0;
  private bad = 0;
  private blank = 0;
  private longest = 0;
  private endings = { lf: 0, crlf: 0, cr: 0 };
  private style: 'lf' | 'crlf' | 'cr' | 'none' = 'none';
  private replay: Buffer | null = null;
  private replayBase = 0;
  private knownUtf8 = false; // the current record lies in a chunk already known to be UTF-8

  constructor(private readonly sink: ScanSink, private readonly limits: ScanLimits = DEFAULT_SCAN_LIMITS) {}

  /** Feeds the next chunk of the file. The chunk must not be modified afterwards. */
  push(chunk: Buffer): void {
    this.feed(chunk, this.pos);
    this.pos += chunk.length;
  }

  end(): ScanSummary {
    if (this.pendingCr >= 0) this.resolvePendingCr(-1);
    if (this.state === QUOTED && this.quotedBreaks > 0) {
      this.runawaySpan(this.pos, 'UNTERMINATED_QUOTE');
      this.afterReplay(Buffer.alloc(0), this.pos, 0);
      return this.end();
    }
    if (this.pos > this.recStart) this.endRecord(this.pos, 0);
    return {
      records: this.ordinal,
      goodRecords: this.good,
      malformedRecords: this.bad,
      blankLines: this.blank,
      longestGoodRecord: this.longest,
      bytes: this.pos,
      lineEnding: this.style,
      mixedLineEndings: (['lf', 'crlf', 'cr'] as const).filter((k) => this.endings[k] > 0 && k !== this.style).length > 0,
      headerFound: !this.inHeader,
      delimiter: this.delim >= 0 ? String.fromCharCode(this.delim) : ',',
    };
  }

  /** The state machine over one buffer whose first byte is at absolute offset `base`. */
  private feed(c: Buffer, base: number): void {
    const n = c.length;
    let i = 0;
    if (this.pendingCr >= 0 && n > 0 && this.resolvePendingCr(c[0])) i = 1;
    let segStart = Math.max(0, this.recStart - base); // where the current record starts in c
    const chunkUtf8 = isUtf8(c);
    for (; i < n; i++) {
      // The common case, a plain record that starts and ends in this chunk (no quote, CR or NUL
      // before its LF): counted in one tight loop. Anything else takes the byte-by-byte path.
      if (i === segStart && this.state === START && this.fields === 1 && this.flags === 0 && this.parts.length === 0 && !this.inHeader && this.partsStart === base + i) {
        const d = this.delim;
        let j = i;
        let f = 1;
        for (; j < n; j++) {
          const x = c[j];
          if (x === d) f++;
          else if (x === LF || x === QUOTE || x === CR || x === NUL) break;
        }
        let term = 0;
        if (j < n && j - i <= this.limits.maxRecordBytes) {
          if (c[j] === LF) term = 1;
          else if (c[j] === CR && j + 1 < n && c[j + 1] === LF) term = 2;
        }
        if (term > 0) {
          this.fields = f;
          if (j > i) {
            this.parts.push(c.subarray(i, j));
            this.partsBytes = j - i;
          }
          this.knownUtf8 = chunkUtf8;
          this.endRecord(base + j, term, term === 2 ? 'crlf' : 'lf');
          i = j + term - 1;
          segStart = j + term;
          continue;
        }
      }
      const b = c[i];
      if (this.state === QUOTED) {
        if (b === QUOTE) this.state = QUOTE_IN_QUOTED;
        else if ((b === LF && !(this.style === 'cr' && this.byteBefore(c, i) === CR)) || (b === CR && this.style === 'cr')) {
          // (In a CR file, a CRLF inside quotes is one line break, not two.)
          this.line++;
          this.quotedBreaks++;
          if (this.quotedBreaks === 1) this.firstQuotedBreak(c, base, i, segStart);
          if (this.quotedBreaks > this.limits.maxQuotedLineBreaks) {
            this.stash(c, base, segStart, i + 1);
            this.runawaySpan(base + i + 1, 'RUNAWAY_QUOTE');
            return this.afterReplay(c, base, i + 1);
          }
        } else if (b === NUL) this.flags |= F_NUL;
        if (this.quotedBreaks > 0 && base + i + 1 - this.firstBreakEnd > this.limits.maxQuotedSpanBytes) {
          this.stash(c, base, segStart, i + 1);
          this.runawaySpan(base + i + 1, 'RUNAWAY_QUOTE');
          return this.afterReplay(c, base, i + 1);
        }
        continue;
      }
      if (this.state === QUOTE_IN_QUOTED) {
        if (b === QUOTE) {
          this.state = QUOTED;
          continue;
        }
        this.state = CLOSED;
      }
      if (b === LF) {
        const crlf = i > 0 && c[i - 1] === CR;
        this.stash(c, base, segStart, crlf ? i - 1 : i);
        this.endRecord(base + i - (crlf ? 1 : 0), crlf ? 2 : 1, crlf ? 'crlf' : 'lf');
        segStart = i + 1;
        continue;
      }
      if (b === CR) {
        if (i + 1 === n) {
          // A CR as the chunk's last byte: the next chunk's first byte decides what it is.
          this.stash(c, base, segStart, n);
          this.pendingCr = base + i;
          return;
        }
        if (c[i + 1] === LF) continue; // the LF ends the record
        if (this.crEndsLine()) {
          this.stash(c, base, segStart, i);
          this.endRecord(base + i, 1, 'cr');
          segStart = i + 1;
          continue;
        }
        this.bareCr();
        continue;
      }
      if (this.state === CLOSED) {
        if (this.isDelimiter(b)) {
          this.state = START;
          this.fields++;
        } else {
          this.flags |= F_AFTER;
          this.state = UNQUOTED;
        }
        continue;
      }
      if (this.isDelimiter(b)) {
        this.state = START;
        this.fields++;
        continue;
      }
      if (b === QUOTE) {
        if (this.state === START) this.state = QUOTED;
        else this.flags |= F_STRAY;
        continue;
      }
      if (b === NUL) this.flags |= F_NUL;
      this.state = UNQUOTED;
    }
    this.stash(c, base, segStart, n);
  }

  /** After a runaway span, the bytes after its first line are scanned again, then the rest of c. */
  private afterReplay(c: Buffer, base: number, from: number): void {
    const r = this.replay;
    const rb = this.replayBase;
    this.replay = null;
    if (r && r.length > 0) this.feed(r, rb);
    if (from < c.length) this.feed(c.subarray(from), base + from);
  }

  /** The byte before c[i], which may lie in an earlier chunk (kept in parts). */
  private byteBefore(c: Buffer, i: number): number {
    if (i > 0) return c[i - 1];
    const last = this.parts[this.parts.length - 1];
    return last && last.length ? last[last.length - 1] : -1;
  }

  private isDelimiter(b: number): boolean {
    if (this.delim >= 0) return b === this.delim;
    return HEADER_DELIMITERS.includes(b);
  }

  /** A lone CR ends a line only in a file whose header line ends with a lone CR. */
  private crEndsLine(): boolean {
    return this.inHeader || this.style === 'cr';
  }

  private bareCr(): void {
    if (this.state === CLOSED) this.flags |= F_AFTER;
    this.flags |= F_CR;
    this.state = UNQUOTED;
  }

  private firstQuotedBreak(c: Buffer, base: number, i: number, segStart: number): void {
    this.firstBreakEnd = base + i + 1;
    let crBefore: boolean;
    if (c[i] === CR) crBefore = false;
    else if (i > 0) crBefore = c[i - 1] === CR;
    else {
      const last = this.parts[this.parts.length - 1];
      crBefore = !!last && last[last.length - 1] === CR;
    }
    this.firstLineEnd = base + i - (crBefore ? 1 : 0);
    if (!this.keepParts) {
      // The first line was too large to keep; keep what follows it, which may be scanned again.
      this.stash(c, base, segStart, i + 1);
      this.keepParts = true;
      this.parts = [];
      this.partsStart = this.firstBreakEnd;
    }
  }

  /** Keeps bytes [from, to) of c, clipped to partsStart, as part of the current record. */
  private stash(c: Buffer, base: number, from: number, to: number): void {
    from = Math.max(from, this.partsStart - base);
    if (to <= from) return;
    if (!this.keepParts) return;
    this.partsBytes += to - from;
    // A record too large to keep is tracked by offset only, unless a quote in it has crossed a
    // line break: that span may be scanned again, and it is bounded by maxQuotedSpanBytes.
    // (One byte of slack: a CR kept here may turn out to be the first half of the line ending.)
    if (this.partsBytes > this.limits.maxRecordBytes + 1 && this.quotedBreaks === 0) {
      this.keepParts = false;
      this.parts = [];
      return;
    }
    this.parts.push(c.subarray(from, to));
  }

  /** Returns true when b (the byte after a pending CR) was consumed as the LF of a CRLF. */
  private resolvePendingCr(b: number): boolean {
    const cr = this.pendingCr;
    this.pendingCr = -1;
    if (b === LF || b < 0 || this.crEndsLine()) {
      this.dropLastByte(cr);
      this.endRecord(cr, b === LF ? 2 : 1, b === LF ? 'crlf' : b < 0 ? undefined : 'cr');
      return b === LF;
    }
    this.bareCr();
    return false;
  }

  private dropLastByte(at: number): void {
    if (!this.keepParts || this.parts.length === 0 || at < this.partsStart) return;
    this.partsBytes--;
    const last = this.parts[this.parts.length - 1];
    if (last.length <= 1) this.parts.pop();
    else this.parts[this.parts.length - 1] = last.subarray(0, last.length - 1);
  }

  /**
   * A quote that never closes, or runs over too many lines or bytes, is not a value: the record
   * is its first line, reported malformed, and scanning starts again on the line after it.
   */
  private runawaySpan(spanEnd: number, reason: MalformedReason): void {
    const all = Buffer.concat(this.parts);
    const rest = Buffer.from(all.subarray(this.firstBreakEnd - this.partsStart, spanEnd - this.partsStart));
    const firstLine = this.partsStart === this.recStart ? all.subarray(0, this.firstLineEnd - this.recStart) : null;
    const breaks = this.quotedBreaks;
    const line = this.recLine;
    const length = this.firstLineEnd - this.recStart;
    const detail = reason === 'UNTERMINATED_QUOTE'
      ? `the quote opened on line ${line} is never closed`
      : breaks > this.limits.maxQuotedLineBreaks
        ? `the quote opened on line ${line} runs over more than ${this.limits.maxQuotedLineBreaks} lines`
        : `the quote opened on line ${line} runs over more than ${this.limits.maxQuotedSpanBytes} bytes`;
    if (this.inHeader) this.takeHeader(firstLine ?? Buffer.alloc(0));
    else this.emit(this.recStart, length, detail, reason, firstLine);
    const restart = this.firstBreakEnd;
    this.resetRecord(restart);
    this.line = line + 1;
    this.recLine = this.line;
    this.replay = rest;
    this.replayBase = restart;
  }

  private resetRecord(start: number): void {
    this.recStart = start;
    this.partsStart = start;
    this.state = START;
    this.flags = 0;
    this.fields = 1;
    this.knownUtf8 = false;
    this.parts = [];
    this.partsBytes = 0;
    this.keepParts = true;
    this.quotedBreaks = 0;
    this.firstBreakEnd = -1;
    this.firstLineEnd = -1;
  }

  private takeHeader(bytes: Buffer): void {
    this.inHeader = false;
    this.delim = headerDelimiter(bytes);
    this.headerFields = fieldCount(bytes, this.delim);
    this.sink.header(Buffer.from(bytes), this.delim);
  }

  /** The current record ends at absolute offset `end`, followed by a line ending of `termLen` bytes. */
  private endRecord(end: number, termLen: number, ending?: 'lf' | 'crlf' | 'cr'): void {
    const length = end - this.recStart;
    if (ending) {
      if (this.inHeader) this.style = ending;
      else this.endings[ending]++;
    }
    if (this.inHeader) {
      this.takeHeader(this.recordBytes() ?? Buffer.alloc(0));
    } else if (length === 0) {
      this.blank++;
    } else if (this.state === QUOTED) {
      // end of file inside a quote that never crossed a line: the rest of that line is the record
      this.emit(this.recStart, length, `the quote opened on line ${this.recLine} is never closed`, 'UNTERMINATED_QUOTE', this.recordBytes());
    } else {
      const f = this.flags;
      if (length > this.limits.maxRecordBytes) this.emit(this.recStart, length, `the record is ${length} bytes, over the limit of ${this.limits.maxRecordBytes}`, 'RECORD_TOO_LARGE', null);
      // Never hand on a record whose bytes were not all kept (a guard: the limits above keep them).
      else if (!this.keepParts || this.partsStart !== this.recStart || this.partsBytes !== length) this.emit(this.recStart, length, 'the record\'s bytes could not be kept whole', 'RECORD_TOO_LARGE', null);
      else if (f & F_NUL) this.emit(this.recStart, length, 'a NUL byte is not text', 'NUL_BYTE', this.recordBytes());
      else if (f & F_STRAY) this.emit(this.recStart, length, 'a quote inside an unquoted field', 'STRAY_QUOTE', this.recordBytes());
      else if (f & F_AFTER) this.emit(this.recStart, length, 'text after a closing quote', 'TEXT_AFTER_QUOTE', this.recordBytes());
      else if (f & F_CR) this.emit(this.recStart, length, 'a carriage return (CR) outside quotes that does not end the line', 'BARE_CR', this.recordBytes());
      else if (this.fields !== this.headerFields) this.emit(this.recStart, length, `${this.fields} field${this.fields === 1 ? '' : 's'} where the header has ${this.headerFields}`, 'WRONG_FIELD_COUNT', this.recordBytes());
      else if (!this.knownUtf8 && !partsAreUtf8(this.parts)) this.emit(this.recStart, length, 'the bytes are not UTF-8 text (save the file as UTF-8)', 'NOT_UTF8', this.recordBytes());
      else {
        this.ordinal++;
        this.good++;
        if (length > this.longest) this.longest = length;
        this.checkpoint();
        this.sink.good({ ordinal: this.ordinal, line: this.recLine, offset: this.recStart, parts: this.parts });
      }
    }
    if (termLen > 0) this.line++;
    this.resetRecord(end + termLen);
    this.recLine = this.line;
  }

  /** Every 1024th record is a point a later scan can start from (to fetch records by ordinal). */
  private checkpoint(): void {
    if (this.ordinal % 1024 === 1) this.sink.resumePoint?.({ ordinal: this.ordinal, offset: this.recStart, line: this.recLine });
  }

  /** Starts this scanner at a record boundary found by an earlier scan of the same bytes. */
  resumeAt(p: ResumePoint, header: Buffer, style: ScanSummary['lineEnding']): void {
    this.takeHeaderSilently(header);
    this.style = style;
    this.ordinal = p.ordinal - 1;
    this.pos = p.offset;
    this.line = p.line;
    this.resetRecord(p.offset);
    this.recLine = p.line;
  }

  private takeHeaderSilently(bytes: Buffer): void {
    this.inHeader = false;
    this.delim = headerDelimiter(bytes);
    this.headerFields = fieldCount(bytes, this.delim);
  }

  /** The current record's bytes, when they were kept whole. */
  private recordBytes(): Buffer | null {
    return this.keepParts && this.partsStart === this.recStart ? Buffer.concat(this.parts) : null;
  }

  private emit(offset: number, length: number, detail: string, reason: MalformedReason, bytes: Buffer | null): void {
    this.ordinal++;
    this.bad++;
    this.checkpoint();
    const keep = bytes && bytes.length === length && length <= this.limits.maxCapturedBytes ? Buffer.from(bytes) : undefined;
    this.sink.malformed({ ordinal: this.ordinal, line: this.recLine, offset, length, reason, detail, bytes: keep });
  }
}
