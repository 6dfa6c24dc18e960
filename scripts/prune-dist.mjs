/**
 * Removes compiled files from dist/ whose TypeScript source is gone (renamed or deleted). tsc never
 * deletes what it once emitted, and Jest runs every dist/**\/*.test.js, so a renamed test would
 * otherwise also run under its old name.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

function prune(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== path.join(dist, 'coverage')) prune(full);
      continue;
    }
    const compiled = /^(.*)\.js(?:\.map)?$/.exec(entry.name);
    if (!compiled) continue;
    const source = path.join(root, path.relative(dist, dir), `${compiled[1]}.ts`);
    if (!existsSync(source)) rmSync(full);
  }
}

prune(dist);
