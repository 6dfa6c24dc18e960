/**
 * The REST page slicer read against JSON.parse and the documented shaping, on generated pages (see
 * differential/rest-differential.ts). Loaded natively, as the connector runs (see helpers/native.ts).
 */
import { it } from '@jest/globals';
import { nativeImport } from './helpers/native.js';

const { restProperties } = nativeImport<typeof import('./differential/rest-differential.js')>(new URL('./differential/rest-differential.js', import.meta.url));

it('reads every generated page as JSON.parse and the shaping do, and refuses what they refuse', async () => {
  await restProperties(400);
});
