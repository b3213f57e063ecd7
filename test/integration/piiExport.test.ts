// Personal data never in clear in an exported bundle. Seeded people tables whose pii columns hold
// short values ('Wu', two letters: shorter than the contract's minLength, so they are quarantined,
// clustered and shown as samples), long ones, e-mails (some malformed, so they are quarantined and
// clustered) and a pii column of small numbers that equal the audit's row counts and ids (which
// must not make export fail). Every bundle file, every archive entry and the signed payload are
// searched for every letter-bearing pii value as a whole word; the same export with --include-pii
// is the control that shows the search finds them. A headerless delivery halts on drift before
// the good run: its "header" (a person's name and e-mail) is in no audit entry and no bundle.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openEngine, type Engine } from '../../main/pipeline/context.js';
import { runBatch } from '../../main/pipeline/runBatch.js';
import { exportRun } from '../../main/export/exportRun.js';
import { stagingDirFor } from '../../main/export/exportDir.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import { csvText, writeInput } from '../helpers/fixtures.js';
import { seeded, type Rng } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

const CONTRACT = `apiVersion: v3.1.0
kind: DataContract
id: people
name: people
version: 1.0.0
schema:
  - name: people
    properties:
      - {name: id, logicalType: integer, primaryKey: true, required: true}
      - {name: name, logicalType: string, required: true, logicalTypeOptions: {minLength: 3}, customProperties: [{property: pii, value: name}]}
      - {name: email, logicalType: string, logicalTypeOptions: {pattern: '[^@]+@[^@]+\\.[a-z]+'}, customProperties: [{property: pii, value: email}]}
      - {name: score, logicalType: integer, customProperties: [{property: pii, value: other}]}
      - {name: age, logicalType: integer, logicalTypeOptions: {minimum: 0, maximum: 130}}
`;

const UPPER = 'QXZJVK';
const LOWER = 'qxzjvkwy';

function shortName(rng: Rng): string {
  return rng.chance(0.3) ? rng.pick(['Wu', 'Ng', 'Li', 'Xu']) : rng.pick([...UPPER]) + rng.pick([...LOWER]);
}

function longName(rng: Rng): string {
  const word = (n: number) => rng.pick([...UPPER]) + Array.from({ length: n }, () => rng.pick([...LOWER, 'a', 'e', 'o'])).join('');
  return `${word(rng.int(2, 8))} ${word(rng.int(3, 10))}`;
}

interface People {
  csv: string;
  /** every letter-bearing pii value the file holds */
  values: Set<string>;
}

function people(rng: Rng, n: number): People {
  const values = new Set<string>();
  const rows: string[][] = [];
  for (let id = 1; id <= n; id++) {
    const name = rng.chance(0.5) ? shortName(rng) : longName(rng);
    const local = `${rng.pick([...LOWER])}${rng.int(1, 99999)}`;
    // Some e-mails miss their top-level domain: quarantined, clustered, shown as samples.
    const email = rng.chance(0.25) ? `${local}@example` : `${local}@example.com`;
    // Small numbers: they equal row counts, ids and seq numbers in the audit.
    const score = String(rng.int(0, n + 5));
    const age = String(rng.chance(0.15) ? rng.int(131, 300) : rng.int(0, 99));
    values.add(name);
    values.add(email);
    rows.push([String(id), name, email, score, age]);
  }
  return { csv: csvText(['id', 'name', 'email', 'score', 'age'], rows), values };
}

/** Every text of an export an auditor could read. */
function exportTexts(out: string): Map<string, string> {
  const texts = new Map<string, string>();
  for (const name of readdirSync(join(out, 'bundle'))) texts.set(`bundle/${name}`, readFileSync(join(out, 'bundle', name), 'utf8'));
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(join(out, 'bundle.zip'))))) texts.set(`zip:${name}`, Buffer.from(bytes).toString('utf8'));
  const envelope = JSON.parse(texts.get('bundle/statement.sig')!) as { payload: string };
  texts.set('signed payload', Buffer.from(envelope.payload, 'base64').toString('utf8'));
  // Base64 (the signature, the key) is not text an auditor reads; its payload is checked above.
  texts.delete('bundle/statement.sig');
  texts.delete('zip:bundle/statement.sig');
  return texts;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function leaks(texts: Map<string, string>, values: Iterable<string>): string[] {
  const found: string[] = [];
  for (const v of values) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(v)}(?![\\p{L}\\p{N}])`, 'u');
    for (const [name, text] of texts) if (re.test(text)) found.push(`${JSON.stringify(v)} in ${name}`);
  }
  return found;
}

async function run(engine: Engine, file: string, contractPath: string) {
  return runBatch(engine, { file, contractPath, approval: { kind: 'all' }, remediation: { modelPath: null, embedderDir: null } });
}

describe('pii values of any length are in no file of a bundle', () => {
  for (const seed of [101, 202, 303, 404, 505, 606]) {
    it(`seed ${seed}`, async () => {
      const rng = seeded(seed);
      const dir = tempDir(`pii-${seed}`);
      const contract = writeInput(dir, 'people.odcs.yaml', CONTRACT);
      const table = people(rng, rng.int(15, 60));
      // A headerless delivery of other people first: its first record is read as the header.
      const headless = people(rng, 3);
      const [, name, email] = headless.csv.split('\n')[1].split(',');
      const firstRecord = [name, email];
      const headlessFile = writeInput(dir, 'headless.csv', [`9001,${name},${email},7,42`, ...headless.csv.split('\n').slice(2)].join('\n'));
      const outs = [join(dir, 'out'), join(dir, 'out-pii')];
      const engine = await openEngine(join(dir, 'ws'), outs.flatMap((o) => [o, stagingDirFor(o)]));
      try {
        const halted = await run(engine, headlessFile, contract);
        expect(halted.status).toBe('halted');
        const good = await run(engine, writeInput(dir, 'people.csv', table.csv), contract);
        expect(good.reconciled).toBe(true);
        expect(good.quarantineRows).toBeGreaterThan(0);

        // The halted run's audit and summary hold tokens for the header it read, not the names.
        const audit = engine.audit.entries(halted.runId).map((e) => JSON.stringify(e)).join('\n');
        const summaryRow = engine.sqlite.prepare('SELECT summary_json FROM runs WHERE run_id = ?').get(halted.runId) as { summary_json: string };
        expect(leaks(new Map([['halted audit', audit], ['halted run summary', summaryRow.summary_json]]), firstRecord)).toEqual([]);

        await exportRun(engine, { runId: good.runId, outDir: outs[0], format: 'csv' });
        const texts = exportTexts(outs[0]);
        expect(leaks(texts, [...table.values, ...firstRecord])).toEqual([]);
        const verdict = await verifyBundle(outs[0]);
        expect(verdict.ok, verdict.verdict).toBe(true);
        expect(verdict.verdict).toContain('personal data tokenised');

        // The control: exported with --include-pii, the same search finds the values.
        await exportRun(engine, { runId: good.runId, outDir: outs[1], format: 'csv', includePii: true });
        expect(leaks(exportTexts(outs[1]), table.values).length).toBeGreaterThan(0);
      } finally {
        engine.close();
      }
    });
  }
});
