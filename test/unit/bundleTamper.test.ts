// Tamper evidence: any changed byte, any removed, moved or added audit line, any missing or
// extra file makes verification fail, and the verdict names the file or the line.
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeBundle, type BundleResult } from '../../main/audit/bundle.js';
import { entryHash } from '../../main/audit/log.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import { tempDir } from '../helpers/tmp.js';
import { makeFixture } from './bundleFixture.js';

let original: BundleResult;
let scratch: string;

beforeAll(async () => {
  scratch = tempDir('tamper');
  original = await writeBundle(join(scratch, 'export'), makeFixture(scratch).input);
  expect((await verifyBundle(original.dir)).ok).toBe(true);
});

let copies = 0;
function copyBundle(): string {
  const dir = join(scratch, `copy-${++copies}`);
  cpSync(original.dir, dir, { recursive: true });
  return dir;
}

const auditLines = (dir: string) => readFileSync(join(dir, 'audit.jsonl'), 'utf8').trimEnd().split('\n');
const writeAudit = (dir: string, lines: string[]) => writeFileSync(join(dir, 'audit.jsonl'), `${lines.join('\n')}\n`);

describe('a changed byte', () => {
  it('in every file, at its start, middle and end, fails and names that file', async () => {
    const names = readdirSync(original.dir).sort();
    expect(names).toHaveLength(12);
    for (const name of names) {
      const size = readFileSync(join(original.dir, name)).length;
      for (const at of [0, Math.floor(size / 2), size - 1]) {
        const dir = copyBundle();
        const bytes = readFileSync(join(dir, name));
        bytes[at] ^= 0x01;
        writeFileSync(join(dir, name), bytes);
        const v = await verifyBundle(dir);
        expect(v.ok, `${name} byte ${at}`).toBe(false);
        if (!v.ok) {
          expect(v.culprit.split(' ')[0], `${name} byte ${at}: ${v.verdict}`).toBe(name);
          expect(v.verdict.startsWith(`FAILED: ${v.culprit}: `)).toBe(true);
        }
        rmSync(dir, { recursive: true });
      }
    }
  });

  it('inside the archive fails and names the file', async () => {
    const entries = unzipSync(readFileSync(original.archive));
    const run = Buffer.from(entries['bundle/run.json']).toString('utf8').replace('"successRows": 9', '"successRows": 8');
    entries['bundle/run.json'] = Buffer.from(run.replace('"quarantineRows": 1', '"quarantineRows": 2'));
    const path = join(scratch, 'tampered.zip');
    writeFileSync(path, zipSync(entries));
    expect(await verifyBundle(path)).toMatchObject({ ok: false, culprit: 'run.json', verdict: expect.stringContaining('SHA-256 does not match') });
  });
});

describe('the audit log', () => {
  it('a deleted line is named', async () => {
    const dir = copyBundle();
    const lines = auditLines(dir);
    const removedSeq = JSON.parse(lines[3]).seq;
    writeAudit(dir, lines.filter((_, i) => i !== 3));
    const v = await verifyBundle(dir);
    expect(v).toMatchObject({ ok: false, culprit: `audit.jsonl line 4 (seq ${removedSeq + 1})` });
    expect(v.verdict).toContain(`expected ${removedSeq}`);
  });

  it('a deleted first or last line is named, though the links that remain hold', async () => {
    const first = copyBundle();
    const lines = auditLines(first);
    writeAudit(first, lines.slice(1));
    expect(await verifyBundle(first)).toMatchObject({ ok: false, culprit: `audit.jsonl line 1 (seq ${JSON.parse(lines[1]).seq})` });

    const last = copyBundle();
    writeAudit(last, lines.slice(0, -1));
    const v = await verifyBundle(last);
    expect(v).toMatchObject({ ok: false, culprit: `audit.jsonl line ${lines.length}` });
    expect(v.verdict).toContain('missing');
  });

  it('two swapped lines are named', async () => {
    const dir = copyBundle();
    const lines = auditLines(dir);
    [lines[2], lines[3]] = [lines[3], lines[2]];
    writeAudit(dir, lines);
    expect(await verifyBundle(dir)).toMatchObject({ ok: false, culprit: `audit.jsonl line 3 (seq ${JSON.parse(lines[2]).seq})` });
  });

  it('an inserted line is named, even one with a correctly computed hash', async () => {
    const dir = copyBundle();
    const lines = auditLines(dir);
    const before = JSON.parse(lines[4]);
    // A forger who knows the hashing rule: a well-formed entry that links to the one before it.
    const forged = { seq: before.seq + 1, run_id: before.run_id, ts: before.ts, kind: 'decision', payload: { decision: 'approved', by: 'nobody' }, prev_hash: before.hash };
    const withHash = { ...forged, hash: entryHash(before.hash, forged) };
    writeAudit(dir, [...lines.slice(0, 5), JSON.stringify(withHash), ...lines.slice(5)]);
    // The forged line links; the chain breaks at the genuine entry after it, which now sits at
    // line 7 with a seq the line before it already took.
    const v = await verifyBundle(dir);
    expect(v).toMatchObject({ ok: false, culprit: `audit.jsonl line 7 (seq ${before.seq + 1})` });
    expect(v.verdict).toContain('removed, inserted or moved');
  });

  it('an appended line with a correct hash is named: the signed statement pins the head', async () => {
    const dir = copyBundle();
    const lines = auditLines(dir);
    const last = JSON.parse(lines[lines.length - 1]);
    const extra = { seq: last.seq + 1, run_id: last.run_id, ts: last.ts, kind: 'export', payload: {}, prev_hash: last.hash };
    writeAudit(dir, [...lines, JSON.stringify({ ...extra, hash: entryHash(last.hash, extra) })]);
    const v = await verifyBundle(dir);
    expect(v).toMatchObject({ ok: false, culprit: `audit.jsonl line ${lines.length + 1} (seq ${last.seq + 1})` });
    expect(v.verdict).toContain('not in the signed statement');
  });

  it('an edited entry is named by its line', async () => {
    const dir = copyBundle();
    const lines = auditLines(dir);
    const before = lines[5];
    lines[5] = lines[5].replace(/"cells":(\d+)/, (_, n: string) => `"cells":${Number(n) + 1}`);
    expect(lines[5]).not.toBe(before);
    writeAudit(dir, lines);
    const v = await verifyBundle(dir);
    expect(v).toMatchObject({ ok: false, culprit: `audit.jsonl line 6 (seq ${JSON.parse(lines[5]).seq})` });
    expect(v.verdict).toContain('was altered');
  });
});

describe('files', () => {
  it('a missing file is named', async () => {
    for (const name of ['report.html', 'public-key.pem', 'statement.json', 'statement.sig']) {
      const dir = copyBundle();
      rmSync(join(dir, name));
      const v = await verifyBundle(dir);
      expect(v, name).toMatchObject({ ok: false, culprit: name });
      expect(v.verdict).toContain('missing');
    }
  });

  it('an added file is named: nothing unsigned travels with the bundle', async () => {
    const dir = copyBundle();
    writeFileSync(join(dir, 'errata.txt'), 'the quarantine was fine really');
    expect(await verifyBundle(dir)).toMatchObject({ ok: false, culprit: 'errata.txt', verdict: expect.stringContaining('not covered by the signed statement') });
  });

  it('a file swapped in from another run of the same workspace is named', async () => {
    const otherWs = tempDir('tamper-other');
    const fx = makeFixture(otherWs, { runId: 'run-other' });
    // Same signing key: the other run's files are validly signed, just not by this statement.
    cpSync(join(scratch, 'keys'), fx.input.keysDir, { recursive: true });
    const other = await writeBundle(join(otherWs, 'export'), { ...fx.input });
    const dir = copyBundle();
    cpSync(join(other.dir, 'run.json'), join(dir, 'run.json'));
    expect(await verifyBundle(dir)).toMatchObject({ ok: false, culprit: 'run.json' });
  });
});
