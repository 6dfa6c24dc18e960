/**
 * The usage text a person gets from `--help`, `-h`, `help` or no arguments at all. It goes to
 * stderr with exit code 2: stdout carries only Airbyte messages (or the state helper's JSON), and a
 * request for help is no command the platform would ever send.
 */

export const USAGE_TEXT = `Usage: source-salesforce COMMAND [OPTIONS]

Airbyte protocol commands (Airbyte messages on stdout, one JSON object per line):
  spec                                                 print the connection specification
  check    --config FILE                               test the config against the org
  discover --config FILE                               print the catalog of the config's objects
  read     --config FILE --catalog FILE [--state FILE] read the catalog's streams

  --state FILE takes the JSON array the state helper prints, a single STATE message,
  or the output of an earlier read as it is (the last STATE of each stream counts).

Helpers for people, outside the protocol:
  state [--from FILE]   print the state for the next read: the last STATE of each stream in
                        a read's output (FILE, or standard input), as the JSON array --state takes
  config --config FILE  save the config of the newest CONTROL message in a command's output
                        (standard input) as FILE, replaced whole, readable by you only; without
                        one, FILE is left as it is (a rotated refresh token arrives this way)

Example:
  source-salesforce read --config config.json --catalog configured_catalog.json > read-1.jsonl
  source-salesforce config --config config.json < read-1.jsonl
  source-salesforce state < read-1.jsonl > state.json
  source-salesforce read --config config.json --catalog configured_catalog.json --state state.json

The user guide is docs/salesforce.md in the connector's repository.
`;

/** Whether the command line asks for the usage text rather than a command. */
export function wantsUsage(argv: readonly string[]): boolean {
  return argv.length === 0 || argv[0] === 'help' || argv.includes('--help') || argv.includes('-h');
}
