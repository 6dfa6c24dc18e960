#!/usr/bin/env -S node --max-old-space-size=256 --max-semi-space-size=2
/**
 * Entry point: binds the commands to this process (arguments, stdout, exit code, signals, the test
 * settings from the environment). Three doors: the usage text, for a person who asks for it or gives
 * no command; the `state` and `config` helpers, for people running it by hand; and the Airbyte
 * protocol commands, run by main(). Commands are imported lazily so `spec` loads almost nothing.
 *
 * The shebang's V8 flags (also the image's NODE_OPTIONS): a small young generation is collected
 * often, which frees the buffers zlib decompresses pages into soon after they die (V8 otherwise
 * leaves tens of megabytes of them), and costs less CPU than a large one (measured in `npm run
 * bench`). The live heap stays under ~25 MB even with six streams, so the 256 MB cap leaves a wide
 * margin. `npm run build` makes this file executable so that running it directly applies them.
 */
import { writeSync } from 'node:fs';
import { failureMessage, main } from './main.js';
import { logMessage } from './runtime/messages.js';
import { ProtocolWriter } from './runtime/writer.js';
import { resolveSettings, settingsFromEnv } from './salesforce/settings.js';
import { USAGE_TEXT, wantsUsage } from './runtime/usage.js';

/**
 * Whatever escapes the commands (a throw in a timer or event handler, a rejection nobody awaited,
 * memory running out where JavaScript can still catch it) ends the process with one last word, said
 * by `say`, and exit code 1: never with Node's bare stack trace, which the platform cannot read.
 */
function endOnEscapedErrors(say: (caught: unknown) => Promise<unknown>, exit: (code: number) => void = (code) => process.exit(code)): void {
  let ending = false;
  const end = (caught: unknown) => {
    if (ending) return; // a second failure while the first is reported changes nothing
    ending = true;
    void say(caught)
      .catch(() => undefined) // nothing more can be said
      .finally(() => exit(1));
  };
  process.on('uncaughtException', end);
  process.on('unhandledRejection', end);
}

async function runProtocolCommand(argv: readonly string[]): Promise<void> {
  const overrides = settingsFromEnv(process.env);
  const writer = new ProtocolWriter(process.stdout, { stallMs: resolveSettings(overrides).outputStallMs });
  let lostSentence: string | undefined;
  // When stdout is lost (its reader closed it, or took nothing for a long time) nothing more can
  // reach the platform: one sentence goes to stderr, synchronously so that it is out before the
  // exit, and the process ends at once with the code it has (143 while obeying a SIGTERM), else 1.
  const exit = (code: number): void => {
    if (lostSentence) {
      try {
        writeSync(2, `source-salesforce: ${lostSentence}; stopped.\n`);
      } catch {
        // stderr is gone too
      }
      lostSentence = undefined;
    }
    process.exit(code);
  };
  void writer.lost.then((sentence) => {
    lostSentence = sentence;
    exit(typeof process.exitCode === 'number' && process.exitCode !== 0 ? process.exitCode : 1);
  });
  let reportedFailure = false;
  // writer.stop: the TRACE is the last line, even if a command is still running and writing.
  endOnEscapedErrors(async (caught) => {
    // main already ended with its TRACE ERROR: a stray failure after it must not add a second one.
    if (!reportedFailure) await writer.stop(failureMessage(caught));
  }, exit);

  // As a container's first process Node would ignore SIGTERM; stop instead. Every stream that
  // started and did not finish ends INCOMPLETE (the read runner gives the writer those lines), then
  // the Stopped line, and nothing after it. The output already queued goes out first, however slowly
  // a live reader takes it: an exit with output still queued would leave the reader half a line (the
  // pipe holds only what it has room for); a reader that takes nothing at all is given up as the
  // writer's stall rule says. Exit 128 + the signal's number (143, 130), as a process ended by the
  // signal would report, so a supervisor tells "stopped on request" from a failure (1). A second
  // signal exits at once. Everything up to the last STATE written is safe: the next run resumes there.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      const code = signal === 'SIGTERM' ? 143 : 130;
      process.exitCode = code;
      if (stopping) exit(code);
      stopping = true;
      void writer.stop(logMessage('WARN', `Stopped by ${signal}; the next run resumes from the last STATE.`)).then(() => exit(code));
    });
  }

  const code = await main(argv, writer, overrides);
  reportedFailure = code !== 0;
  if (code !== 0) process.exitCode = code;
}

/** The helpers for people (`state`, `config`): sentences on stderr, never a stack. */
async function runHelperCommand(name: 'state' | 'config', argv: readonly string[]): Promise<void> {
  endOnEscapedErrors(async (caught) => {
    const what = caught instanceof Error ? caught.message : String(caught);
    process.stderr.write(`source-salesforce ${name}: failed unexpectedly (${what}); please report it.\n`);
  });
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    process.stderr.write(`source-salesforce ${name}: standard output is gone (${error.code ?? error.message}); stopped.\n`);
    process.exit(1);
  });
  if (name === 'state') {
    const { runStateHelper } = await import('./runtime/state-helper.js');
    process.exitCode = await runStateHelper(argv, process);
  } else {
    const { runConfigHelper } = await import('./runtime/config-helper.js');
    process.exitCode = await runConfigHelper(argv, process);
  }
}

const argv = process.argv.slice(2);
if (wantsUsage(argv)) {
  process.stderr.write(USAGE_TEXT);
  process.exitCode = 2;
} else if (argv[0] === 'state' || argv[0] === 'config') {
  await runHelperCommand(argv[0], argv.slice(1));
} else {
  await runProtocolCommand(argv);
}
