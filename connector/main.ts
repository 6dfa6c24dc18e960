/**
 * Runs one protocol command with a given writer and settings, and turns any failure into exactly
 * one TRACE ERROR. This is where the two rooms meet: the protocol runtime (runtime/) and the
 * Salesforce source (salesforce/), which never imports the other way. It touches no process globals (no exit, no signal handlers, no environment), so
 * tests drive it in-process; cli.ts binds it to the real process.
 */
import type { AirbyteMessage } from '../generated/protocol.js';
import { describeFailure } from './salesforce/api/describe-failure.js';
import { parseArgs, type ParsedArgs } from './runtime/args.js';
import { catalogMessage, connectionStatusMessage, connectorConfigMessage, errorTraceMessage } from './runtime/messages.js';
import type { CheckResult, Log, PersistConfig } from './runtime/source.js';
import type { ProtocolWriter } from './runtime/writer.js';
import { resolveSettings, type Settings } from './salesforce/settings.js';
import { DEFAULT_OBJECTS } from './salesforce/config/defaults.js';
import type { LoadedState } from './runtime/state-file.js';

async function run(args: ParsedArgs, writer: ProtocolWriter, settings: Settings): Promise<void> {
  if (args.command === 'spec') {
    const { runSpec } = await import('./runtime/spec.js');
    return runSpec(writer);
  }
  const log: Log = (level, message) => writer.log(level, message);
  const persistConfig: PersistConfig = async (config) => {
    await writer.write(connectorConfigMessage(config));
    await writer.flush();
  };
  const { loadConfig: readConfig } = await import('./salesforce/config/load-config.js');
  const loadConfig = async (path: string) => {
    const config = await readConfig(path);
    for (const warning of config.warnings) await log('WARN', warning);
    if (config.migrated) {
      // Once stored, the next run reads the new shape and says nothing more.
      await log(
        'INFO',
        "The config has the flat login fields of earlier versions; the connector reads them, and hands the platform the same config with them inside 'credentials'.",
      );
      await persistConfig(config.migrated);
    }
    return config;
  };
  if (args.command === 'check') {
    // A problem the operator can fix is a FAILED status (exit 0), as the protocol wants; bugs still throw.
    const { checkConnection, checkProblem } = await import('./salesforce/commands/check.js');
    let result: CheckResult;
    try {
      result = await checkConnection(await loadConfig(args.config!), log, writer.redactor, settings, persistConfig);
    } catch (error) {
      result = { ok: false, message: checkProblem(error).message };
    }
    return writer.write(connectionStatusMessage(result.ok ? 'SUCCEEDED' : 'FAILED', result.message));
  }
  const config = await loadConfig(args.config!);
  if (args.command === 'discover') {
    const [{ discoverStreams }, { CountProgress }] = await Promise.all([import('./salesforce/commands/discover.js'), import('./runtime/progress.js')]);
    const progress = CountProgress.forTerminal('objects described');
    return writer.write(
      catalogMessage(await discoverStreams(config, log, writer.redactor, settings, persistConfig, progress && ((done, total) => progress.update(done, total)))),
    );
  }
  const [{ loadCatalog }, { loadStateFile }, { runRead }, { SalesforceRead }, { offeredStreams }] = await Promise.all([
    import('./runtime/configured-catalog.js'),
    import('./runtime/state-file.js'),
    import('./runtime/read-runner.js'),
    import('./salesforce/commands/read.js'),
    import('./salesforce/catalog/org-objects.js'),
  ]);
  const offered = offeredStreams(config.objects);
  const streams = await loadCatalog(args.catalog!, { streams: offered, spelled: DEFAULT_OBJECTS });
  for (const { name, catalogName } of streams) {
    if (catalogName)
      await log(
        'INFO',
        `The catalog's stream '${catalogName}' is Salesforce's ${name} (names match whatever their case): its records, states and statuses are named ${name}.`,
      );
  }
  const loaded: LoadedState = args.state ? await loadStateFile(args.state, offered) : { states: new Map() };
  if (loaded.warning) await writer.log('WARN', loaded.warning);
  const session = new SalesforceRead(config, streams, loaded.states, log, writer.redactor, settings, persistConfig);
  return runRead(writer, session, streams, config.numWorkers);
}

/**
 * The TRACE ERROR a failed command ends with. A config_error carries no stack: the operator's input
 * was wrong, and where the connector noticed says nothing about how to fix it.
 */
export function failureMessage(caught: unknown): AirbyteMessage {
  const error = describeFailure(caught);
  return errorTraceMessage({
    message: error.message,
    failureType: error.failureType,
    internalMessage: error.internalMessage,
    stackTrace: error.failureType !== 'config_error' && caught instanceof Error ? caught.stack : undefined,
    stream: error.stream,
  });
}

/** Writes the one TRACE ERROR a failed command ends with; returns the exit code. */
async function reportFailure(caught: unknown, writer: ProtocolWriter): Promise<number> {
  try {
    await writer.write(failureMessage(caught));
  } catch {
    // the output is gone (the reader closed it); nothing more can be said
  }
  return 1;
}

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[], writer: ProtocolWriter, overrides: Partial<Settings> = {}): Promise<number> {
  let code = 0;
  try {
    await run(parseArgs(argv), writer, resolveSettings(overrides));
  } catch (caught) {
    code = await reportFailure(caught, writer);
  }
  try {
    await writer.flush();
  } catch {
    return code || 1; // the output is lost (cli.ts says so on stderr)
  }
  return code;
}
