/**
 * Loads a compiled module with Node's own loader instead of Jest's module registry.
 *
 * Jest evaluates what it loads in a VM context, where every read of a global (Math, JSON, Buffer,
 * ...) goes through the context's interceptor: a hot loop that reads one, like the emulator's
 * random generator or csv-parse's per-character scan, runs tens of times slower there. The
 * end-to-end suites therefore run the connector, the emulator and the protocol validator at native
 * speed, and only the tests themselves in Jest's context.
 *
 * Modules loaded this way are shared by every suite a Jest worker runs, so they must keep no state
 * between runs at module level (the connector and the emulator keep theirs in the objects they
 * create), and Jest's --coverage does not see them (see README's coverage command).
 */
const nodeRequire = process.getBuiltinModule('node:module').createRequire(import.meta.url);

/** `specifier` is relative to this file's compiled location, dist/integration_tests/helpers/. */
export function nativeImport<Module>(specifier: string): Module {
  return nodeRequire(specifier) as Module;
}
