/**
 * A fresh ajv (draft-07) for the tests' own schema checks, with ajv-formats unless `formats` is
 * false. Both are loaded once per process through Node's own loader (see native.ts), not once per
 * test file by Jest.
 */
import type { Ajv, Options } from 'ajv';
import { nativePackage } from './native.js';

const { Ajv: AjvClass } = nativePackage<typeof import('ajv')>('ajv');
// CommonJS: module.exports is the plugin, and its `default` the same function.
const addFormats = nativePackage<typeof import('ajv-formats')>('ajv-formats').default;

export function testAjv(options: Options, formats = true): Ajv {
  const ajv = new AjvClass(options);
  if (formats) addFormats(ajv);
  return ajv;
}
