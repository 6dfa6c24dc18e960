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
 * Per module file: the wrapped source it was compiled from, the first Script (until its bytecode is
 * taken) and then that bytecode. The source is compared in full before the bytecode is used: V8
 * checks only the source's length.
 */
const compiled = new Map();

class CodeCacheRuntime extends Runtime {
  createScriptFromCode(scriptSource, filename) {
    // Jest's stand-ins for Node's core modules keep Jest's own handling.
    if (this._resolver.isCoreModule(filename)) return super.createScriptFromCode(scriptSource, filename);
    const source = this.wrapCodeInModuleWrapper(scriptSource);
    const seen = compiled.get(filename);
    const reuse = seen !== undefined && seen.source === source;
    if (reuse && seen.script) {
      // Taken now, after the first file ran the module: the functions it called are in the bytecode too.
      seen.data = seen.script.createCachedData();
      seen.script = undefined;
    }
    const script = new Script(source, {
      filename,
      columnOffset: this._fileTransforms.get(filename)?.wrapperLength,
      displayErrors: true,
      cachedData: reuse ? seen.data : undefined,
      importModuleDynamically: (specifier) => this.importFromScript(specifier, filename),
    });
    if (!reuse) compiled.set(filename, { source, script });
    return script;
  }

  /** An import() inside a CommonJS module, resolved and run in the test file's sandbox. */
  async importFromScript(specifier, filename) {
    const context = this._environment.getVmContext?.();
    if (!context) throw new Error(`${filename} imported ${specifier} after the test environment was torn down.`);
    return this.linkAndEvaluateModule(await this.resolveModule(specifier, filename, context));
  }
}

module.exports = CodeCacheRuntime;
