/**
 * The Bulk CSV slicer read against csv-parse and the old typing, on generated pages in pieces (see
 * differential/csv-differential.ts). Loaded natively, as the connector runs (see helpers/native.ts).
 */
import { it } from '@jest/globals';
import { nativeImport } from './helpers/native.js';

const { csvProperties } = nativeImport<typeof import('./differential/csv-differential.js')>(new URL('./differential/csv-differential.js', import.meta.url));

it('reads every generated page as csv-parse and the typing do, and refuses what csv-parse refuses', async () => {
  await csvProperties(400);
});
