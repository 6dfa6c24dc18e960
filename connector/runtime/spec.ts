/** `spec`: prints spec.json. Imports nothing heavy so the platform gets its answer at once. */
import { readFile } from 'node:fs/promises';
import { packagePath } from './package-root.js';
import { specMessage } from './messages.js';
import type { ProtocolWriter } from './writer.js';

export async function runSpec(writer: ProtocolWriter): Promise<void> {
  const spec = JSON.parse(await readFile(packagePath('spec.json'), 'utf8'));
  await writer.write(specMessage(spec));
}
