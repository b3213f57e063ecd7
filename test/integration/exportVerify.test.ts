// What verify checks of an export, and the export folder's safety:
// - B2: the data files are signed subjects; seeded edits (a value changed at a random row and
//   column, a row appended, a row removed) in clean.csv or quarantine.csv fail verify of the
//   export folder, of its bundle folder and of its archive, naming the file;
// - B3: a run's bundle holds only its own entries though another run's sit between them;
// - C4: a zip bomb is refused quickly with bounded memory;
// - A6: a non-empty folder that is not an earlier export is refused and left as it was; an earlier
//   export is replaced whole; a failed export leaves nothing behind;
// - C9/C10: a halted or interrupted run is refused in one line.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { exportRun } from '../../main/export/exportRun.js';
import { stagingDirFor } from '../../main/export/exportDir.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import { UserError } from '../../main/contract/errors.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { seeded } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: t
name: t
version: 1.0.0
schema:
  - name: t
    properties:
      - {name: a, logicalType: integer, primaryKey: true, required: true}
      - {name: b, logicalType: string}
      - {name: c, logicalType: integer, logicalTypeOptions: {minimum: 0}}
`;

let dir: string;
let engine: Engine;
let contract: string;
const out = (name: string) => join(dir, name);

async function run(file: string) {
  return runBatch(engine, { file, contractPath: contract, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
}

function table(seed: number, from: number, n: number): string {
  const rng = seeded(seed);
  return csvText(['a', 'b', 'c'], Array.from({ length: n }, (_, i) => [String(from + i), `v${rng.int(0, 1e6)}`, String(rng.chance(0.2) ? -rng.int(1, 9) : rng.int(0, 99))]));
}

let runA: string;
let runB: string;

beforeAll(async () => {
  dir = tempDir('export-verify');
  contract = writeInput(dir, 't.odcs.yaml', CONTRACT);
  const outs = ['a1', 'a2', 'b', 'user', 'again', 'halted', 'ro', 'tamper'].map(out);
  engine = await openEngine(join(dir, 'ws'), outs.flatMap((o) => [o, stagingDirFor(o)]));
  runA = (await run(writeInput(dir, 'a.csv', table(1, 1, 40)))).runId;
  runB = (await run(writeInput(dir, 'b.csv', table(2, 100, 30)))).runId;
  await exportRun(engine, { runId: runA, outDir: out('a1'), format: 'csv' });
  // A's second export: its entries now sit on both sides of B's.
  await exportRun(engine, { runId: runA, outDir: out('a2'), format: 'csv' });
});

afterAll(() => engine?.close());

describe('B3: a bundle holds only its own run\'s audit entries', () => {
  it('none of the other run\'s entries, all of its own, and it verifies', async () => {
    const lines = readFileSync(join(out('a2'), 'bundle', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { run_id: string; seq: number });
    expect(new Set(lines.map((l) => l.run_id))).toEqual(new Set([runA]));
    const last = lines[lines.length - 1].seq;
    expect(lines.map((l) => l.seq)).toEqual(engine.audit.entries(runA).map((e) => e.seq).filter((s) => s <= last));
    const seqsOfB = engine.audit.entries(runB).map((e) => e.seq);
    // B's entries lie between A's first and last: the old min..max slice would have held them.
    expect(seqsOfB.some((s) => s > lines[0].seq && s < lines[lines.length - 1].seq)).toBe(true);
    const v = await verifyBundle(out('a2'));
    expect(v.ok, v.verdict).toBe(true);
  });
});

describe('B2: the exported data files are checked', () => {
  it('an untouched export verifies in all three forms, and says its data files are intact', async () => {
    for (const p of [out('a1'), join(out('a1'), 'bundle'), join(out('a1'), 'bundle.zip')]) {
      const v = await verifyBundle(p);
      expect(v.ok, v.verdict).toBe(true);
      expect(v.verdict).toContain('data files intact (clean.csv, quarantine.csv)');
    }
  });

  it('seeded edits of clean.csv and quarantine.csv fail, naming the file', async () => {
    const rng = seeded(99);
    const original = new Map(['clean.csv', 'quarantine.csv'].map((f) => [f, readFileSync(join(out('a1'), f), 'utf8')]));
    for (let i = 0; i < 30; i++) {
      const file = rng.pick(['clean.csv', 'quarantine.csv']);
      const text = original.get(file)!;
      const lines = text.trimEnd().split('\n');
      const edit = rng.pick(['value', 'append', 'remove']);
      let edited: string;
      if (edit === 'append') edited = `${text}${lines[lines.length - 1]}\n`;
      else if (edit === 'remove' && lines.length > 1) {
        const gone = rng.int(1, lines.length - 1);
        edited = `${lines.filter((_, j) => j !== gone).join('\n')}\n`;
      }
      else {
        const row = rng.int(1, lines.length - 1);
        const cells = lines[row].split(',');
        const col = rng.int(0, cells.length - 1);
        cells[col] = `${cells[col]}${rng.int(0, 9)}`;
        lines[row] = cells.join(',');
        edited = `${lines.join('\n')}\n`;
      }
      writeFileSync(join(out('a1'), file), edited);
      for (const p of [out('a1'), join(out('a1'), 'bundle'), join(out('a1'), 'bundle.zip')]) {
        expect(await verifyBundle(p), `${edit} in ${file}, verify ${p}`).toMatchObject({ ok: false, culprit: file });
      }
      writeFileSync(join(out('a1'), file), text);
    }
    expect((await verifyBundle(out('a1'))).ok).toBe(true);
  });
});

describe('C4: a zip bomb', () => {
  it('is refused in seconds without inflating it into memory', async () => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((err, data) => {
      if (err) throw err;
      parts.push(data);
    });
    const zero = new Uint8Array(16 << 20);
    // Two entries of 144 MiB of zeros: well under 1 MB compressed, 288 MiB inflated, over the
    // 256 MiB a bundle may inflate to.
    for (let e = 0; e < 2; e++) {
      const f = new ZipDeflate(`bundle/audit${e}.jsonl`, { level: 1 });
      zip.add(f);
      for (let i = 0; i < 9; i++) f.push(zero, i === 8);
    }
    zip.end();
    const bomb = join(dir, 'bomb.zip');
    writeFileSync(bomb, Buffer.concat(parts));
    const before = process.memoryUsage().rss;
    const t0 = Date.now();
    const v = await verifyBundle(bomb);
    expect(v).toMatchObject({ ok: false, culprit: bomb });
    expect(v.verdict).toMatch(/refused: the archive (inflates to more than|entry .* inflates to more than)/);
    expect(Date.now() - t0).toBeLessThan(30_000);
    // Bounded: at most the limit is ever buffered, never the whole archive's content.
    expect(process.memoryUsage().rss - before).toBeLessThan(300 << 20);
  });
});

describe('A6: the export folder', () => {
  it('a non-empty folder that is not an export is refused, and nothing in it changes', async () => {
    mkdirSync(out('user'), { recursive: true });
    writeFileSync(join(out('user'), 'clean.csv'), 'mine');
    mkdirSync(join(out('user'), 'bundle'));
    writeFileSync(join(out('user'), 'bundle', 'thesis.docx'), 'precious');
    await expect(exportRun(engine, { runId: runB, outDir: out('user'), format: 'csv' })).rejects.toThrow(UserError);
    expect(readFileSync(join(out('user'), 'clean.csv'), 'utf8')).toBe('mine');
    expect(readFileSync(join(out('user'), 'bundle', 'thesis.docx'), 'utf8')).toBe('precious');
    expect(readdirSync(dirname(out('user'))).filter((n) => n.includes('airlock-export-tmp'))).toEqual([]);
  });

  it('an earlier export is replaced whole; one holding a file Airlock did not write is refused', async () => {
    await exportRun(engine, { runId: runA, outDir: out('again'), format: 'csv' });
    await exportRun(engine, { runId: runB, outDir: out('again'), format: 'parquet' });
    expect(readdirSync(out('again')).sort()).toEqual(['airlock-export.json', 'bundle', 'bundle.zip', 'clean.parquet', 'quarantine.csv']);
    expect((await verifyBundle(out('again'))).ok).toBe(true);
    // An export written before the marker existed (its files and a signed bundle only) is one too.
    rmSync(join(out('again'), 'airlock-export.json'));
    await exportRun(engine, { runId: runA, outDir: out('again'), format: 'csv' });
    expect(readdirSync(out('again')).sort()).toEqual(['airlock-export.json', 'bundle', 'bundle.zip', 'clean.csv', 'quarantine.csv']);
    appendFileSync(join(out('again'), 'notes.txt'), 'mine');
    await expect(exportRun(engine, { runId: runA, outDir: out('again'), format: 'csv' })).rejects.toThrow(/did not write \(notes\.txt\)/);
    expect(existsSync(join(out('again'), 'clean.csv'))).toBe(true);
    expect(readFileSync(join(out('again'), 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('C9/C10: runs with nothing to export', () => {
  it('a halted run and an interrupted one are refused in one line, with nothing written', async () => {
    const halted = await run(writeInput(dir, 'headerless.csv', '1,x,2\n3,y,4\n'));
    expect(halted.status).toBe('halted');
    await expect(exportRun(engine, { runId: halted.runId, outDir: out('halted'), format: 'csv' })).rejects.toThrow(/was halted by schema drift: nothing was promoted, nothing to export/);
    engine.sqlite.prepare(`UPDATE runs SET status = 'running', summary_json = NULL WHERE run_id = ?`).run(halted.runId);
    await expect(exportRun(engine, { runId: halted.runId, outDir: out('halted'), format: 'csv' })).rejects.toThrow(/still running or was interrupted/);
    expect(existsSync(out('halted'))).toBe(false);
    expect(existsSync(stagingDirFor(out('halted')))).toBe(false);
  });
});
