// Jest's module runtime, with V8's code cache for the CommonJS modules a test file loads.
//
// Jest evaluates every CommonJS module (its own expect, jest-snapshot, jest-circus, source-map, ...)
// again in each test file's sandbox, and compiled each one from source every time: about half of
// what a light test file cost. Here the first file a worker runs compiles them; each later file of
// that worker builds them from the bytecode the first one left (V8's cachedData), lazily compiled
// functions included. What runs is the same code; only the compiling is skipped.
//
// jest.config.js names this file as each project's `runtime`; jest-runner require()s it in every
// worker, so the cache below lives as long as the worker.
'use strict';

const { Script } = require('node:vm');
const Runtime = require('jest-runtime').default;

/**
 * Per module file: the wrapped source it was compiled from and V8's bytecode for it, taken when the
 * first test file that compiled it ends. The source is compared in full before the bytecode is used:
 * V8 checks only the source's length.
 */
const compiled = new Map();

class CodeCacheRuntime extends Runtime {
  /** Scripts this test file compiled from source, whose bytecode is taken at its teardown. */
  fresh = [];

  createScriptFromCode(scriptSource, filename) {
    // Jest's stand-ins for Node's core modules keep Jest's own handling.
    if (this._resolver.isCoreModule(filename)) return super.createScriptFromCode(scriptSource, filename);
    const source = this.wrapCodeInModuleWrapper(scriptSource);
    const cached = compiled.get(filename);
    const cachedData = cached?.source === source ? cached.data : undefined;
    const script = new Script(source, {
      filename,
      columnOffset: this._fileTransforms.get(filename)?.wrapperLength,
      displayErrors: true,
      cachedData,
      importModuleDynamically: (specifier) => this.importFromScript(specifier, filename),
    });
    if (!cachedData) this.fresh.push({ filename, source, script });
    return script;
  }

  /**
   * Takes the bytecode once the file has run, so the functions it called are in it too; and lets go
   * of the scripts, which would otherwise keep this file's runtime (their import() hook) alive.
   */
  teardown() {
    for (const { filename, source, script } of this.fresh) compiled.set(filename, { source, data: script.createCachedData() });
    this.fresh = [];
    super.teardown();
  }

  /** An import() inside a CommonJS module, resolved and run in the test file's sandbox. */
  async importFromScript(specifier, filename) {
    const context = this._environment.getVmContext?.();
    if (!context) throw new Error(`${filename} imported ${specifier} after the test environment was torn down.`);
    return this.linkAndEvaluateModule(await this.resolveModule(specifier, filename, context));
  }
}

module.exports = CodeCacheRuntime;
