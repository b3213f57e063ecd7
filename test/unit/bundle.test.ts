// Writing a bundle, and verifying an untouched one in each of its forms.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeBundle } from '../../main/audit/bundle.js';
import { AuditLog } from '../../main/audit/log.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import { tempDir } from '../helpers/tmp.js';
import { change, makeFixture, sealChanges } from './bundleFixture.js';

const FILES = [
  'audit.jsonl', 'changes.jsonl', 'contract.odcs.yaml', 'inputs.json', 'models.json', 'outputs.json', 'public-key.pem', 'recipe.json', 'report.html',
  'run.json', 'statement.json', 'statement.sig',
];

describe('writeBundle', () => {
  it('writes every file of the issue, a zip of them, and signs them all', async () => {
    const ws = tempDir('bundle');
    const { input } = makeFixture(ws);
    const out = join(ws, 'export');
    const result = await writeBundle(out, input);

    expect(readdirSync(result.dir).sort()).toEqual(FILES);
    expect(result.files.map((f) => f.name).sort()).toEqual(FILES);
    const zipped = Object.keys(unzipSync(readFileSync(result.archive))).sort();
    expect(zipped).toEqual(FILES.map((f) => `bundle/${f}`));

    const statement = JSON.parse(readFileSync(join(result.dir, 'statement.json'), 'utf8'));
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    // Everything but the statement and its envelope is a subject, with its real hash; so are the
    // exported data files beside the bundle.
    const bundleSubjects = statement.subject.filter((s: { name: string }) => !s.name.startsWith('../'));
    expect(bundleSubjects.map((s: { name: string }) => s.name).sort()).toEqual(FILES.filter((f) => !f.startsWith('statement')));
    for (const s of bundleSubjects) expect(result.files.find((f) => f.name === s.name)?.sha256).toBe(s.digest.sha256);
    const dataSubjects = statement.subject.filter((s: { name: string }) => s.name.startsWith('../'));
    expect(dataSubjects.map((s: { name: string }) => s.name).sort()).toEqual(['../clean.csv', '../quarantine.csv']);
    for (const o of input.outputs) {
      expect(dataSubjects.find((s: { name: string }) => s.name === `../${o.name}`).digest.sha256).toBe(createHash('sha256').update(readFileSync(o.path)).digest('hex'));
    }
    expect(statement.predicate).toMatchObject({ runId: 'run-20250101-0001', includePii: false, airlockVersion: '0.1.0' });
    expect(statement.predicate.audit.entries).toBe(input.auditEntries.length);

    const envelope = JSON.parse(readFileSync(join(result.dir, 'statement.sig'), 'utf8'));
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    expect(Buffer.from(envelope.payload, 'base64').equals(readFileSync(join(result.dir, 'statement.json')))).toBe(true);

    // The private key stays in the workspace, owner-only.
    expect(statSync(join(input.keysDir, 'signing-ed25519.pem')).mode & 0o777).toBe(0o600);
    expect(FILES.some((f) => readFileSync(join(result.dir, f), 'utf8').includes('PRIVATE KEY'))).toBe(false);

    const run = JSON.parse(readFileSync(join(result.dir, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ sourceRows: 10, successRows: 9, quarantineRows: 1, duplicateRows: 0, reconciled: true });
    expect(run.reconciliation).toHaveLength(2);
    const outputs = JSON.parse(readFileSync(join(result.dir, 'outputs.json'), 'utf8'));
    expect(outputs.files[0]).toMatchObject({ name: 'clean.csv', rows: 9 });
    expect(outputs.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    const recipe = JSON.parse(readFileSync(join(result.dir, 'recipe.json'), 'utf8'));
    expect(recipe.rules[0]).toMatchObject({ id: 'r-zip-pad', proposer: 'synth:pad', approver: 'analyst', confidence: 0.97, coverage: 1 });
    // audit.jsonl is the run's slice, one entry per line, in order.
    const lines = readFileSync(join(result.dir, 'audit.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.seq)).toEqual(input.auditEntries.map((e) => e.seq));
    expect(lines[0].seq).toBeGreaterThan(1);
  });

  it('verifies untouched: the folder, the export folder above it, and the archive', async () => {
    const ws = tempDir('bundle');
    const { input } = makeFixture(ws);
    const out = join(ws, 'export');
    const result = await writeBundle(out, input);
    for (const path of [result.dir, out, result.archive]) {
      const v = await verifyBundle(path);
      expect(v, path).toMatchObject({ ok: true });
      expect(v.verdict).toMatch(/^OK: bundle of run run-20250101-0001 verified: signed by the bundle's own key [0-9a-f]{16}/);
      expect(v.verdict).toContain('10 = 9 + 1 + 0');
      expect(v.verdict.includes('\n')).toBe(false);
    }
  });

  it('says which key it used, and fails against another key', async () => {
    const ws = tempDir('bundle');
    const { input } = makeFixture(ws);
    const result = await writeBundle(join(ws, 'export'), input);
    const workspaceKey = readFileSync(join(input.keysDir, 'signing-ed25519.pub.pem'), 'utf8');
    const good = await verifyBundle(result.dir, { publicKeyPem: workspaceKey });
    expect(good.ok).toBe(true);
    expect(good.verdict).toContain('signed by the given public key');

    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const bad = await verifyBundle(result.dir, { publicKeyPem: other });
    expect(bad).toMatchObject({ ok: false, culprit: 'statement.sig' });
    expect(bad.verdict).toContain('not signed by the given public key');
  });

  it('signs every bundle of a workspace with the same key, and replaces an earlier bundle', async () => {
    const ws = tempDir('bundle');
    const { input } = makeFixture(ws);
    const out = join(ws, 'export');
    const first = await writeBundle(out, input);
    const key1 = readFileSync(join(first.dir, 'public-key.pem'), 'utf8');
    const second = await writeBundle(out, input);
    expect(readFileSync(join(second.dir, 'public-key.pem'), 'utf8')).toBe(key1);
    expect((await verifyBundle(second.dir)).ok).toBe(true);
    // No temporary folder or half-written archive is left behind.
    expect(readdirSync(out).sort()).toEqual(['bundle', 'bundle.zip']);
  });

  it('will not overwrite a folder named bundle that is not a bundle', async () => {
    const ws = tempDir('bundle');
    const { input } = makeFixture(ws);
    const out = join(ws, 'export');
    mkdirSync(join(out, 'bundle'), { recursive: true });
    writeFileSync(join(out, 'bundle', 'thesis.docx'), 'precious');
    await expect(writeBundle(out, input)).rejects.toThrow(/exists and is not an Airlock bundle/);
    expect(readFileSync(join(out, 'bundle', 'thesis.docx'), 'utf8')).toBe('precious');
    expect(readdirSync(out)).toEqual(['bundle']);
  });

  it('refuses to sign a broken chain or a contract that is not the one the run used', async () => {
    const ws = tempDir('bundle');
    const { input } = makeFixture(ws);
    // A gap is another run's entries; an altered entry, or one of another run, is refused.
    const altered = input.auditEntries.map((e, i) => (i === 2 ? { ...e, payload: { ...e.payload, failing: 5 } } : e));
    await expect(writeBundle(join(ws, 'a'), { ...input, auditEntries: altered })).rejects.toThrow(/audit entries do not verify/);
    const foreign = input.auditEntries.map((e, i) => (i === 2 ? { ...e, run_id: 'run-other' } : e));
    await expect(writeBundle(join(ws, 'a2'), { ...input, auditEntries: foreign })).rejects.toThrow(/audit entries do not verify/);
    await expect(writeBundle(join(ws, 'b'), { ...input, contractYaml: `${input.contractYaml}# edited\n` })).rejects.toThrow(/does not hash to contractSha256/);
  });

  it('refuses to write a clear pii value that reached the audit log unprotected', async () => {
    const ws = tempDir('bundle');
    const fx = makeFixture(ws);
    // A pipeline bug: a phone change sealed without its audit form (tokens).
    const clear = sealChanges(new AuditLog(fx.db), 'run-20250101-0001', [change(8, 'phone', '2053258100', '205-325-8100')]);
    const input = { ...fx.input, auditEntries: fx.log.entries('run-20250101-0001'), cellChanges: [...fx.input.cellChanges!, ...clear] };
    await expect(writeBundle(join(ws, 'export'), input)).rejects.toThrow(/the change of row 8 phone sealed by audit seq \d+ holds a pii column's value in clear/);
    // and a payload in clear is refused too
    const fy = makeFixture(tempDir('bundle'));
    fy.log.append({ runId: 'run-20250101-0001', kind: 'proposal', payload: { sample: '205-325-8100' } });
    await expect(writeBundle(join(ws, 'export2'), { ...fy.input, auditEntries: fy.log.entries('run-20250101-0001') })).rejects.toThrow(/audit entry seq \d+ \(proposal\) holds a pii column's value in clear/);
  });

  it('does not take a run of digits inside a digest (a Merkle root) for a numeric pii value', async () => {
    const ws = tempDir('bundle');
    const fx = makeFixture(ws, { piiClear: [['1234567', 'other']] });
    fx.log.append({ runId: 'run-20250101-0001', kind: 'export', payload: { merkle_root: `1234567${'c'.repeat(57)}` } });
    const res = await writeBundle(join(ws, 'export'), { ...fx.input, auditEntries: fx.log.entries('run-20250101-0001') });
    expect((await verifyBundle(res.dir)).ok).toBe(true);
  });

  it('with includePii, writes clear values and the signed statement says so', async () => {
    const ws = tempDir('bundle');
    const fx = makeFixture(ws, {
      includePii: true,
      clusters: [{ id: 'c2', column: 'phone', reason: 'PATTERN_MISMATCH', size: 1, samples: [{ value: '205325810', count: 1 }], status: 'proposed' }],
    });
    const result = await writeBundle(join(ws, 'export'), fx.input);
    const statement = JSON.parse(readFileSync(join(result.dir, 'statement.json'), 'utf8'));
    expect(statement.predicate.includePii).toBe(true);
    expect(readFileSync(join(result.dir, 'report.html'), 'utf8')).toContain('205325810');
    const v = await verifyBundle(result.dir);
    expect(v.ok).toBe(true);
    expect(v.verdict).toContain('personal data in clear');
  });

  it('names a path that is not a bundle in one line', async () => {
    const ws = tempDir('bundle');
    const missing = await verifyBundle(join(ws, 'nope'));
    expect(missing).toMatchObject({ ok: false, culprit: join(ws, 'nope') });
    expect(missing.verdict).toMatch(/no such file or folder$/);
    writeFileSync(join(ws, 'notes.txt'), 'hello');
    expect(await verifyBundle(join(ws, 'notes.txt'))).toMatchObject({ ok: false, verdict: expect.stringContaining('not a bundle folder or a .zip bundle archive') });
    expect(await verifyBundle(ws)).toMatchObject({ ok: false, culprit: 'statement.sig', verdict: 'FAILED: statement.sig: missing' });
  });
});
