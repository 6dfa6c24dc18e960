/** Reads one of the JSON files named on the command line, with errors that name the file and its role. */
import { readFile } from 'node:fs/promises';
import { ConfigError } from './errors.js';

export type FileRole = 'config' | 'catalog' | 'state';

/** Why a path could not be read, in words a person acts on: "does not exist", "is a directory". */
export function pathProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  return code ? `cannot be read (${code})` : 'cannot be read';
}

/** The error for a file named on the command line that cannot be read (missing, unreadable, a directory). */
export function unreadableFileError(path: string, role: FileRole, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  const internalMessage = String(error);
  if (code === 'EACCES' || code === 'EPERM') return permissionError(path, role, internalMessage);
  return new ConfigError(`The ${role} file ${path} ${pathProblem(error)}; pass the right path with --${role}.`, { internalMessage });
}

/**
 * Permission denied is rarely a wrong path: the file is there, but the connector runs as another
 * user than its owner (the image runs as uid 10001) and the file is private (umask 077).
 */
function permissionError(path: string, role: FileRole, internalMessage: string): ConfigError {
  const uid = process.getuid?.();
  const who = uid === undefined ? 'this process' : `this process (uid ${uid})`;
  return new ConfigError(
    `The ${role} file ${path} cannot be read by ${who}: permission denied; let that user read it (chmod 644 the file, on the host if a container mounts it, keeping it in a folder only you can open; the image runs as uid 10001) or run the connector as the file's owner (docker run --user).`,
    { internalMessage },
  );
}

export async function readJsonFile(path: string, role: FileRole): Promise<unknown> {
  return parseJsonText(await readTextFile(path, role), path, role);
}

export async function readTextFile(path: string, role: FileRole): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw unreadableFileError(path, role, error);
  }
}

export function parseJsonText(text: string, path: string, role: FileRole): unknown {
  // Editors on Windows save a byte-order mark that JSON.parse refuses and the operator cannot see.
  const json = text.replace(/^\uFEFF/, '');
  // An editor closed without saving leaves the file that `touch` made: say so, not "end of JSON input".
  if (!json.trim()) throw new ConfigError(`The ${role} file ${path} holds nothing; ${EMPTY_FILE_FIX[role]}.`);
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`The ${role} file ${path} is not valid JSON${whereInvalid(json, (error as Error).message)}.`);
  }
}

const EMPTY_FILE_FIX: Record<FileRole, string> = {
  config: 'write the config into it, a JSON object with hostname and credentials',
  catalog: "pass the configured catalog built from discover's output",
  state: 'pass the state printed by an earlier read, or no --state to start over',
};

/** Above this size the text is not parsed again prefix by prefix to find where it breaks. */
const LOCATE_LIMIT = 1024 * 1024;

/**
 * Where the text stops being JSON, as a line and a column an editor shows. Newer V8 versions quote
 * a slice of the input in JSON syntax errors, and a config file holds the client secret: only the
 * position is kept. V8's "Unexpected token" errors carry none, so it is found as the longest prefix
 * that can still begin a JSON text.
 */
function whereInvalid(text: string, message: string): string {
  const given = /position (\d+)/.exec(message);
  const offset = given ? Number(given[1]) : text.length <= LOCATE_LIMIT ? longestOpenPrefix(text) : undefined;
  if (offset === undefined) return '; fix its syntax';
  if (!text.slice(offset).trim()) return ': it ends before the JSON does; close every {, [ and " it opens';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}; fix its syntax there`;
}

function longestOpenPrefix(text: string): number {
  let open = 0;
  let closed = text.length;
  while (open < closed) {
    const middle = Math.ceil((open + closed) / 2);
    if (beginsJson(text.slice(0, middle))) open = middle;
    else closed = middle - 1;
  }
  return open;
}

/** Whether more text could make this JSON: it parses, or fails only where it ends. */
function beginsJson(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    return message.includes('end of JSON input') || (position !== null && Number(position[1]) >= prefix.length);
  }
}
