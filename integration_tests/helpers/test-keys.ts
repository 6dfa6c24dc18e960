/**
 * An RSA key for tests that need one, any one. Generating a 2048-bit key costs a few hundred
 * milliseconds, and several suites did it as they loaded. Load this module with nativeImport (see
 * native.ts), so that every suite a Jest worker runs shares the one key.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';

let rsa: KeyObject | undefined;

/** A 2048-bit RSA private key, the same one for the whole process. */
export function sharedRsaKey(): KeyObject {
  return (rsa ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
}
