/** One configured ajv (draft-07, with formats) for the config, catalog and state files. */
import { Ajv } from 'ajv';
import formatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext the default import is the module object, whose
// callable `default` is the plugin; at run time module.exports is the plugin itself.
type FormatsPlugin = typeof formatsModule.default;
const addFormats: FormatsPlugin = typeof formatsModule === 'function' ? (formatsModule as unknown as FormatsPlugin) : formatsModule.default;

export function createAjv(): Ajv {
  // strict off: the spec carries Airbyte UI keywords (airbyte_secret, order) that ajv does not know.
  const ajv = new Ajv({ strict: false, allErrors: false, useDefaults: true });
  addFormats(ajv);
  return ajv;
}
