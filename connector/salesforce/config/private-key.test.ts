import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { nativeImport } from '../../../integration_tests/helpers/native.js';
import { parsePrivateKey } from './private-key.js';

const { sharedRsaKey } = nativeImport<typeof import('../../../integration_tests/helpers/test-keys.js')>(
  new URL('../../../integration_tests/helpers/test-keys.js', import.meta.url),
);
const rsa = sharedRsaKey();
const pkcs8 = rsa.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1 = rsa.export({ type: 'pkcs1', format: 'pem' }).toString();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const fail = (message: string): never => {
  throw new Error(message);
};

describe('parsePrivateKey', () => {
  it.each([
    ['PKCS#8', pkcs8],
    ['PKCS#1', pkcs1],
    ['newlines turned into spaces', pkcs8.replace(/\n/g, ' ')],
    ['newlines escaped as \\n', pkcs8.replace(/\n/g, '\\n')],
    ['CRLF line ends', pkcs8.replace(/\n/g, '\r\n')],
    ['the certificate pasted after the key', `${pkcs8}-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n`],
  ])('reads %s', (_what, text) => {
    expect(parsePrivateKey(text, fail).export({ type: 'pkcs1', format: 'pem' })).toEqual(pkcs1);
  });

  it.each([
    ['', /is empty/],
    ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', /holds a certificate, not a private key/],
    ['-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----', /encrypted/],
    [pkcs1.replace('-----BEGIN RSA PRIVATE KEY-----\n', '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n'), /encrypted/],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----', /OpenSSH/],
    [createPublicPem(), /public key/],
    [ec.export({ type: 'sec1', format: 'pem' }).toString(), /EC key.*RS256/],
    [ec.export({ type: 'pkcs8', format: 'pem' }).toString(), /key of type ec.*RS256/],
    [broken(), /does not parse/],
    ['key.pem', /not a PEM private key/],
  ])('refuses %j with a sentence naming the field', (text, message) => {
    expect(() => parsePrivateKey(text, fail)).toThrow(message);
    expect(() => parsePrivateKey(text, fail)).toThrow(/'private_key'/);
  });

  it('never quotes the key in a message', () => {
    expect(() => parsePrivateKey(broken(), fail)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(pkcs8.slice(40, 80)) }));
  });
});

/** The key with part of its body cut out, as a truncated paste leaves it. */
function broken(): string {
  return pkcs8.slice(0, 200) + pkcs8.slice(400);
}

function createPublicPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
