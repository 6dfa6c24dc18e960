/** Reads one of the JSON files named on the command line, with errors that name the file and its role. */
import { readFile } from 'node:fs/promises';
import { ConfigError } from './errors.js';

export type FileRole = 'config' | 'catalog' | 'state';

/** The error for a file named on the command line that cannot be read (missing, unreadable, a directory). */
export function unreadableFileError(path: string, role: FileRole, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  const internalMessage = String(error);
  if (code === 'EACCES' || code === 'EPERM') return permissionError(path, role, internalMessage);
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
  return new ConfigError(`The ${role} file ${path} ${why}; pass the right path with --${role}.`, { internalMessage });
}

/**
 * Permission denied is rarely a wrong path: the file is there, but the connector runs as another
 * user than its owner (the image runs as uid 10001) and the file is private (umask 077).
 */
function permissionError(path: string, role: FileRole, internalMessage: string): ConfigError {
  const uid = process.getuid?.();
  const who = uid === undefined ? 'this process' : `this process (uid ${uid})`;
  return new ConfigError(
    `The ${role} file ${path} cannot be read by ${who}: permission denied; let that user read it (chmod 644 ${path}, keeping it in a folder only you can open; the image runs as uid 10001) or run the connector as the file's owner (docker run --user).`,
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
  try {
    // Editors on Windows save a byte-order mark that JSON.parse refuses and the operator cannot see.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`The ${role} file ${path} is not valid JSON; fix its syntax (${syntaxHint((error as Error).message)}).`);
  }
}

/**
 * Newer V8 versions quote a slice of the input in JSON syntax errors, and a config file holds the
 * client secret: keep only the position, never the quoted text.
 */
function syntaxHint(message: string): string {
  const position = /position (\d+)/.exec(message);
  if (position) return `at character ${position[1]}`;
  return message.includes('"') ? 'syntax error' : message;
}
