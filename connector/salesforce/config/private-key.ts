/**
 * Turns the pasted `private_key` into a key Node can sign with, or says in one sentence what was
 * pasted instead and what to paste. Keys arrive mangled by forms and secret stores: newlines turned
 * into spaces or into the two characters `\n`, the certificate pasted beside (or instead of) the
 * key. The base64 body between the PEM lines carries the key whatever the whitespace, so it is
 * re-wrapped before parsing rather than refused.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';

export type KeyProblem = (message: string) => never;

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function rewrap(label: string, body: string): string {
  const base64 = body.replace(/\s+/g, '');
  return `-----BEGIN ${label}-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

const encrypted = (field: string) =>
  `The field ${field} holds an encrypted private key; the connector cannot ask for its passphrase, so paste the unencrypted key (openssl pkey -in key.pem -out plain.pem writes one).`;
const notRsa = (field: string, kind: string) =>
  `The field ${field} holds ${kind}; Salesforce signs JWTs with RS256, so generate an RSA key (openssl genrsa 2048) and upload its certificate.`;

/** `fail` throws the config error; `field` is how messages name the field. */
export function parsePrivateKey(raw: string, fail: KeyProblem, field = "'private_key'"): KeyObject {
  const text = raw.replace(/\\r/g, '').replace(/\\n/g, '\n').trim();
  if (!text) fail(`The field ${field} is empty; paste the RSA private key (the whole PEM, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----).`);
  const blocks = [...text.matchAll(BLOCK)].map((m) => ({ label: m[1], body: m[2] }));
  const key = blocks.find((b) => b.label === 'PRIVATE KEY' || b.label === 'RSA PRIVATE KEY');
  if (!key) {
    const labels = new Set(blocks.map((b) => b.label));
    if (labels.has('ENCRYPTED PRIVATE KEY')) {
      fail(encrypted(field));
    }
    if (labels.has('CERTIFICATE')) {
      fail(
        `The field ${field} holds a certificate, not a private key; the certificate is what you upload to the app, and ${field} takes the private key it was made from (-----BEGIN PRIVATE KEY-----).`,
      );
    }
    if (labels.has('OPENSSH PRIVATE KEY')) {
      fail(`The field ${field} holds an OpenSSH key; convert it to PEM (ssh-keygen -p -m PKCS8 -f key) and paste the result.`);
    }
    if (labels.has('PUBLIC KEY') || labels.has('RSA PUBLIC KEY')) {
      fail(`The field ${field} holds a public key; paste the private key (-----BEGIN PRIVATE KEY-----) whose certificate is uploaded to the app.`);
    }
    if (labels.has('EC PRIVATE KEY')) {
      fail(notRsa(field, 'an EC key'));
    }
    fail(`The field ${field} is not a PEM private key; paste the whole key file, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----.`);
  }
  if (/Proc-Type:\s*4,\s*ENCRYPTED/i.test(key.body)) {
    fail(encrypted(field));
  }
  let parsed: KeyObject;
  try {
    parsed = createPrivateKey(rewrap(key.label, key.body));
  } catch {
    fail(`The field ${field} does not parse as a private key (part of it is missing or changed); paste the key file again, whole.`);
  }
  if (parsed.asymmetricKeyType !== 'rsa') {
    fail(notRsa(field, `a key of type ${parsed.asymmetricKeyType ?? 'unknown'}`));
  }
  return parsed;
}
