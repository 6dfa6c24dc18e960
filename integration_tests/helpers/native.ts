/**
 * Loads a compiled module with Node's own loader instead of Jest's module registry.
 *
 * Jest evaluates what it loads in a VM context, where every read of a global (Math, JSON, Buffer,
 * ...) goes through the context's interceptor: a hot loop that reads one, like the emulator's
 * random generator or csv-parse's per-character scan, ran several times slower there. The
 * end-to-end suites therefore run the connector, the emulator and the protocol validator at native
 * speed, and only the tests themselves in Jest's context.
 *
 * Modules loaded this way are shared by every suite a Jest worker runs, so they must keep no state
 * between runs at module level (the connector and the emulator keep theirs in the objects they
 * create). Jest's --coverage does not see them; `npm run coverage` (c8) does. Needs Node 20.19 or
 * newer, where require() loads ES modules.
 */
import { fileURLToPath } from 'node:url';

const nodeRequire = process.getBuiltinModule('node:module').createRequire(import.meta.url);

/** The module at `url`, for instance `new URL('../../connector/main.js', import.meta.url)`. */
export function nativeImport<Module>(url: URL): Module {
  return nodeRequire(fileURLToPath(url)) as Module;
}

/**
 * A package from node_modules by name, through Node's own require: a CommonJS package of many files
 * (yaml, ajv) costs Jest a noticeable fraction of a second to evaluate again in each test file.
 */
export function nativePackage<Module>(name: string): Module {
  return nodeRequire(name) as Module;
}
