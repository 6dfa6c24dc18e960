/**
 * An RSA key for tests that need one, any one. Generating a 2048-bit key costs a few hundred
 * milliseconds, and several suites did it as they loaded. Load this module with nativeImport (see
 * native.ts), so that every suite a Jest worker runs shares the one key.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';

let rsa: KeyObject | undefined;

/**
 * An RSA private key, the same one for the whole process. 1024 bits: nothing the tests check depends
 * on the size (the connector reads and signs with any RSA key), and it is made in a few milliseconds
 * where a 2048-bit one took a hundred or more.
 */
export function sharedRsaKey(): KeyObject {
  return (rsa ??= generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);
}
