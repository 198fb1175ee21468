// Emits each subgraph's SDL to schema/<name>.graphql and composes schema/supergraph.graphql.
// With --check it writes nothing and fails when a committed file is stale (CI runs this).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUBGRAPHS } from './services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { composeSupergraph } = require(path.join(root, 'packages/kit/dist/index.js'));
const check = process.argv.includes('--check');

const entries = SUBGRAPHS.map((s) => ({
  name: s.name,
  url: `http://127.0.0.1:${s.port}/graphql`,
  definition: require(path.join(root, s.dir, 'dist/index.js'))[s.module],
}));

const composition = await composeSupergraph(entries);
const yaml = [
  '# rover supergraph compose --config schema/supergraph.yaml',
  'federation_version: =2.14.4',
  'subgraphs:',
  ...composition.subgraphs.flatMap((s) => [`  ${s.name}:`, `    routing_url: ${s.url}`, '    schema:', `      file: ./${s.name}.graphql`]),
  '',
].join('\n');
const files = {
  ...Object.fromEntries(composition.subgraphs.map((s) => [`schema/${s.name}.graphql`, s.sdl.trimEnd() + '\n'])),
  'schema/supergraph.graphql': composition.supergraphSdl.trimEnd() + '\n',
  'schema/supergraph.yaml': yaml,
};

const stale = [];
for (const [file, content] of Object.entries(files)) {
  const target = path.join(root, file);
  const current = existsSync(target) ? readFileSync(target, 'utf8') : null;
  if (current === content) continue;
  if (check) stale.push(file);
  else writeFileSync(target, content);
}
if (check && stale.length) {
  console.error(`Stale schema files (run "npm run compose" and commit them): ${stale.join(', ')}`);
  process.exit(1);
}
console.log(check ? 'schema files are fresh' : `composed ${composition.subgraphs.length} subgraphs into schema/supergraph.graphql`);
