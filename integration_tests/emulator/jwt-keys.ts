/**
 * Key material for the JWT bearer flow: an RSA private key and the self-signed certificate an admin
 * would upload to the app. Generated once per process (an RSA key costs a noticeable fraction of a
 * second) and cached; `otherKey` is a second key whose signatures that certificate does not verify.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { generate } from 'selfsigned';

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
    const pems = await generate([{ name: 'commonName', value: 'source-salesforce JWT bearer' }], { keySize: 2048, algorithm: 'sha256' });
    const key = createPrivateKey(pems.private);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    return {
      privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      privateKeyPkcs1: key.export({ type: 'pkcs1', format: 'pem' }).toString(),
      certificate: pems.cert,
      otherKey: other.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  })();
  return pending;
}
