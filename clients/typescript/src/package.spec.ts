import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const packageDir = path.resolve(__dirname, '..');
const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  typesVersions: Record<string, Record<string, string[]>>;
  main: string;
  types: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** What `npm pack` would put in the tarball (its prepack script builds dist first); no registry is asked. */
function packedFiles(): string[] {
  const packed = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: packageDir, encoding: 'utf8', timeout: 120_000 });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { name: string; files: { path: string }[] }[];
  expect(report[0].name).toBe('@wavegraph/client');
  return report[0].files.map((file) => file.path).sort();
}

/** Bare module names a shipped file imports or requires. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(packageDir, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|require\(|import\()['"]([^'"]+)['"]/g)].map((match) => match[1]);
  return specifiers
    .filter((specifier) => !specifier.startsWith('.'))
    .map((specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]));
}

describe('the @wavegraph/client tarball', () => {
  let files: string[];
  beforeAll(() => {
    files = packedFiles();
  }, 120_000);

  it('holds the built JavaScript and declarations of every entry point, the README and package.json', () => {
    for (const entry of ['index', 'sdk', 'documents', 'documents/graphql', 'documents/fragment-masking', 'ws']) {
      expect(files).toContain(`dist/${entry}.js`);
      expect(files).toContain(`dist/${entry}.d.ts`);
    }
    expect(files).toContain('README.md');
    expect(files).toContain('package.json');
  });

  it('holds nothing else: no sources, no tsconfig extending the monorepo, no codegen plugins, maps or build info', () => {
    const unexpected = files.filter((file) => !/^dist\/.+\.(js|d\.ts)$/.test(file) && file !== 'README.md' && file !== 'package.json');
    expect(unexpected).toEqual([]);
    expect(files.some((file) => /tsconfig|\.spec\.|\.map$|tsbuildinfo|^src\//.test(file))).toBe(false);
  });

  it('points every export, typesVersions entry, main and types at a file in the tarball', () => {
    const targets = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target))),
      ...Object.values(manifest.typesVersions['*']).flat(),
    ].map((target) => target.replace(/^\.\//, ''));
    expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining(['.', './documents', './ws']));
    expect(Object.keys(manifest.typesVersions['*']).sort()).toEqual(['documents', 'ws']);
    for (const target of targets) expect(files).toContain(target);
  });

  it('imports only its declared dependencies and peers, and Node built-ins', () => {
    const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies), ...builtinModules]);
    const imported = new Set(files.filter((file) => /\.(js|d\.ts)$/.test(file)).flatMap(importsOf));
    expect([...imported].filter((name) => !declared.has(name.replace(/^node:/, '')))).toEqual([]);
    // the typed documents and the ws module really are imported from their packages
    expect([...imported]).toEqual(expect.arrayContaining(['graphql', 'graphql-ws', 'graphql-request', '@graphql-typed-document-node/core']));
  });
});

// An app that installed the tarball: its files in node_modules/@wavegraph/client, the dependencies
// beside them (linked from this workspace: no registry), compiled under both TypeScript resolutions.
const CONSUMER = `
import { createWavegraphClient, type WavegraphClient } from '@wavegraph/client';
import { CommentAddedDocument, ShowDocument, ShowFieldsFragmentDoc, useFragment, type ShowQuery } from '@wavegraph/client/documents';
import { createWavegraphWsClient, subscribe } from '@wavegraph/client/ws';

export const sdk: WavegraphClient = createWavegraphClient('http://localhost:4000/graphql');
export function title(data: ShowQuery): string | undefined {
  return data.show ? useFragment(ShowFieldsFragmentDoc, data.show).title : undefined;
}
export function comments(episodeId: string) {
  const ws = createWavegraphWsClient('http://localhost:4000/graphql', { accessToken: 'token' });
  // @ts-expect-error: typed, not any: a missing required variable
  subscribe(ws, CommentAddedDocument);
  return subscribe(ws, CommentAddedDocument, { episodeId });
}
console.log(JSON.stringify({ kind: ShowDocument.kind, sdk: typeof sdk.Show, subscribe: typeof comments }));
`;

describe('the tarball installed in an app', () => {
  let app: string;
  const tsc = path.resolve(packageDir, '../../node_modules/typescript/bin/tsc');
  beforeAll(() => {
    app = mkdtempSync(path.join(tmpdir(), 'wavegraph-client-app-'));
    const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', app], { cwd: packageDir, encoding: 'utf8', timeout: 120_000 });
    if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
    const tarball = readdirSync(app).find((file) => file.endsWith('.tgz'));
    const installed = path.join(app, 'node_modules/@wavegraph/client');
    mkdirSync(installed, { recursive: true });
    const untar = spawnSync('tar', ['xzf', path.join(app, tarball ?? 'missing.tgz'), '-C', installed, '--strip-components=1']);
    if (untar.status !== 0) throw new Error(`cannot unpack ${tarball}: ${untar.stderr}`);
    for (const dependency of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]) {
      const link = path.join(app, 'node_modules', dependency);
      mkdirSync(path.dirname(link), { recursive: true });
      symlinkSync(realpathSync(path.join(packageDir, 'node_modules', dependency)), link);
    }
    writeFileSync(path.join(app, 'app.ts'), CONSUMER);
  }, 120_000);
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  const compile = (...options: string[]) =>
    spawnSync(process.execPath, [tsc, '--strict', '--noEmit', '--types', 'node', '--typeRoots', path.resolve(packageDir, '../../node_modules/@types'), '--target', 'es2022', ...options, 'app.ts'], { cwd: app, encoding: 'utf8', timeout: 120_000 });

  it.each([
    ['node10 (typesVersions)', ['--module', 'commonjs', '--moduleResolution', 'node10']],
    // node20/nodenext: Node 20.19+ require()s ES modules such as graphql-request 7, which the SDK uses
    ['nodenext (exports)', ['--module', 'nodenext', '--moduleResolution', 'nodenext']],
    ['bundler (exports, as in Vite and Next)', ['--module', 'esnext', '--moduleResolution', 'bundler']],
  ])('type-checks against its declarations with %s resolution', (_name, options) => {
    const compiled = compile(...options);
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
  }, 120_000);

  it('runs: each entry point loads from the installed files', () => {
    const compiled = spawnSync(process.execPath, [tsc, '--module', 'commonjs', '--moduleResolution', 'node10', '--target', 'es2022', '--skipLibCheck', 'app.ts'], { cwd: app, encoding: 'utf8' });
    expect(compiled.status).toBe(0);
    const ran = spawnSync(process.execPath, ['app.js'], { cwd: app, encoding: 'utf8' });
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout)).toEqual({ kind: 'Document', sdk: 'function', subscribe: 'function' });
  }, 120_000);
});
