/** Where spec.json and schemas/ live, whether run from dist/ in the repo or from the image. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// This file compiles to dist/connector/runtime/package-root.js, three levels below the package root.
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function packagePath(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}
