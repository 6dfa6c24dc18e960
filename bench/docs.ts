/**
 * `npm run bench:docs`: renders the last recorded bench run (bench/last-run.json, written by every
 * `npm run bench` that writes the docs) into the README's performance block, docs/performance.md and
 * docs/performance.svg, without measuring anything. For a change to how the results are presented.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRecord, writeDocs } from './report.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
writeDocs(ROOT, readRecord(ROOT), { save: false });
