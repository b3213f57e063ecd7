// The record scanner: the count reconciliation trusts. Properties over thousands of generated
// byte strings (the same events whatever the chunking; every byte of the input in exactly one
// record, blank line or line ending; malformed spans are the input's own bytes), agreement with
// Python's csv module on well-formed files, and the defects outside testing found (an unbalanced
// quote swallowing the file, a bare CR splitting a record, NULs past the first 64 KiB, a record
// too large to keep).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordScanner, DEFAULT_SCAN_LIMITS, type ScanLimits, type ScanSummary } from '../../main/ingest/recordScanner.js';
import { tempDir } from '../helpers/tmp.js';
import { seeded as seededRng } from '../helpers/seeded.js';

/** The shared seeded generator (test/helpers/seeded.ts), as a plain function of no arguments. */
const seeded = (seed: number): (() => number) => seededRng(seed).next;

interface Event { kind: 'H' | 'G' | 'M'; ordinal?: number; line?: number; offset?: number; length: number; reason?: string; bytes?: string }

function scan(buf: Buffer, chunks: number[] | 'whole', limits: ScanLimits = DEFAULT_SCAN_LIMITS): { events: Event[]; summary: ScanSummary } {
  const events: Event[] = [];
  const s = new RecordScanner({
    header: (b) => events.push({ kind: 'H', length: b.length, bytes: b.toString('latin1') }),
    good: (r) => {
      const b = Buffer.concat(r.parts);
      events.push({ kind: 'G', ordinal: r.ordinal, line: r.line, offset: r.offset, length: b.length, bytes: b.toString('latin1') });
    },
    malformed: (r) => events.push({ kind: 'M', ordinal: r.ordinal, line: r.line, offset: r.offset, length: r.length, reason: r.reason, bytes: r.bytes?.toString('latin1') }),
  }, limits);
  if (chunks === 'whole') s.push(buf);
  else {
    let at = 0;
    for (let i = 0; at < buf.length; i++) {
      const n = Math.max(1, chunks[i % chunks.length]);
      s.push(buf.subarray(at, at + n));
      at += n;
    }
  }
  return { events, summary: s.end() };
}

const SMALL: ScanLimits = { maxRecordBytes: 64, maxQuotedLineBreaks: 3, maxQuotedSpanBytes: 48, maxCapturedBytes: 40 };
const ALPHABET = ['a', 'b', 'c', '1', ' ', ',', ',', ',', '"', '"', '\n', '\n', '\r', '\r\n', '\0', ';', '\u00e9', '\xff'];

function randomBytes(rnd: () => number): Buffer {
  const n = Math.floor(rnd() * 300);
  const parts = ['a,b,c\n'];
  for (let i = 0; i < n; i++) parts.push(ALPHABET[Math.floor(rnd() * ALPHABET.length)]);
  return Buffer.from(parts.join(''), 'latin1');
}

describe('the record scanner', () => {
  it('gives the same records whatever the chunking (3,000 generated inputs)', () => {
    for (let i = 0; i < 3000; i++) {
      const rnd = seeded(1000 + i);
      const buf = randomBytes(rnd);
      const whole = scan(buf, 'whole', SMALL);
      const sizes = Array.from({ length: 7 }, () => 1 + Math.floor(rnd() * 9));
      expect(scan(buf, [1], SMALL), `input ${i}: ${JSON.stringify(buf.toString('latin1'))}`).toEqual(whole);
      expect(scan(buf, sizes, SMALL), `input ${i} in chunks ${sizes}`).toEqual(whole);
    }
  });

  it('accounts for every byte: records in order, each the input\'s own bytes, between them only line endings (3,000 inputs)', () => {
    for (let i = 0; i < 3000; i++) {
      const buf = randomBytes(seeded(50_000 + i));
      const { events, summary } = scan(buf, [5, 3, 8], SMALL);
      const recs = events.filter((e) => e.kind !== 'H');
      expect(recs.map((e) => e.ordinal)).toEqual(recs.map((_, k) => k + 1));
      expect(summary.records).toBe(recs.length);
      expect(summary.goodRecords + summary.malformedRecords).toBe(summary.records);
      let prevEnd = events[0]?.kind === 'H' ? events[0].length : 0;
      for (const e of recs) {
        expect(e.offset!, `input ${i}`).toBeGreaterThanOrEqual(prevEnd);
        // What lies between two records is line endings (and blank lines) only.
        expect(/^[\r\n]*$/.test(buf.subarray(prevEnd, e.offset!).toString('latin1')), `input ${i}: gap before record ${e.ordinal}`).toBe(true);
        const own = buf.subarray(e.offset!, e.offset! + e.length).toString('latin1');
        if (e.bytes !== undefined) expect(e.bytes).toBe(own);
        prevEnd = e.offset! + e.length;
      }
      expect(/^[\r\n]*$/.test(buf.subarray(prevEnd).toString('latin1')), `input ${i}: trailing bytes`).toBe(true);
    }
  });

  it('agrees with Python\'s csv module on the record count of 300 well-formed files', () => {
    const dir = tempDir('scanner-python');
    try {
      const files: { path: string; records: number }[] = [];
      for (let i = 0; i < 300; i++) {
        const rnd = seeded(90_000 + i);
        const eol = ['\n', '\r\n'][i % 2];
        const field = () => {
          const v = Array.from({ length: Math.floor(rnd() * 6) }, () => ['x', 'y', ',', '"', '\n', '\r\n', ' ', 'é'][Math.floor(rnd() * 8)]).join('');
          return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
        };
        const n = Math.floor(rnd() * 50);
        const body = Array.from({ length: n }, (_, k) => [`k${k}`, field(), field()].join(',')).join(eol);
        const path = join(dir, `w${i}.csv`);
        writeFileSync(path, `id,a,b${eol}${body}${n ? eol : ''}`);
        files.push({ path, records: n });
      }
      const py = spawnSync('python3', ['-c', 'import csv,sys\nfor p in sys.argv[1:]:\n  with open(p,newline="",encoding="utf-8") as f: print(sum(1 for _ in csv.reader(f))-1)', ...files.map((f) => f.path)], { encoding: 'utf8' });
      expect(py.status, py.stderr).toBe(0);
      const counts = py.stdout.trim().split('\n').map(Number);
      for (const [i, f] of files.entries()) {
        const { summary } = scan(readFileSync(f.path), [4096]);
        expect(summary.malformedRecords, f.path).toBe(0);
        expect(summary.records, f.path).toBe(counts[i]);
        expect(summary.records, f.path).toBe(f.records);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('A1: one unbalanced quote makes only its own line malformed; the 20,000 records after it are records', () => {
    const body = 'a,b,c\n1,ok,ok\n2,"oops,z\n' + Array.from({ length: 20_000 }, (_, i) => `${i + 3},v,w\n`).join('');
    const { events, summary } = scan(Buffer.from(body), [65_536]);
    expect(summary).toMatchObject({ records: 20_002, goodRecords: 20_001, malformedRecords: 1 });
    const bad = events.find((e) => e.kind === 'M')!;
    expect(bad).toMatchObject({ ordinal: 2, line: 3, reason: 'RUNAWAY_QUOTE', bytes: '2,"oops,z' });
    // ... at any position, also the last line, with or without a final newline
    for (const at of [0, 1, 500, 19_999]) {
      const lines = Array.from({ length: 20_000 }, (_, i) => `${i + 1},v,w`);
      lines[at] = `${at + 1},"open,w`;
      for (const end of ['\n', '']) {
        const r = scan(Buffer.from('a,b,c\n' + lines.join('\n') + end), [65_536]);
        expect(r.summary.records).toBe(20_000);
        expect(r.events.filter((e) => e.kind === 'M').map((e) => e.ordinal)).toEqual([at + 1]);
      }
    }
  });

  it('A1: a quote that closes many lines later is a runaway span, reported with its first line', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `${i + 1},v,w`);
    lines[10] = '11,"starts here,w';
    lines[250] = '251,ends here",w';
    const { events, summary } = scan(Buffer.from('a,b,c\n' + lines.join('\n') + '\n'), [1000]);
    expect(summary.records).toBe(300);
    expect(events.filter((e) => e.kind === 'M').map((e) => [e.ordinal, e.line, e.reason])).toEqual([[11, 12, 'RUNAWAY_QUOTE'], [251, 252, 'STRAY_QUOTE']]);
  });

  it('A8/A9: line breaks inside quotes stay in the value; a bare CR outside quotes is a malformed record, not a split', () => {
    const { events } = scan(Buffer.from('a,b,c\r\n1,"x\r\ny",z\r\n2,p,q\n3,"lone\rcr",w\r\n'), [2]);
    expect(events.filter((e) => e.kind === 'G').map((e) => e.bytes)).toEqual(['1,"x\r\ny",z', '2,p,q', '3,"lone\rcr",w']);
    const r = scan(Buffer.from('a,b,c\n1,x,y\n2,a\rb,c\n3,p,q\n'), [3]);
    expect(r.summary.records).toBe(3);
    expect(r.events.filter((e) => e.kind === 'M').map((e) => [e.ordinal, e.reason, e.bytes])).toEqual([[2, 'BARE_CR', '2,a\rb,c']]);
  });

  it('A12: a NUL byte anywhere (past the first 64 KiB too) makes its record malformed', () => {
    for (const at of [10, 70_000, 300_000]) {
      const lines = Array.from({ length: 40_000 }, (_, i) => `${i + 1},vvvvv,w`);
      const text = 'a,b,c\n' + lines.join('\n') + '\n';
      const buf = Buffer.from(text);
      let pos = at;
      while (buf[pos] === 0x0a || buf[pos] === 0x2c) pos++;
      buf[pos] = 0;
      const { events, summary } = scan(buf, [65_536]);
      expect(summary.records).toBe(40_000);
      const bad = events.filter((e) => e.kind === 'M');
      expect(bad.length).toBe(1);
      expect(bad[0].reason).toBe('NUL_BYTE');
      expect(bad[0].offset! <= pos && pos < bad[0].offset! + bad[0].length).toBe(true);
    }
  });

  it('A2/A3: a record over the size limit is malformed by reference (offset, length), never cut, and the next record keeps its ordinal', () => {
    const big = 'x'.repeat(DEFAULT_SCAN_LIMITS.maxRecordBytes + 10);
    const { events, summary } = scan(Buffer.from(`a,b,c\n1,ok,ok\n2,${big},y\n3,ok,ok\n`), [1 << 20]);
    expect(summary.records).toBe(3);
    const bad = events.find((e) => e.kind === 'M')!;
    expect(bad).toMatchObject({ ordinal: 2, reason: 'RECORD_TOO_LARGE', offset: 14, length: big.length + 4 });
    expect(bad.bytes).toBeUndefined();
    expect(events.filter((e) => e.kind === 'G').map((e) => [e.ordinal, e.bytes])).toEqual([[1, '1,ok,ok'], [3, '3,ok,ok']]);
  });

  it('a header of 10,000 columns is read whole (A13), and a CR-only file has records', () => {
    const header = Array.from({ length: 10_000 }, (_, i) => `column_${i}`).join(',');
    const row = Array.from({ length: 10_000 }, (_, i) => String(i)).join(',');
    const { events, summary } = scan(Buffer.from(`${header}\n${row}\n`), [65_536]);
    expect(events[0]).toMatchObject({ kind: 'H', length: header.length });
    expect(summary).toMatchObject({ records: 1, goodRecords: 1 });
    expect(scan(Buffer.from('a;b\r1;2\r3;"x\ry"\r'), [1]).summary).toMatchObject({ records: 2, goodRecords: 2, lineEnding: 'cr' });
  });
});

describe('the record scanner at its limits, under every chunking (found by an adversarial pass)', () => {
  const LIM: ScanLimits = { maxRecordBytes: 64, maxQuotedLineBreaks: 3, maxQuotedSpanBytes: 48, maxCapturedBytes: 64 };
  it('records of exactly the size limit, one less and one more, with LF, CRLF or CR endings: kept whole or refused, never emptied', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      for (const len of [63, 64, 65]) {
        const rec = 'x'.repeat(len);
        const buf = Buffer.from(`a${eol}${rec}${eol}y${eol}`);
        for (let chunk = 1; chunk <= buf.length; chunk++) {
          const { events } = scan(buf, [chunk], LIM);
          const r = events.filter((e) => e.kind !== 'H');
          expect(r.map((e) => e.ordinal), `eol ${JSON.stringify(eol)} len ${len} chunk ${chunk}`).toEqual([1, 2]);
          if (len <= 64) expect(r[0], `eol ${JSON.stringify(eol)} len ${len} chunk ${chunk}`).toMatchObject({ kind: 'G', bytes: rec });
          else expect(r[0], `eol ${JSON.stringify(eol)} len ${len} chunk ${chunk}`).toMatchObject({ kind: 'M', reason: 'RECORD_TOO_LARGE', length: len });
          expect(r[1]).toMatchObject({ kind: 'G', bytes: 'y' });
        }
      }
    }
  });

  it('in a CR file a CRLF inside quotes is one line break, not two', () => {
    const value = Array.from({ length: 3 }, (_, i) => `l${i}`).join('\r\n');
    const { summary, events } = scan(Buffer.from(`a\r"${value}"\rz\r`), [2], LIM);
    expect(summary).toMatchObject({ records: 2, goodRecords: 2 });
    expect(events[1]).toMatchObject({ kind: 'G', bytes: `"${value}"` });
  });
});
