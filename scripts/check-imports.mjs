// The house rules, checked from the imports of connector/ (CI runs this with the lint):
// runtime/ imports nothing of salesforce/; salesforce/config/ and salesforce/state/ are the floor of
// the source (what the config and a saved state mean), importing nothing of it beyond their own folder;
// and no module imports itself through a cycle.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'connector');
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(full);
  }
};
walk(root);

const graph = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g)].map((m) => path.resolve(path.dirname(file), `${m[1]}.ts`));
  graph.set(
    file,
    targets.filter((t) => t.startsWith(root)),
  );
}

const problems = [];
const rel = (f) => path.relative(root, f);
for (const [file, targets] of graph) {
  if (!rel(file).startsWith('runtime/')) continue;
  for (const t of targets) if (rel(t).startsWith('salesforce/')) problems.push(`runtime imports the source: ${rel(file)} -> ${rel(t)}`);
}
const FLOORS = ['salesforce/config/', 'salesforce/state/'];
for (const [file, targets] of graph) {
  const floor = FLOORS.find((f) => rel(file).startsWith(f));
  if (!floor) continue;
  for (const t of targets) {
    if (rel(t).startsWith('salesforce/') && !rel(t).startsWith(floor)) problems.push(`${floor} imports above itself: ${rel(file)} -> ${rel(t)}`);
  }
}
const state = new Map();
const stack = [];
const visit = (file) => {
  state.set(file, 'open');
  stack.push(file);
  for (const t of graph.get(file) ?? []) {
    if (state.get(t) === 'open') problems.push(`import cycle: ${[...stack.slice(stack.indexOf(t)), t].map(rel).join(' -> ')}`);
    else if (!state.has(t)) visit(t);
  }
  stack.pop();
  state.set(file, 'done');
};
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`imports: ${graph.size} modules, runtime/ independent of salesforce/, config/ and state/ import nothing above them, no cycles`);
