// Header names a drift halt records: seeded headerless files (the first record read as a header:
// names, e-mails, numbers) come out as tokens only; a real header with a renamed or added column
// keeps its names readable, and a name that is itself a value (an e-mail) is a token anyway.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PiiProtector, loadOrCreateWorkspaceSecret } from '../../main/audit/pii.js';
import { protectHeaderNames } from '../../main/audit/protectHeader.js';
import { parseContract } from '../../main/contract/load.js';
import { openSqlite } from '../../main/store/sqlite.js';
import { seeded } from '../helpers/seeded.js';
import { tempDir } from '../helpers/tmp.js';

const contract = parseContract(`apiVersion: v3.1.0
kind: DataContract
id: people
name: people
version: 1.0.0
schema:
  - name: people
    properties:
      - {name: id, logicalType: integer}
      - {name: name, logicalType: string}
      - {name: email, logicalType: string}
      - {name: age, logicalType: integer}
`, 'people.odcs.yaml');

describe('protectHeaderNames', () => {
  const ws = tempDir('protect-header');
  const pii = new PiiProtector(openSqlite(join(ws, 'airlock.sqlite')), loadOrCreateWorkspaceSecret(join(ws, 'keys')));

  it('tokens every name of 200 seeded headerless first records', () => {
    const rng = seeded(3);
    for (let i = 0; i < 200; i++) {
      const record = [String(rng.int(1, 1e6)), `${rng.pick(['Alice', 'Wu', 'Ng', 'Bob'])} ${rng.pick(['Smith', 'Li', 'Jones'])}`, `u${rng.int(1, 999)}@example.com`, String(rng.int(0, 120))];
      const { header } = protectHeaderNames(pii, contract, record);
      for (const [j, h] of header.entries()) {
        expect(h).toMatch(/^pii:[a-z]+:[0-9a-f]{16}$/);
        expect(pii.resolve(h)).toBe(record[j]);
      }
    }
  });

  it('keeps a real header readable, but not a name that is a value', () => {
    expect(protectHeaderNames(pii, contract, ['id', 'full_name', 'email', 'age', 'notes']).header).toEqual(['id', 'full_name', 'email', 'age', 'notes']);
    const h = protectHeaderNames(pii, contract, ['id', 'name', 'email', 'age', 'carol@example.com']).header;
    expect(h.slice(0, 4)).toEqual(['id', 'name', 'email', 'age']);
    expect(h[4]).toMatch(/^pii:email:/);
  });
});
