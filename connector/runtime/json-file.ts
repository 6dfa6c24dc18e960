/** Reads one of the JSON files named on the command line, with errors that name the file and its role. */
import { readFile } from 'node:fs/promises';
import { ConfigError } from './errors.js';

export type FileRole = 'config' | 'catalog' | 'state';

/** The error for a file named on the command line that cannot be read (missing, unreadable, a directory). */
export function unreadableFileError(path: string, role: FileRole, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
  return new ConfigError(`The ${role} file ${path} ${why}; pass the right path with --${role}.`, { internalMessage: String(error) });
}

export async function readJsonFile(path: string, role: FileRole): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw unreadableFileError(path, role, error);
  }
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
