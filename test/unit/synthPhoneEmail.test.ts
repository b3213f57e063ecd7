import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockedDuckDB } from '../../main/store/duckdb.js';
import { phone } from '../../main/remediate/synth/phone.js';
import { email } from '../../main/remediate/synth/email.js';
import { apply, column, ctx, disallowedFunctions, openDb, synthInput, run, ruleText } from './synthHarness.js';

let db: LockedDuckDB;
beforeAll(async () => { db = await openDb(); });
afterAll(() => db.close());

describe('phone strategy', () => {
  const cases = [
    {
      name: 'hospital pattern \\d{10}: punctuation and +1 stripped',
      col: column({ name: 'phone', pattern: '\\d{10}', pii: 'phone' }), valid: [] as string[],
      values: ['(205) 325-8100', '205.325.8100', '+1 205-325-8100', '1-205-325-8100', ' 205 325 8100 '],
      expected: ['2053258100', '2053258100', '2053258100', '2053258100', '2053258100'],
    },
    {
      name: 'pattern wants (###) ###-####',
      col: column({ name: 'tel', pattern: '\\(\\d{3}\\) \\d{3}-\\d{4}' }), valid: [],
      values: ['2053258100', '205-325-8100', '+12053258100'],
      expected: ['(205) 325-8100', '(205) 325-8100', '(205) 325-8100'],
    },
    {
      name: 'no pattern: the layout of the valid sample',
      col: column({ name: 'mobile_phone' }), valid: ['205-325-8100', '334-793-8701', '256-593-8310', '251-471-7110'],
      values: ['(205) 325 8100', '2059325966'],
      expected: ['205-325-8100', '205-932-5966'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await run(db, phone, synthInput(c.col, c.values), ctx(c.valid));
      expect(r).not.toBeNull();
      expect(r!.patternType).toBe('phone');
      expect(disallowedFunctions(ruleText(r!))).toEqual([]);
      expect(await apply(db, c.col.name, r!, c.values)).toEqual(c.expected);
    });
  }

  it('leaves typos, extensions and foreign numbers unchanged in SQL', async () => {
    const col = column({ name: 'phone', pattern: '\\d{10}' });
    const r = await run(db, phone, synthInput(col, ['(205) 325-8100', '205-325-8101']), ctx());
    const odd = ['25x47x7xx0', '205-325-8100 ext 4', '+44 20 7946 0958', '+4420794609', '12345', null];
    expect(await apply(db, 'phone', r!, odd)).toEqual(odd);
  });

  const negatives = [
    { name: 'hospital x-typos', col: column({ name: 'phone', pattern: '\\d{10}' }), values: ['25x47x7xx0', '3342938xxx'], valid: [] },
    { name: 'a foreign country code', col: column({ name: 'phone', pattern: '\\d{10}' }), values: ['+44 20 7946 0958'], valid: [] },
    { name: 'not a phone column', col: column({ name: 'zip', pattern: '\\d{10}' }), values: ['(205) 325-8100'], valid: [] },
    { name: 'no pattern and no valid layout', col: column({ name: 'phone' }), values: ['(205) 325-8100'], valid: [] },
  ];
  for (const n of negatives) {
    it(`declines: ${n.name}`, async () => {
      expect(await run(db, phone, synthInput(n.col, n.values), ctx(n.valid))).toBeNull();
    });
  }
});

describe('email strategy', () => {
  const lowerValid = ['ann@example.com', 'bob@example.org', 'cy@x.io', 'dee@mail.example.com', 'eve@example.net'];
  const cases = [
    {
      name: 'disguised and decorated addresses',
      col: column({ name: 'email', pii: 'email' }), valid: [] as string[],
      values: ['john at example dot com', 'john[at]example[dot]com', 'mailto:john@example.com', 'John Doe <john@example.com>', 'john (at) example (dot) co (dot) uk', 'Jane@Example.COM'],
      expected: ['john@example.com', 'john@example.com', 'john@example.com', 'john@example.com', 'john@example.co.uk', 'Jane@example.com'],
    },
    {
      name: 'lower-case when the valid addresses are',
      col: column({ name: 'contact_email' }), valid: lowerValid,
      values: ['John.Doe@Example.COM', 'ANN AT EXAMPLE DOT COM'],
      expected: ['john.doe@example.com', 'ann@example.com'],
    },
    {
      name: 'lower-case when the pattern refuses capitals',
      col: column({ name: 'mail', pattern: '[a-z0-9._-]+@[a-z0-9.-]+\\.[a-z]+' }), valid: [],
      values: ['John@Example.com', ' mary @ example.com '],
      expected: ['john@example.com', 'mary@example.com'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await run(db, email, synthInput(c.col, c.values), ctx(c.valid));
      expect(r).not.toBeNull();
      expect(r!.patternType).toBe('email');
      expect(disallowedFunctions(ruleText(r!))).toEqual([]);
      expect(await apply(db, c.col.name, r!, c.values)).toEqual(c.expected);
    });
  }

  it('leaves text that is not an address unchanged in SQL', async () => {
    const col = column({ name: 'email' });
    const r = await run(db, email, synthInput(col, ['john at example dot com']), ctx());
    const odd = ['meet at noon', 'a@b@c.com', 'no address', null];
    expect(await apply(db, 'email', r!, odd)).toEqual(odd);
  });

  const negatives = [
    { name: 'free text that only contains "at"', col: column({ name: 'email' }), values: ['see you at home', 'call me'] },
    { name: 'not an e-mail column', col: column({ name: 'note' }), values: ['john at example dot com'] },
    { name: 'the result still fails the pattern', col: column({ name: 'email', pattern: '[a-z]+@corp\\.com' }), values: ['john at example dot com'] },
  ];
  for (const n of negatives) {
    it(`declines: ${n.name}`, async () => {
      expect(await run(db, email, synthInput(n.col, n.values), ctx())).toBeNull();
    });
  }
});
