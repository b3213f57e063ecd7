// Detection, keyed tokens, the token table and scrubbing of personal data.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createScrubber, detectPiiKind, findPiiSpans, ibanChecksumOk, loadOrCreateWorkspaceSecret, luhnOk, PiiProtector, piiToken,
} from '../../main/audit/pii.js';
import { openSqlite } from '../../main/store/sqlite.js';
import { tempDir } from '../helpers/tmp.js';
import { change } from './bundleFixture.js';

const SECRET = Buffer.alloc(32, 7);

function protector() {
  const db = openSqlite(join(tempDir('pii'), 'airlock.sqlite'));
  return { db, p: new PiiProtector(db, SECRET) };
}

describe('detectPiiKind', () => {
  it.each([
    ['jane.doe+work@example.co.uk', 'email'],
    ['123-45-6789', 'ssn'],
    ['DE89 3704 0044 0532 0130 00', 'iban'],
    ['GB82WEST12345698765432', 'iban'],
    ['4111 1111 1111 1111', 'card'],
    ['5500-0000-0000-0004', 'card'],
    ['4012888888881881', 'card'],
    ['+1 (205) 325-8100', 'phone'],
    ['205-325-8100', 'phone'],
    ['+44 20 7946 0958', 'phone'],
    ['+442079460958', 'phone'],
  ])('%s is %s', (value, kind) => {
    expect(detectPiiKind(value)).toBe(kind);
  });

  it.each([
    ['DE89 3704 0044 0532 0130 01', 'an IBAN whose checksum fails'],
    ['4111 1111 1111 1112', 'a card number failing Luhn'],
    ['2053258100', 'a bare digit run (could be any id)'],
    ['205-325', 'too few digits for a phone'],
    ['2024-01-15', 'a date'],
    ['1234567890123456789012', 'too many digits for a card'],
    ['jane.doe@', 'half an e-mail'],
    ['surgical infection prevention', 'ordinary text'],
    ['35233', 'a zip code'],
  ])('%s is not personal (%s)', (value) => {
    expect(detectPiiKind(value)).toBeNull();
  });

  it('checks the IBAN and Luhn arithmetic', () => {
    expect(ibanChecksumOk('FR1420041010050500013M02606')).toBe(true);
    expect(ibanChecksumOk('FR1420041010050500013M02607')).toBe(false);
    expect(luhnOk('79927398713')).toBe(true);
    expect(luhnOk('79927398710')).toBe(false);
  });
});

describe('findPiiSpans', () => {
  it('finds personal values inside free text and SQL, and not in hashes or dates', () => {
    const text = "CASE WHEN contact = 'jane@example.org' THEN '+1 (205) 325-8100' END -- ssn 123-45-6789, card 4111111111111111 12, iban GB82WEST12345698765432 at 2024-01-15 10:00:00";
    const found = findPiiSpans(text).map((s) => [s.kind, text.slice(s.start, s.end)]);
    expect(found).toEqual([
      ['email', 'jane@example.org'],
      ['phone', '+1 (205) 325-8100'],
      ['ssn', '123-45-6789'],
      ['card', '4111111111111111'],
      ['iban', 'GB82WEST12345698765432'],
    ]);
    expect(findPiiSpans(`sha ${'4111111111111111'}abcdef0123 and 41111111111111119999`)).toEqual([]);
    // A number just before a card must not hide it.
    const t2 = 'ref 1234 4111 1111 1111 1111 paid';
    expect(findPiiSpans(t2).map((s) => t2.slice(s.start, s.end))).toEqual(['4111 1111 1111 1111']);
  });
});

describe('tokens', () => {
  it('are keyed: same value and secret give the same token, another secret another', () => {
    const t = piiToken(SECRET, '2053258100', 'phone');
    expect(t).toMatch(/^pii:phone:[0-9a-f]{16}$/);
    expect(piiToken(SECRET, '2053258100', 'phone')).toBe(t);
    expect(piiToken(Buffer.alloc(32, 8), '2053258100', 'phone')).not.toBe(t);
    expect(piiToken(SECRET, '2053258101', 'phone')).not.toBe(t);
    // The kind is a label: the keyed part follows the value wherever it is found.
    expect(piiToken(SECRET, '2053258100', 'other').slice(-16)).toBe(t.slice(-16));
  });

  it('resolve back to the value through the workspace table, and only there', () => {
    const { db, p } = protector();
    const t = p.token('jane@example.org', 'email');
    expect(p.resolve(t)).toBe('jane@example.org');
    expect(p.resolve('pii:email:0000000000000000')).toBeNull();
    // A second protector on the same database (a later session) still resolves it.
    expect(new PiiProtector(db, SECRET).resolve(t)).toBe('jane@example.org');
    expect(db.prepare('SELECT count(*) AS n FROM pii_tokens').get()).toEqual({ n: 1 });
  });

  it('tokenMany gives the same tokens as token, all recorded', () => {
    const { db, p } = protector();
    const many = p.tokenMany(['2053258100', '2059216200', '2053258100'], 'phone');
    expect([...many]).toEqual([['2053258100', p.token('2053258100', 'phone')], ['2059216200', p.token('2059216200', 'phone')]]);
    expect(db.prepare('SELECT count(*) AS n FROM pii_tokens').get()).toEqual({ n: 2 });
  });

  it('refuse a secret too short to key anything', () => {
    const db = openSqlite(join(tempDir('pii'), 'airlock.sqlite'));
    expect(() => new PiiProtector(db, Buffer.alloc(4))).toThrow(/at least 16 bytes/);
  });
});

describe('protectChange', () => {
  it('tokenises old and new of a pii column, and the values quoted in its rule', () => {
    const { p } = protector();
    const c = { ...change(3, 'phone', '205-325-8100', '2053258100'), rule: "regexp_replace(phone, '-', '', 'g') -- was '205-325-8100'" };
    const out = p.protectChange(c, 'phone');
    expect(out.old).toBe(p.token('205-325-8100', 'phone'));
    expect(out.new).toBe(p.token('2053258100', 'phone'));
    expect(out.rule).toBe(`regexp_replace(phone, '-', '', 'g') -- was '${out.old}'`);
    expect(JSON.stringify(out)).not.toMatch(/205-?325-?8100/);
    expect(p.resolve(out.old!)).toBe('205-325-8100');
  });

  it('tokenises a value, or the part of it, detected as personal in a column the contract does not mark', () => {
    const { p } = protector();
    const out = p.protectChange(change(4, 'notes', 'call +44 20 7946 0958', 'jane@example.org'));
    expect(out.old).toBe(`call ${p.token('+44 20 7946 0958', 'phone')}`);
    expect(out.new).toBe(p.token('jane@example.org', 'email'));
  });

  it('catches a value already tokenised when it turns up inside free text', () => {
    const { p } = protector();
    const name = p.protectChange(change(1, 'name', 'Jane Roe', 'Jane  Roe'), 'name');
    const note = p.protectChange(change(1, 'notes', 'Jane Roe asked to be called back', 'Jane Roe: call back'));
    expect(note.old).toBe(`${name.old} asked to be called back`);
    expect(note.new).toBe(`${name.old}: call back`);
  });

  it('leaves ordinary values, nulls and blanks as they are', () => {
    const { p } = protector();
    const c = change(5, 'zip', '3523', '03523');
    expect(p.protectChange(c)).toBe(c);
    expect(p.protectChange(change(6, 'phone', null, ''), 'phone')).toMatchObject({ old: null, new: '' });
  });

  it('protects a batch in one transaction, by each change\'s column', () => {
    const { db, p } = protector();
    const out = p.protectChanges([change(1, 'zip', '3523', '03523'), change(2, 'dob', '1984-03-12', '1984-03-12T00:00')], new Map([['dob', 'dob']]));
    expect(out[0].old).toBe('3523');
    expect(out[1].old).toMatch(/^pii:dob:/);
    expect(db.prepare('SELECT kind, value FROM pii_tokens ORDER BY value').all()).toEqual([
      { kind: 'dob', value: '1984-03-12' }, { kind: 'dob', value: '1984-03-12T00:00' },
    ]);
  });

  it('protectPayload tokenises known and detected values in any other entry', () => {
    const { p } = protector();
    const values = new Map([['Jane Roe', p.token('Jane Roe', 'name')]]);
    const out = p.protectPayload({ samples: [{ value: 'Jane Roe', count: 2 }], sql: "name = 'Jane Roe' OR email = 'jr@example.org'" }, values);
    expect(JSON.stringify(out)).not.toMatch(/Jane Roe|jr@example\.org/);
    expect(p.resolve(p.token('jr@example.org', 'email'))).toBe('jr@example.org');
  });
});

describe('scrubbing text', () => {
  const values = new Map([
    ['123', 'pii:other:aaaaaaaaaaaaaaaa'],
    ['2053258100', 'pii:phone:bbbbbbbbbbbbbbbb'],
    ["O'Brien", 'pii:name:cccccccccccccccc'],
    ['Ann', 'pii:name:dddddddddddddddd'],
    ['Ann Lee', 'pii:name:eeeeeeeeeeeeeeee'],
  ]);
  const scrub = createScrubber(values);

  it('replaces whole values only, never inside a longer number or word', () => {
    expect(scrub('51234 and 123 and 1234 and x123 and (123)')).toBe('51234 and pii:other:aaaaaaaaaaaaaaaa and 1234 and x123 and (pii:other:aaaaaaaaaaaaaaaa)');
    expect(scrub('Annabel, Ann, Ann Lee')).toBe('Annabel, pii:name:dddddddddddddddd, pii:name:eeeeeeeeeeeeeeee');
  });

  it('finds values inside quoted SQL strings, including doubled quotes', () => {
    expect(scrub("CASE WHEN phone = '2053258100' THEN 1 END")).toBe("CASE WHEN phone = 'pii:phone:bbbbbbbbbbbbbbbb' THEN 1 END");
    expect(scrub("name = 'O''Brien' OR name = \"O'Brien\"")).toBe("name = 'pii:name:cccccccccccccccc' OR name = \"pii:name:cccccccccccccccc\"");
  });

  it('leaves tokens alone, so scrubbing twice changes nothing', () => {
    const once = scrub('Ann Lee called 2053258100');
    expect(scrub(once)).toBe(once);
    const tricky = createScrubber(new Map([['bbb', 'pii:name:ffffffffffffffff'], ['phone', 'pii:name:0000000000000000']]));
    expect(tricky('pii:phone:bbbbbbbbbbbbbbbb')).toBe('pii:phone:bbbbbbbbbbbbbbbb');
  });

  it('PiiProtector.scrubText uses the same rules', () => {
    const { p } = protector();
    expect(p.scrubText('x 2053258100 y', values)).toBe('x pii:phone:bbbbbbbbbbbbbbbb y');
  });
});

describe('the workspace secret', () => {
  it('is created once, owner-only, and reused', () => {
    const keys = join(tempDir('pii'), 'keys');
    const a = loadOrCreateWorkspaceSecret(keys);
    expect(a).toHaveLength(32);
    expect(statSync(join(keys, 'pii-secret.key')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateWorkspaceSecret(keys).equals(a)).toBe(true);
  });
});
