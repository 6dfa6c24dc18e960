#!/usr/bin/env -S node --max-old-space-size=256 --max-semi-space-size=8
/**
 * Entry point: parses the command line, runs one command, and turns any failure into exactly one
 * TRACE ERROR and a non-zero exit. Commands are imported lazily so `spec` loads almost nothing.
 *
 * The shebang's V8 flags (also the image's NODE_OPTIONS) keep peak memory near 130 MB: with Node's
 * defaults the heap grows to ~110 MB of dead pages before its first full collection. The live set
 * stays under ~25 MB even with six streams, so the 256 MB cap leaves a wide margin.
 */
import { asConnectorError } from './errors.js';
import { parseArgs, type ParsedArgs } from './protocol/args.js';
import { errorTraceMessage, logMessage } from './protocol/messages.js';
import { ProtocolWriter } from './protocol/writer.js';

const writer = new ProtocolWriter();

async function run(args: ParsedArgs): Promise<void> {
  if (args.command === 'spec') {
    const { runSpec } = await import('./commands/spec.js');
    return runSpec(writer);
  }
  const { loadConfig } = await import('./config/load-config.js');
  if (args.command === 'check') {
    // For check, a config the operator must fix is a FAILED status (exit 0), as the protocol wants.
    const { runCheck, reportProblem } = await import('./commands/check.js');
    const config = await loadConfig(args.config!).catch((error: unknown) => reportProblem(error, writer));
    return config ? runCheck(config, writer) : undefined;
  }
  const config = await loadConfig(args.config!);
  if (args.command === 'discover') {
    const { runDiscover } = await import('./commands/discover.js');
    return runDiscover(config, writer);
  }
  const [{ loadCatalog }, { parseStateInput }, { readJsonFile }, { runRead }] = await Promise.all([
    import('./catalog/configured-catalog.js'),
    import('./state/input-state.js'),
    import('./config/json-file.js'),
    import('./commands/read.js'),
  ]);
  const streams = await loadCatalog(args.catalog!);
  const states = args.state ? parseStateInput(await readJsonFile(args.state, 'state'), args.state) : new Map();
  return runRead({ config, streams, states, statePath: args.state ?? '' }, writer);
}

async function fail(caught: unknown): Promise<void> {
  const error = asConnectorError(caught);
  process.exitCode = 1;
  try {
    await writer.write(
      errorTraceMessage({
        message: error.message,
        failureType: error.failureType,
        internalMessage: error.internalMessage,
        stackTrace: caught instanceof Error ? caught.stack : undefined,
        stream: error.stream,
      }),
    );
  } catch {
    // stdout is gone (the reader closed it); nothing more can be said
  }
}

process.on('unhandledRejection', (reason) => void fail(reason));
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

try {
  await run(parseArgs(process.argv.slice(2)));
} catch (caught) {
  await fail(caught);
}
await writer.flush();
