// Accepting a schema drift as a new version removes only the dropped column from each rule.
// Outside testers dropped `county` from hospital and lost `provider_number → 11 columns` and
// `zip → city, state, county` whole. Checked here on hospital, on each kind of table rule, and on
// thousands of generated contracts and drifts against an independent statement of what must be
// kept (computed in the test from the old contract and the header, not by the code under test).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseContract } from '../../main/contract/load.js';
import { contractMatchingHeader } from '../../main/api/driftContract.js';
import { contractRuleDiff } from '../../main/api/ruleDiff.js';
import { seeded } from '../../scripts/make-demo-sample.js';
import { SHARED } from '../helpers/tmp.js';

const HOSPITAL = readFileSync(join(SHARED, 'bench', 'hospital', 'contract.odcs.yaml'), 'utf8');
const fdKey = (fd: { determinant: string[]; dependent: string[] }) => `${fd.determinant.join(',')} -> ${fd.dependent.join(',')}`;

describe('hospital: dropping county', () => {
  const was = parseContract(HOSPITAL);
  const header = was.columns.map((c) => c.name).filter((n) => n !== 'county');
  const next = contractMatchingHeader(HOSPITAL, header, 'no-county.csv');
  const now = parseContract(next.yaml);

  it('keeps every dependency, less county', () => {
    const expected = was.fds.map((fd) => ({ determinant: fd.determinant, dependent: fd.dependent.filter((d) => d !== 'county') }));
    expect(now.fds.map(fdKey)).toEqual(expected.map(fdKey));
    const provider = now.fds.find((fd) => fd.determinant.join() === 'provider_number')!;
    expect(provider.dependent).toHaveLength(11);
    expect(now.fds.find((fd) => fd.determinant.join() === 'zip')!.dependent).toEqual(['city', 'state']);
  });

  it('says what each dependency lost, and the rule diff shows it before the next run', () => {
    expect(next.changes).toContain('dropped county');
    expect(next.changes).toContain('dependency zip → city, state, county keeps city, state (county dropped)');
    const fdLines = next.ruleDiff.filter((l) => l.kind === 'dependency');
    expect(fdLines).toContainEqual({ kind: 'dependency', before: 'zip → city, state, county', after: 'zip → city, state' });
    expect(next.ruleDiff).toContainEqual(expect.objectContaining({ kind: 'column', after: null, before: expect.stringMatching(/^county: /) }));
    // only what changed is listed
    expect(next.ruleDiff.filter((l) => l.kind === 'column')).toHaveLength(1);
  });
});

const TABLE = (cols: string[], fds: Array<[string[], string[]]>, quality: string[] = [], source?: string) => `apiVersion: v3.1.0
kind: DataContract
id: t
name: t
version: 1.0.0
schema:
  - name: t
    properties:
${cols.map((c) => `      - name: ${c}\n        logicalType: string`).join('\n')}
${quality.length ? `    quality:\n${quality.join('\n')}\n` : ''}    customProperties:
      - property: functionalDependencies
        value:
${fds.map(([a, b]) => `          - determinant: [${a.join(', ')}]\n            dependent: [${b.join(', ')}]`).join('\n')}
${source ? `      - property: sourceColumn\n        value: ${source}\n` : ''}`;

describe('each kind of table rule', () => {
  it('a dependency whose determinant lost a column goes whole, with a line saying why (a, b → c is not a → c)', () => {
    const next = contractMatchingHeader(TABLE(['a', 'b', 'c', 'd'], [[['a', 'b'], ['c']], [['a'], ['d']]]), ['a', 'c', 'd'], 'f.csv');
    expect(parseContract(next.yaml).fds.map(fdKey)).toEqual(['a -> d']);
    expect(next.changes).toContain('dependency a, b → c removed: its determinant b is not in the file');
    expect(next.ruleDiff).toContainEqual({ kind: 'dependency', before: 'a, b → c', after: null });
  });

  it('a dependency with no dependent left goes, with a line', () => {
    const next = contractMatchingHeader(TABLE(['a', 'b', 'c'], [[['a'], ['b']], [['a'], ['c']]]), ['a', 'c'], 'f.csv');
    expect(parseContract(next.yaml).fds.map(fdKey)).toEqual(['a -> c']);
    expect(next.changes).toContain('dependency a → b removed: none of its dependents is in the file');
  });

  it('a composite key follows a rename and goes whole when it lost a column', () => {
    const q = ['      - metric: duplicateValues', '        mustBe: 0', '        arguments:', '          properties: [a, b]'];
    const renamed = contractMatchingHeader(TABLE(['a', 'b', 'c'], [[['a'], ['c']]], q), ['a', 'bee', 'c'], 'f.csv');
    expect(parseContract(renamed.yaml).quality.find((c) => c.properties)?.properties).toEqual(['a', 'bee']);
    const dropped = contractMatchingHeader(TABLE(['a', 'b', 'c'], [[['a'], ['c']]], q), ['a', 'c'], 'f.csv');
    expect(parseContract(dropped.yaml).quality.filter((c) => c.properties)).toEqual([]);
    expect(dropped.changes.some((l) => /^table check 1 \(duplicateValues over a, b\) removed: b is not in the file$/.test(l))).toBe(true);
  });

  it('a header that differs only in case keeps the rules on that column', () => {
    const next = contractMatchingHeader(TABLE(['a', 'b', 'c'], [[['a'], ['b', 'c']]]), ['A', 'b', 'c', 'extra'], 'f.csv');
    expect(parseContract(next.yaml).fds.map(fdKey)).toEqual(['a -> b,c']);
  });

  it('the source column goes with its column, and says so', () => {
    const next = contractMatchingHeader(TABLE(['a', 'b', 'src'], [[['a'], ['b']]], [], 'src'), ['a', 'b'], 'f.csv');
    expect(parseContract(next.yaml).sourceColumn).toBeUndefined();
    expect(next.changes.some((l) => l.startsWith('source column src dropped'))).toBe(true);
    expect(next.ruleDiff).toContainEqual({ kind: 'source', before: 'votes weighed by source column src', after: null });
  });

  it('an SQL check naming a dropped column is pointed out, never rewritten', () => {
    const q = ['      - type: sql', '        query: SELECT count(*) FROM t WHERE b IS NULL', '        mustBe: 0'];
    const text = TABLE(['a', 'b', 'c'], [[['a'], ['c']]], q);
    const next = contractMatchingHeader(text, ['a', 'c'], 'f.csv');
    expect(next.changes).toContain('table check 1 is SQL naming b: check its query');
    expect(next.yaml).toContain('SELECT count(*) FROM t WHERE b IS NULL');
  });
});

describe('generated contracts and drifts (2,000 cases)', () => {
  it('every dependency is kept less its dropped dependents, renamed where renamed, and removed only when it must be', () => {
    const rnd = seeded(4242);
    const pick = (n: number) => Math.floor(rnd() * n);
    for (let t = 0; t < 2000; t++) {
      const n = 3 + pick(6);
      const cols = Array.from({ length: n }, (_, i) => `c${i}`);
      const fds: Array<[string[], string[]]> = [];
      const seenDet = new Set<string>();
      for (let k = 0; k < 1 + pick(4); k++) {
        const shuffled = [...cols].sort(() => rnd() - 0.5);
        const det = shuffled.slice(0, 1 + pick(2)).sort();
        const dep = shuffled.slice(det.length, det.length + 1 + pick(Math.max(1, n - det.length - 1)));
        if (dep.length === 0 || seenDet.has(det.join())) continue;
        seenDet.add(det.join());
        fds.push([det, dep]);
      }
      if (fds.length === 0) continue;
      // the drift: each column kept, dropped or (in place) renamed; a new column at the end
      const fate = cols.map(() => (rnd() < 0.25 ? 'drop' : rnd() < 0.2 ? 'rename' : 'keep'));
      const header: string[] = [];
      const renames = new Map<string, string>();
      cols.forEach((c, i) => {
        if (fate[i] === 'keep') header.push(c);
        if (fate[i] === 'rename') { header.push(`r${i}`); renames.set(c, `r${i}`); }
      });
      if (rnd() < 0.5) header.push('fresh');
      if (header.length === 0) continue; // a file without columns is refused long before a drift
      const was = parseContract(TABLE(cols, fds));
      let next: ReturnType<typeof contractMatchingHeader>;
      try {
        next = contractMatchingHeader(TABLE(cols, fds), header, 'f.csv');
      } catch (e) {
        throw new Error(`case ${t}: ${cols} ${JSON.stringify(fds)} header ${header}: ${String(e)}`);
      }
      // A rename is recognised only in place (the same position held the old column): compute
      // which renames the header shows, the way the docs state it, independently.
      const inPlace = new Map<string, string>();
      header.forEach((h, pos) => { if (!cols.includes(h) && cols[pos] !== undefined && !header.includes(cols[pos])) inPlace.set(cols[pos], h); });
      const follow = (c: string) => inPlace.get(c) ?? (header.includes(c) ? c : null);
      const expected: string[] = [];
      for (const fd of was.fds) {
        if (fd.determinant.some((c) => follow(c) === null)) continue;
        const dep = fd.dependent.map(follow).filter((c): c is string => c !== null);
        if (dep.length === 0) continue;
        expected.push(fdKey({ determinant: fd.determinant.map((c) => follow(c)!), dependent: dep }));
      }
      const now = parseContract(next.yaml);
      expect(now.fds.map(fdKey), `case ${t}: ${JSON.stringify(fds)} header ${header}`).toEqual(expected);
      expect(now.columns.map((c) => c.name)).toEqual(header);
      // every dependency that changed has its line in the rule diff, and no line for one that did not
      const diffBefore = new Set(next.ruleDiff.filter((l) => l.kind === 'dependency').map((l) => l.before));
      const changed = was.fds.filter((fd) => !expected.includes(fdKey(fd)));
      for (const fd of changed) expect(diffBefore, `case ${t}`).toContain(`${fd.determinant.join(', ')} → ${fd.dependent.join(', ')}`);
      expect(diffBefore.size, `case ${t}`).toBe(changed.length);
      // and the diff of the same contract against itself is empty
      expect(contractRuleDiff(now, now)).toEqual([]);
    }
  });
});
