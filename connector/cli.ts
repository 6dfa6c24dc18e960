#!/usr/bin/env -S node --max-old-space-size=256 --max-semi-space-size=8
/**
 * Entry point: binds main() to this process (stdout, exit code, signals, the test settings from the
 * environment). Commands are imported lazily by main() so `spec` loads almost nothing.
 *
 * The shebang's V8 flags (also the image's NODE_OPTIONS) keep peak memory near 130 MB: with Node's
 * defaults the heap grows to ~110 MB of dead pages before its first full collection. The live set
 * stays under ~25 MB even with six streams, so the 256 MB cap leaves a wide margin.
 */
import { main, reportFailure } from './main.js';
import { logMessage } from './protocol/messages.js';
import { ProtocolWriter } from './protocol/writer.js';
import { settingsFromEnv } from './settings.js';

const writer = new ProtocolWriter();

process.on('unhandledRejection', (reason) => {
  void reportFailure(reason, writer).then((code) => (process.exitCode = code));
});
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // The platform closed our stdout: stop quietly instead of crashing with EPIPE.
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 1);
});

// As a container's first process Node would ignore SIGTERM; stop instead. Output already queued for
// a slow reader goes out first (exiting at once cut its last line in half), nothing more is written,
// and the exit comes within STOP_GRACE_MS even if nobody reads. Everything up to the last STATE
// written is safe, so a cancelled sync resumes from there.
const STOP_GRACE_MS = 2000;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    const code = signal === 'SIGTERM' ? 143 : 130;
    process.exitCode = code;
    setTimeout(() => process.exit(code), STOP_GRACE_MS);
    void writer.stop(logMessage('WARN', `Stopped by ${signal}; the next run resumes from the last STATE.`)).then(() => process.exit(code));
  });
}

const code = await main(process.argv.slice(2), writer, settingsFromEnv(process.env));
if (code !== 0) process.exitCode = code;
