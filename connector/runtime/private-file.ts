/**
 * Replaces a file that holds secrets (a config) so that it is never seen half written and never
 * readable by others: the text goes to a new file beside it, made 0600 before a byte is written,
 * flushed to disk, then renamed over the old one. Rename within one folder is atomic, so a reader (or
 * a crash) sees the old file whole or the new one whole; a failure leaves the old file as it was.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export async function replacePrivateFile(file: string, text: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // 'wx': a new file of our own, never one someone placed there; the mode is set again below since
  // the umask could take bits off at creation (never add any).
  const handle = await open(temporary, 'wx', 0o600);
  try {
    try {
      await handle.chmod(0o600);
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
