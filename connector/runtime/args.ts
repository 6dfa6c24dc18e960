/** Parses the Airbyte command line: `spec | check --config F | discover --config F | read --config F --catalog F [--state F]`. */
import { ConfigError } from './errors.js';

export type Command = 'spec' | 'check' | 'discover' | 'read';

export interface ParsedArgs {
  command: Command;
  config?: string;
  catalog?: string;
  state?: string;
}

const COMMANDS: readonly Command[] = ['spec', 'check', 'discover', 'read'];
const REQUIRED: Record<Command, readonly ('config' | 'catalog')[]> = {
  spec: [],
  check: ['config'],
  discover: ['config'],
  read: ['config', 'catalog'],
};
const TAKES: Record<Command, string> = {
  spec: 'no options',
  check: '--config FILE',
  discover: '--config FILE',
  read: '--config FILE --catalog FILE [--state FILE]',
};
const USAGE = 'usage: source-salesforce spec | check --config FILE | discover --config FILE | read --config FILE --catalog FILE [--state FILE]';

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) {
    throw new ConfigError(`Unknown command '${command ?? ''}'; the commands are spec, check, discover and read (--help explains them).`, {
      internalMessage: USAGE,
    });
  }
  const parsed: ParsedArgs = { command: command as Command };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const match = /^--(config|catalog|state)(?:=(.*))?$/.exec(arg);
    if (!match) throw new ConfigError(unknownArgument(parsed, arg), { internalMessage: USAGE });
    const value = match[2] ?? rest[++i];
    if (!value) throw new ConfigError(`The argument --${match[1]} needs a file path.`, { internalMessage: USAGE });
    parsed[match[1] as 'config' | 'catalog' | 'state'] = value;
  }
  for (const name of REQUIRED[parsed.command]) {
    if (!parsed[name]) throw new ConfigError(`The ${command} command needs --${name} FILE.`, { internalMessage: USAGE });
  }
  return parsed;
}

/** A bare path is most often a file whose option was left out: name the option it is likely for. */
function unknownArgument(parsed: ParsedArgs, arg: string): string {
  const { command } = parsed;
  const missing = arg.startsWith('-') ? undefined : REQUIRED[command].find((name) => !parsed[name]);
  const fix = missing ? `, so write --${missing} ${arg}` : '';
  return `Unknown argument '${arg}' for ${command}; ${command} takes ${TAKES[command]}${fix}.`;
}
