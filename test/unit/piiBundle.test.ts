// No personal value appears in clear anywhere in a bundle exported by default: not in the audit
// log, the report, the recipe's SQL, the cluster samples or the run summary. Tokens do, so the
// auditor can still follow a value. With --include-pii the same values do appear (the control
// that shows these assertions can fail).
import { asRecipe } from '../helpers/recipeRule.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeBundle, type ClusterSummary, type RecipeRule } from '../../main/audit/bundle.js';
import { ibanChecksumOk, luhnOk } from '../../main/audit/pii.js';
import { verifyBundle } from '../../main/audit/verifyBundle.js';
import type { PiiKind } from '../../main/contract/types.js';
import { openLockedDuckDB, queryRows, sqlString } from '../../main/store/duckdb.js';
import { SHARED, tempDir } from '../helpers/tmp.js';
import { change, makeFixture, sealChanges } from './bundleFixture.js';

/** Every text an auditor could read: the folder's files, the archive's entries, the signed payload. */
function bundleTexts(dir: string, archive: string): Map<string, string> {
  const texts = new Map<string, string>();
  for (const name of readdirSync(dir)) texts.set(name, readFileSync(join(dir, name), 'utf8'));
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(archive)))) texts.set(`zip:${name}`, Buffer.from(bytes).toString('utf8'));
  const envelope = JSON.parse(texts.get('statement.sig')!);
  texts.set('statement.sig payload', Buffer.from(envelope.payload, 'base64').toString('utf8'));
  return texts;
}

function leaks(texts: Map<string, string>, values: Iterable<string>): string[] {
  const found: string[] = [];
  for (const v of values) for (const [name, text] of texts) if (text.includes(v)) found.push(`${v} in ${name}`);
  return found;
}

describe('the hospital table (phone is pii)', () => {
  it('keeps every phone value out of the bundle, and shows tokens instead', async () => {
    const hospital = join(SHARED, 'bench', 'hospital');
    const db = await openLockedDuckDB({ path: ':memory:', allowedDirectories: [hospital] });
    const dirty = `read_csv(${sqlString(join(hospital, 'dirty.csv'))}, all_varchar = true)`;
    const clean = `read_csv(${sqlString(join(hospital, 'clean.csv'))}, all_varchar = true)`;
    const fixes = await queryRows<{ row: string; old: string; new: string }>(db.conn,
      `SELECT d."index" AS row, d.phone AS old, c.PhoneNumber AS new FROM ${dirty} d JOIN ${clean} c ON d."index" = c."index"
       WHERE d.phone IS DISTINCT FROM c.PhoneNumber ORDER BY d."index"::INTEGER`);
    const phones = (await queryRows<{ v: string }>(db.conn, `SELECT phone AS v FROM ${dirty} UNION SELECT PhoneNumber FROM ${clean}`)).map((r) => r.v);
    const badShapes = await queryRows<{ value: string; count: number }>(db.conn,
      `SELECT phone AS value, count(*)::INTEGER AS count FROM ${dirty} WHERE NOT regexp_full_match(phone, '\\d{10}') GROUP BY phone ORDER BY count DESC, phone`);
    db.close();
    expect(fixes.length).toBeGreaterThan(20);
    expect(phones.length).toBeGreaterThan(70);

    const ws = tempDir('pii-hospital');
    const rules: RecipeRule[] = [asRecipe({
      id: 'r-phone-x', column: 'phone', proposer: 'llm:tiny.gguf', confidence: 0.91, coverage: 0.96, approver: 'analyst', patternType: 'lookup',
      // The worst case: a rule that quotes the values it fixes, and reasoning that cites them.
      set: { phone: `CASE phone ${fixes.slice(0, 6).map((f) => `WHEN '${f.old}' THEN '${f.new}'`).join(' ')} ELSE phone END` },
      where: `phone IN (${fixes.slice(0, 6).map((f) => `'${f.old}'`).join(', ')})`,
      reasoning: `Typed 'x' for digits: ${fixes[0].old} is ${fixes[0].new} elsewhere in the file.`,
    })];
    const clusters: ClusterSummary[] = [{ id: 'c-phone', column: 'phone', reason: 'PATTERN_MISMATCH', size: fixes.length, samples: badShapes.slice(0, 8), rule: 'r-phone-x', status: 'applied' }];
    const fx = makeFixture(ws, {
      changes: fixes.map((f) => change(Number(f.row), 'phone', f.old, f.new, 'r-phone-x')),
      columnKinds: new Map([['phone', 'phone']]),
      piiClear: phones,
      rules,
      clusters,
      failures: [{ column: 'phone', reason: 'PATTERN_MISMATCH', count: fixes.length }],
      summary: { firstFailingValue: fixes[0].old },
    });
    const result = await writeBundle(join(ws, 'export'), fx.input);
    const texts = bundleTexts(result.dir, result.archive);

    expect(leaks(texts, phones)).toEqual([]);
    // Tokens stand where the values were: in the shipped changes, the report and the recipe.
    const firstOld = fx.protector.token(fixes[0].old, 'phone');
    expect(texts.get('changes.jsonl')).toContain(firstOld);
    expect(texts.get('changes.jsonl')).toContain(fx.protector.token(fixes[0].new, 'phone'));
    expect(texts.get('report.html')).toContain(fx.protector.token(badShapes[0].value, 'phone'));
    expect(texts.get('recipe.json')).toContain(`WHEN '${firstOld}' THEN`);
    // The workspace, and only the workspace, turns a token back into the value.
    expect(fx.protector.resolve(firstOld)).toBe(fixes[0].old);
    expect((await verifyBundle(result.dir)).ok).toBe(true);

    const withPii = await writeBundle(join(ws, 'export-pii'), { ...fx.input, includePii: true });
    const clear = bundleTexts(withPii.dir, withPii.archive);
    expect(leaks(new Map([['report.html', clear.get('report.html')!]]), [badShapes[0].value])).toHaveLength(1);
    expect(JSON.parse(clear.get('statement.json')!).predicate.includePii).toBe(true);
  });
});

// A generated customer table: every kind of personal data, deterministic.
function customers(n: number) {
  let seed = 20250101;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % k;
  };
  const digits = (k: number) => Array.from({ length: k }, () => rnd(10)).join('');
  const first = ['Jane', 'Omar', 'Li', 'Marta', 'Kwame', 'Sofia', 'Arjun', 'Chloe', 'Mateo', 'Yuki'];
  const last = ['Roe', 'Haddad', 'Wei', 'Kowalska', 'Mensah', 'Rossi', 'Patel', "O'Brien", 'Garcia', 'Tanaka'];
  const iban = () => {
    const bban = digits(18);
    const rest = BigInt(`${bban}131400`) % 97n; // "DE00" moved to the end, D=13 E=14
    return `DE${String(98n - rest).padStart(2, '0')}${bban}`;
  };
  const card = () => {
    const body = `4${digits(14)}`;
    const check = [...'0123456789'].find((d) => luhnOk(body + d))!;
    return body + check;
  };
  return Array.from({ length: n }, (_, i) => {
    const f = first[i % 10];
    const l = last[(i * 3) % 10];
    return {
      id: i + 1,
      name: `${f} ${l}`,
      email: `${f}.${l.replace("'", '')}${i}@mail.example.org`.toLowerCase(),
      phone: `+1 (${200 + rnd(700)}) ${digits(3)}-${digits(4)}`,
      ssn: `${100 + rnd(800)}-${10 + rnd(89)}-${1000 + rnd(8999)}`,
      iban: iban(),
      card: card(),
      dob: `19${50 + rnd(50)}-0${1 + rnd(9)}-1${rnd(10)}`,
    };
  });
}

describe('a generated customer table', () => {
  it('keeps names, e-mails, phones, SSNs, IBANs, cards and birth dates out of the bundle', async () => {
    const people = customers(40);
    expect(people.every((p) => ibanChecksumOk(p.iban) && luhnOk(p.card))).toBe(true);
    const kinds: Array<[keyof (typeof people)[number], PiiKind]> = [['name', 'name'], ['email', 'email'], ['phone', 'phone'], ['ssn', 'ssn'], ['iban', 'iban'], ['card', 'card'], ['dob', 'dob']];
    // Dirty versions as they might arrive: upper-case e-mails, bare SSNs, spaced IBANs.
    const dirty = people.map((p) => ({ ...p, email: p.email.toUpperCase(), ssn: p.ssn.replace(/-/g, ''), iban: p.iban.replace(/(.{4})/g, '$1 ').trim(), name: p.name.toUpperCase() }));
    const byValue = new Map<string, PiiKind>();
    for (const rows of [people, dirty]) for (const p of rows) for (const [k, kind] of kinds) byValue.set(String(p[k]), kind);
    const allValues = [...byValue.keys()];

    const ws = tempDir('pii-customers');
    const changes = people.flatMap((p, i) => [
      change(p.id, 'email', dirty[i].email, p.email, 'r-email-lower'),
      change(p.id, 'ssn', dirty[i].ssn, p.ssn, 'r-ssn-dashes'),
      change(p.id, 'iban', dirty[i].iban, p.iban, 'r-iban-compact'),
      change(p.id, 'name', dirty[i].name, p.name, 'r-name-case'),
      // A column the contract does not mark: free text holding personal data, caught by detection.
      change(p.id, 'note', `call ${p.phone} or write to ${p.email}`, `card on file ${p.card}; ${p.name}`, 'r-note-trim'),
    ]);
    const fx = makeFixture(ws, {
      changes,
      columnKinds: new Map(kinds.map(([col, kind]) => [col, kind])),
      piiClear: [...byValue],
      rules: [
        asRecipe({ id: 'r-email-lower', column: 'email', set: { email: 'lower(email)' }, where: `email = '${dirty[0].email}'`, proposer: 'synth:case', confidence: 0.99, coverage: 1, approver: 'analyst', patternType: 'case', reasoning: `e.g. ${dirty[0].email} -> ${people[0].email}` }),
        asRecipe({ id: 'r-name-case', column: 'name', set: { name: "CASE name WHEN 'JANE O''BRIEN' THEN 'Jane O''Brien' ELSE initcap(name) END" }, proposer: 'llm:tiny.gguf', confidence: 0.8, coverage: 0.9, approver: 'analyst', patternType: 'case', reasoning: `${dirty[7].name} is ${people[7].name}` }),
      ],
      clusters: [
        { id: 'c-ssn', column: 'ssn', reason: 'PATTERN_MISMATCH', size: 40, samples: dirty.slice(0, 5).map((p) => ({ value: p.ssn, count: 1 })), rule: 'r-ssn-dashes', status: 'applied' },
        { id: 'c-iban', column: 'iban', reason: 'PATTERN_MISMATCH', size: 40, samples: dirty.slice(0, 3).map((p) => ({ value: p.iban, count: 1 })), status: 'proposed' },
        // Samples of the unmarked column: only detection protects them.
        { id: 'c-note', column: 'note', reason: 'LENGTH_VIOLATION', size: 40, samples: people.slice(0, 3).map((p) => ({ value: `call ${p.phone} or write to ${p.email}`, count: 1 })), status: 'proposed' },
      ],
      failures: [{ column: 'ssn', reason: 'PATTERN_MISMATCH', count: 40 }, { column: 'iban', reason: 'PATTERN_MISMATCH', count: 40 }, { column: 'note', reason: 'LENGTH_VIOLATION', count: 40 }],
    });
    // Dates of birth only ever appear through the pii column: give them a change too.
    const dobChanges = sealChanges(fx.log, 'run-20250101-0001', fx.protector.protectChanges([change(1, 'dob', people[0].dob, people[1].dob, 'r-dob')], new Map([['dob', 'dob']])));
    fx.input.auditEntries = fx.log.entries('run-20250101-0001');
    fx.input.cellChanges = [...fx.input.cellChanges!, ...dobChanges];
    const result = await writeBundle(join(ws, 'export'), fx.input);
    const texts = bundleTexts(result.dir, result.archive);

    // O'Brien also travels SQL-quoted inside the recipe: look for that spelling too.
    const spellings = allValues.flatMap((v) => (v.includes("'") ? [v, v.replace(/'/g, "''")] : [v]));
    expect(leaks(texts, spellings)).toEqual([]);
    expect(texts.get('changes.jsonl')).toContain(fx.protector.token(people[0].phone, 'phone'));
    expect(texts.get('report.html')).toMatch(/call pii:phone:[0-9a-f]{16} or write to pii:email:[0-9a-f]{16}/);
    expect((await verifyBundle(result.archive)).ok).toBe(true);

    // The control: exported with includePii, the same search finds the values.
    const withPii = await writeBundle(join(ws, 'export-pii'), { ...fx.input, includePii: true });
    const found = leaks(bundleTexts(withPii.dir, withPii.archive), [people[0].ssn.replace(/-/g, ''), people[1].email, `call ${people[2].phone}`]);
    expect(found.filter((f) => f.endsWith(' in report.html'))).toHaveLength(3);
  });
});
