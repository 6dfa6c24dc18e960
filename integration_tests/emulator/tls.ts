/**
 * A self-signed certificate for the loopback names, written to a temp file so a child process can
 * trust it through NODE_EXTRA_CA_CERTS. Key generation costs a noticeable fraction of a second, so
 * one key pair serves every emulator started in the same process. Its CA file lives in a temporary
 * folder while at least one HTTPS emulator holds it: the last one to release it removes the folder
 * (an emulator that is never closed leaves it to the process's exit).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
  caFile: string;
  /** Gives the CA file back; the last holder's release removes its folder. Calling it again does nothing. */
  release(): void;
}

interface KeyPair {
  key: string;
  cert: string;
}

let pending: Promise<KeyPair> | null = null;
let caFolder: string | null = null;
let holders = 0;
let exitHookInstalled = false;

export async function loopbackCertificate(): Promise<TlsMaterial> {
  pending ??= create().catch((err: unknown) => {
    pending = null;
    throw err;
  });
  const { key, cert } = await pending;
  if (caFolder === null) {
    caFolder = mkdtempSync(join(tmpdir(), 'sf-emulator-'));
    writeFileSync(join(caFolder, 'emulator-ca.pem'), cert);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', removeCaFolder);
    }
  }
  holders++;
  let released = false;
  return {
    key,
    cert,
    caFile: join(caFolder, 'emulator-ca.pem'),
    release: () => {
      if (released) return;
      released = true;
      if (--holders === 0) removeCaFolder();
    },
  };
}

function removeCaFolder(): void {
  if (caFolder !== null) rmSync(caFolder, { recursive: true, force: true });
  caFolder = null;
}

async function create(): Promise<KeyPair> {
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
  return { key: pems.private, cert: pems.cert };
}
