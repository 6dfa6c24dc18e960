/** Paths the tests need, resolved from the compiled location (dist/integration_tests/helpers/). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI_PATH = path.join(REPO_ROOT, 'dist/connector/cli.js');
