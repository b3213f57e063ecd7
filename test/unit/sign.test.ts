// The workspace key and DSSE envelopes, checked against the DSSE spec's own encoding.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStatement, keyIdOf, loadOrCreateSigningKey, pae, signDsse, strictBase64, verifyDsse } from '../../main/audit/sign.js';
import { tempDir } from '../helpers/tmp.js';

describe('the workspace signing key', () => {
  it('is created once, private PEM owner-only, public PEM beside it, and reused', () => {
    const keys = join(tempDir('sign'), 'keys');
    const a = loadOrCreateSigningKey(keys);
    expect(a.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(statSync(join(keys, 'signing-ed25519.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(keys, 'signing-ed25519.pub.pem'), 'utf8')).toBe(a.publicKeyPem);
    expect(a.keyId).toMatch(/^[0-9a-f]{64}$/);
    const b = loadOrCreateSigningKey(keys);
    expect(b.publicKeyPem).toBe(a.publicKeyPem);
    expect(b.keyId).toBe(a.keyId);
  });

  it('tightens a private key file that a copy made readable to others', () => {
    const keys = join(tempDir('sign'), 'keys');
    loadOrCreateSigningKey(keys);
    chmodSync(join(keys, 'signing-ed25519.pem'), 0o644);
    loadOrCreateSigningKey(keys);
    expect(statSync(join(keys, 'signing-ed25519.pem')).mode & 0o777).toBe(0o600);
  });

  it('rewrites a public key file that does not match the private key', () => {
    const keys = join(tempDir('sign'), 'keys');
    const a = loadOrCreateSigningKey(keys);
    writeFileSync(join(keys, 'signing-ed25519.pub.pem'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    expect(loadOrCreateSigningKey(keys).publicKeyPem).toBe(a.publicKeyPem);
    expect(readFileSync(join(keys, 'signing-ed25519.pub.pem'), 'utf8')).toBe(a.publicKeyPem);
  });

  it('names a damaged private key file and what to do', () => {
    const keys = join(tempDir('sign'), 'keys');
    loadOrCreateSigningKey(keys);
    writeFileSync(join(keys, 'signing-ed25519.pem'), 'not a key');
    expect(() => loadOrCreateSigningKey(keys)).toThrow(/signing-ed25519\.pem is not a readable private key .*restore it from a backup/);
  });
});

describe('DSSE', () => {
  it('pre-authentication encoding matches the spec', () => {
    // The example in the DSSE protocol document.
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    // Lengths are in bytes, not characters.
    expect(pae('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it('signs and verifies; a changed payload, type or signature, or another key, fails', () => {
    const key = loadOrCreateSigningKey(join(tempDir('sign'), 'keys'));
    const payload = Buffer.from(JSON.stringify(buildStatement([{ name: 'run.json', digest: { sha256: 'ab'.repeat(32) } }], 'urn:test', { x: 1 })));
    const env = signDsse(payload, key);
    expect(env.signatures[0].keyid).toBe(key.keyId);
    const ok = verifyDsse(env, key.publicKeyPem);
    expect(ok.ok && ok.payload.equals(payload)).toBe(true);

    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyDsse(env, other).ok).toBe(false);
    expect(verifyDsse({ ...env, payload: Buffer.from(payload.toString().replace('"x":1', '"x":2')).toString('base64') }, key.publicKeyPem).ok).toBe(false);
    expect(verifyDsse({ ...env, payloadType: 'application/json' }, key.publicKeyPem)).toMatchObject({ ok: false, reason: expect.stringContaining('payloadType') });
    const sig = Buffer.from(env.signatures[0].sig, 'base64');
    sig[10] ^= 1;
    expect(verifyDsse({ ...env, signatures: [{ keyid: key.keyId, sig: sig.toString('base64') }] }, key.publicKeyPem).ok).toBe(false);
    // The keyid is not signed, but a wrong one must not pass as this key's signature.
    expect(verifyDsse({ ...env, signatures: [{ ...env.signatures[0], keyid: 'someone-else' }] }, key.publicKeyPem).ok).toBe(false);
    expect(verifyDsse({ nonsense: true }, key.publicKeyPem)).toMatchObject({ ok: false, reason: expect.stringContaining('not a DSSE envelope') });
  });

  it('reads base64 strictly: a character Node would skip counts as tampering', () => {
    expect(strictBase64('aGVsbG8=')?.toString()).toBe('hello');
    expect(strictBase64('aGVs*bG8=')).toBeNull();
    expect(strictBase64('aGVsbG8<')).toBeNull();
    expect(strictBase64(42)).toBeNull();
  });

  it('key ids are SHA-256 of the DER public key, whatever form the key comes in', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(keyIdOf(pem)).toBe(keyIdOf(createPublicKey(pem)));
    expect(keyIdOf(pem)).toBe(keyIdOf(publicKey));
  });
});
