/**
 * Key material for the JWT bearer flow: an RSA private key and the self-signed certificate an admin
 * would upload to the app. Made once per process and cached; `otherKey` is a second key whose
 * signatures that certificate does not verify. An RSA key costs a noticeable fraction of a second to
 * generate: the app's key is the key every suite of the process shares (test-keys.ts), and
 * `otherKey`, which only has to differ from it, is a 1024-bit one, generated in a few milliseconds.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { generate } from 'selfsigned';
import { sharedRsaKey } from '../helpers/test-keys.js';

export interface JwtKeys {
  /** PKCS#8: -----BEGIN PRIVATE KEY----- */
  privateKey: string;
  /** the same key as PKCS#1: -----BEGIN RSA PRIVATE KEY----- */
  privateKeyPkcs1: string;
  certificate: string;
  /** a different RSA key (PKCS#8) */
  otherKey: string;
}

let pending: Promise<JwtKeys> | undefined;

export function jwtKeys(): Promise<JwtKeys> {
  pending ??= (async () => {
    const key = sharedRsaKey();
    const privateKey = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicKey = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    const pems = await generate([{ name: 'commonName', value: 'source-salesforce JWT bearer' }], {
      keyPair: { privateKey, publicKey },
      algorithm: 'sha256',
    });
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    return {
      privateKey,
      privateKeyPkcs1: key.export({ type: 'pkcs1', format: 'pem' }).toString(),
      certificate: pems.cert,
      otherKey: other.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  })();
  return pending;
}
