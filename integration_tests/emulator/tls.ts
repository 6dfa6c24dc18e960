/**
 * A self-signed certificate for the loopback names, written to a temp file so a child process can
 * trust it through NODE_EXTRA_CA_CERTS. Key generation costs a noticeable fraction of a second, so
 * one certificate is shared by every emulator started in the same process, and its folder is removed
 * when that process exits (not when one emulator closes: the others may still hand it to children).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
  caFile: string;
}

let pending: Promise<TlsMaterial> | null = null;

export function loopbackCertificate(): Promise<TlsMaterial> {
  pending ??= create().catch((err: unknown) => {
    pending = null;
    throw err;
  });
  return pending;
}

async function create(): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 24 * 3600_000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 365 * 24 * 3600_000),
    extensions: [
      // A CA flag lets OpenSSL accept the certificate as its own trust anchor.
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'sf-emulator-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const caFile = join(dir, 'emulator-ca.pem');
  writeFileSync(caFile, pems.cert);
  return { key: pems.private, cert: pems.cert, caFile };
}
