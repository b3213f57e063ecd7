// The workspace's Ed25519 signing key, and DSSE envelopes around in-toto statements: the format
// supply-chain tools already verify, so an auditor is not asked to trust a format of ours.
import { createFileOnce } from '../store/atomicFile.js';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_KEY_FILE = 'signing-ed25519.pem';
export const PUBLIC_KEY_FILE = 'signing-ed25519.pub.pem';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';

export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

/** SHA-256 of the key's DER (SubjectPublicKeyInfo): the same key always has the same id. */
export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}

/**
 * The workspace key: created on first use (private PEM mode 0600, public PEM beside it), then
 * reused, so that every bundle of a workspace is signed by the same key.
 */
export function loadOrCreateSigningKey(keysDir: string): SigningKey {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const privatePath = join(keysDir, PRIVATE_KEY_FILE);
  const publicPath = join(keysDir, PUBLIC_KEY_FILE);
  if (!existsSync(privatePath)) {
    const fresh = generateKeyPairSync('ed25519');
    // Atomic create-if-absent: another process that won the race keeps its key, and we read it.
    createFileOnce(privatePath, fresh.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  }
  if (process.platform !== 'win32' && (statSync(privatePath).mode & 0o077) !== 0) chmodSync(privatePath, 0o600);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(privatePath));
  } catch (err) {
    throw new Error(`${privatePath} is not a readable private key (${(err as Error).message}): restore it from a backup, or move it away to start a new key`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${privatePath} holds a ${privateKey.asymmetricKeyType} key; Airlock signs with Ed25519`);
  // The public key is always derived from the private one, so the two files can never disagree.
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let onDisk = '';
  try {
    onDisk = readFileSync(publicPath, 'utf8');
  } catch {
    /* written below */
  }
  if (onDisk !== publicKeyPem) writeFileSync(publicPath, publicKeyPem, { mode: 0o644 });
  return { privateKey, publicKeyPem, keyId: keyIdOf(publicKey) };
}

/** DSSE pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export interface DsseSignature {
  keyid: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: DsseSignature[];
}

export function signDsse(payload: Buffer, key: SigningKey, payloadType = IN_TOTO_PAYLOAD_TYPE): DsseEnvelope {
  const sig = sign(null, pae(payloadType, payload), key.privateKey);
  return { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: key.keyId, sig: sig.toString('base64') }] };
}

/** Node's decoder skips characters that are not base64; a tampered byte must not be skipped. */
export function strictBase64(text: unknown): Buffer | null {
  if (typeof text !== 'string') return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

export type DsseVerdict = { ok: true; payload: Buffer; keyId: string } | { ok: false; reason: string };

/** Checks that some signature of the envelope is the given key's, over PAE(type, payload). */
export function verifyDsse(envelope: unknown, publicKeyPem: string): DsseVerdict {
  const env = envelope as Partial<DsseEnvelope> | null;
  if (!env || typeof env !== 'object' || typeof env.payloadType !== 'string' || !Array.isArray(env.signatures)) {
    return { ok: false, reason: 'not a DSSE envelope (payloadType, payload, signatures)' };
  }
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) return { ok: false, reason: `payloadType is ${JSON.stringify(env.payloadType)}, expected ${IN_TOTO_PAYLOAD_TYPE}` };
  const payload = strictBase64(env.payload);
  if (!payload) return { ok: false, reason: 'payload is not valid base64' };
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(publicKeyPem);
  } catch {
    return { ok: false, reason: 'the public key is not a readable PEM key' };
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') return { ok: false, reason: `the public key is ${publicKey.asymmetricKeyType}, expected ed25519` };
  const keyId = keyIdOf(publicKey);
  const message = pae(env.payloadType, payload);
  for (const s of env.signatures as Array<Partial<DsseSignature>>) {
    const sig = strictBase64(s?.sig);
    // The keyid is a hint, not signed: it must still name this key, or the envelope misleads.
    if (sig && s.keyid === keyId && verify(null, message, publicKey, sig)) return { ok: true, payload, keyId };
  }
  return { ok: false, reason: `no signature by key ${keyId.slice(0, 16)} verifies` };
}

export interface Subject {
  name: string;
  digest: { sha256: string };
}

export interface InTotoStatement<P = Record<string, unknown>> {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: Subject[];
  predicateType: string;
  predicate: P;
}

export function buildStatement<P>(subject: Subject[], predicateType: string, predicate: P): InTotoStatement<P> {
  return { _type: IN_TOTO_STATEMENT_TYPE, subject, predicateType, predicate };
}
