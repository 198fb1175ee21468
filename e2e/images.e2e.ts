import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DCLinter } from 'dclint';
import { compose, dockerfileStages, processes, read, root, stageChain, type Stage } from './support/deploy-files';

const { stages, args } = dockerfileStages();
const file = compose();
/** What `--profile observability` adds: traces, metrics and dashboards. */
const OBSERVABILITY = ['jaeger', 'prometheus', 'grafana'];

const keyword = (stage: Stage, word: string) => stage.instructions.filter((i) => i.getKeyword() === word);
const text = (chain: Stage[], word: string) => chain.flatMap((s) => keyword(s, word)).map((i) => i.getArgumentsContent() ?? '');
const json = (chain: Stage[], word: string) => {
  const last = chain.flatMap((s) => keyword(s, word)).at(-1) as unknown as { getJSONStrings(): { getJSONValue(): string }[] } | undefined;
  return last?.getJSONStrings().map((s) => s.getJSONValue());
};
const envOf = (chain: Stage[]) =>
  Object.fromEntries(
    chain.flatMap((s) => keyword(s, 'ENV')).flatMap((i) => (i as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties().map((p) => [p.getName(), p.getValue()])),
  );

describe('the Dockerfile', () => {
  it.each(['app', 'media'])('builds the %s image to run as node, in production, under tini, with a health check', (target) => {
    const chain = stageChain(stages, target);
    expect(text(chain, 'USER').at(-1)).toBe('node');
    expect(envOf(chain)).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', MEDIA_DIR: '/app/var/media' });
    expect(json(chain, 'ENTRYPOINT')).toEqual(['/usr/bin/tini', '--']);
    expect(text(chain, 'RUN').join('\n')).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(text(chain, 'HEALTHCHECK').at(-1)).toMatch(/CMD \["node", "scripts\/healthcheck\.mjs"\]$/);
    // the build output is copied in, owned by the unprivileged user; no sources, no dev tooling
    const copies = chain.flatMap((s) => keyword(s, 'COPY')) as unknown as { getFlags(): { getName(): string; getValue(): string | null }[]; getArgumentsContent(): string }[];
    expect(copies.map((c) => [Object.fromEntries(c.getFlags().map((f) => [f.getName(), f.getValue()])), c.getArgumentsContent()])).toEqual([
      [{ from: 'build', chown: 'node:node' }, '/app /app'],
    ]);
  });

  it('bakes the media tools (ffmpeg, speech recognition, speech synthesis) into the media image only', () => {
    const installs = (target: string) => text(stageChain(stages, target), 'RUN').join('\n');
    const packages = [...installs('media').matchAll(/apt-get install -y --no-install-recommends ([^\\&\n]+)/g)].map((m) => m[1].trim().split(/\s+/));
    // the same Debian packages scripts/setup.mjs installs for the runtime (SYSTEM_TOOLS)
    expect(packages).toEqual([['tini'], ['ffmpeg', 'pocketsphinx', 'pocketsphinx-en-us', 'flite', 'espeak-ng']]);
    expect(installs('media')).toMatch(/ffprobe -version[\s\S]*pocketsphinx_continuous[\s\S]*flite -lv[\s\S]*espeak-ng --version/);
    expect(installs('app')).not.toMatch(/ffmpeg|pocketsphinx|flite|espeak/);
  });

  it('starts from a pinned Debian Node image matching the engines the workspace declares', () => {
    expect(stages[0].from).toBe('${NODE_IMAGE}');
    const [, version] = /^node:(\d+\.\d+)-bookworm-slim$/.exec(args.NODE_IMAGE) ?? [];
    const declared = /^>=(\d+\.\d+)/.exec(JSON.parse(read('package.json')).engines.node)?.[1];
    expect(version).toBe(declared);
    expect(args.PNPM_VERSION).toBe(JSON.parse(read('package.json')).packageManager.replace('pnpm@', ''));
  });

  it('installs with the lockfile, compiles, and keeps production dependencies only', () => {
    const run = text(stageChain(stages, 'build'), 'RUN').join('\n');
    expect(run).toMatch(/pnpm fetch --frozen-lockfile/);
    expect(run).toMatch(/pnpm install --frozen-lockfile --offline\s*\\?\s*&& node_modules\/\.bin\/tsc -b/);
    expect(run).toMatch(/pnpm install --frozen-lockfile --offline --prod/);
    // what the processes read at run time stays in the image
    for (const kept of ['schema', 'clients/persisted-documents.json', 'scripts', 'dist']) expect(run).not.toMatch(new RegExp(`rm -rf[^&]*\\s${kept}(\\s|$)`));
  });

  it.each(processes.map((p) => [p.name, p] as const))('has an entry point for %s in the build output', (_name, p) => {
    // the test command builds first (tsc -b), so dist/ is what the image build produces
    expect(existsSync(path.join(root, p.entry))).toBe(true);
  });

  it('defaults each image to its main process', () => {
    expect(json(stageChain(stages, 'app'), 'CMD')).toEqual(['node', processes.find((p) => p.kind === 'gateway')!.entry]);
    expect(json(stageChain(stages, 'media'), 'CMD')).toEqual(['node', processes.find((p) => p.name === 'media')!.entry]);
  });

  it('leaves secrets and local state out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', '**/node_modules', '**/dist', '.git', 'var']) expect(ignored).toContain(entry);
  });
});

describe('docker-compose.yml', () => {
  it('is a valid Compose file (the Compose Specification schema, through dclint)', () => {
    const off = Object.fromEntries(
      [
        'no-build-and-image', // both: compose builds the image and tags it for every service that shares it
        'require-project-name-field',
        'service-container-name-regex',
        'service-dependencies-alphabetical-order',
        'service-keys-order',
        'service-ports-alphabetical-order',
        'services-alphabetical-order',
        'top-level-properties-order',
      ].map((rule) => [rule, 0]),
    );
    const linter = new DCLinter({ rules: off, quiet: true, debug: false, exclude: [] } as unknown as ConstructorParameters<typeof DCLinter>[0]);
    const [result] = linter.lintFiles([path.join(root, 'docker-compose.yml')], false);
    expect(result.messages.filter((m) => m.type === 'error')).toEqual([]);

    // the same linter does refuse a broken file
    const dir = mkdtempSync(path.join(tmpdir(), 'wgcompose-'));
    try {
      writeFileSync(path.join(dir, 'docker-compose.yml'), 'services:\n  gateway:\n    depends_on: { identity: { condition: when_ready } }\n');
      const [broken] = linter.lintFiles([path.join(dir, 'docker-compose.yml')], false);
      expect(broken.messages.map((m) => m.rule)).toContain('invalid-schema');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(processes.map((p) => [p.name, p] as const))('runs %s from its image with the entry point of scripts/services.json', (_name, p) => {
    const service = file.services[p.name];
    expect(service).toBeDefined();
    expect(service.build).toEqual({ context: '.', target: p.target });
    expect(service.image).toBe(`wavegraph/${p.target}:\${WAVEGRAPH_TAG:-local}`);
    expect(service.command).toEqual(['node', p.entry]);
    expect(service.environment?.NODE_ENV).toBe('production');
    expect(service.healthcheck?.test).toEqual(['CMD', 'node', 'scripts/healthcheck.mjs', `http://127.0.0.1:${p.port}${p.readyPath}`]);
  });

  it.each(processes.map((p) => [p.name, p] as const))('starts %s only once what it needs is healthy', (_name, p) => {
    const needs = file.services[p.name].depends_on ?? {};
    // analytics keeps its figures in ClickHouse besides Postgres
    const stores = ['postgres', 'redis', ...(p.name === 'analytics' ? ['clickhouse'] : [])];
    const expected = [...stores, ...(p.kind === 'worker' ? [p.of!] : []), ...(p.kind === 'gateway' ? processes.filter((q) => q.kind === 'subgraph').map((q) => q.name) : [])];
    expect(Object.keys(needs).sort()).toEqual(expected.sort());
    for (const [name, { condition }] of Object.entries(needs)) {
      expect(condition).toBe('service_healthy');
      expect(file.services[name].healthcheck?.test.length).toBeGreaterThan(1);
    }
  });

  it('publishes only the gateway, on the host loopback, and routes it to the subgraphs by name', () => {
    const gateway = processes.find((p) => p.kind === 'gateway')!;
    const published = Object.entries(file.services).filter(([, s]) => s.ports && !s.profiles);
    expect(published.map(([name, s]) => [name, s.ports])).toEqual([[gateway.name, [`127.0.0.1:${gateway.port}:${gateway.port}`]]]);
    for (const p of processes.filter((q) => q.kind === 'subgraph')) {
      expect(file.services[gateway.name].environment?.[`SUBGRAPH_${p.name.toUpperCase()}_URL`]).toBe(`http://${p.name}:${p.port}/graphql`);
    }
    expect(file.services.minio.ports?.every((port) => port.startsWith('127.0.0.1:'))).toBe(true);
  });

  it('refuses to start without .env and without each real secret', () => {
    const raw = read('docker-compose.yml');
    const required = [...new Set([...raw.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]))].sort();
    expect(required).toEqual(['CLICKHOUSE_PASSWORD', 'MEDIA_SIGNING_SECRET', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD', 'STRIPE_PREMIUM_PRICE', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'WAVEGRAPH_GATEWAY_SECRET']);
    for (const p of processes) {
      expect(file.services[p.name].env_file).toEqual([{ path: '.env', required: true }]);
      const env = file.services[p.name].environment ?? {};
      expect(env.WAVEGRAPH_GATEWAY_SECRET).toMatch(/^\$\{WAVEGRAPH_GATEWAY_SECRET:\?/);
      expect(env.MEDIA_SIGNING_SECRET).toMatch(/^\$\{MEDIA_SIGNING_SECRET:\?/);
    }
    // no value to fall back on: no default secret, no development mode
    expect(raw).not.toMatch(/SECRET:-[^}]/);
    expect(raw).not.toMatch(/change-me|NODE_ENV: development/);
    // .env.example names every required variable, with no value, and .env itself is never committed
    const example = Object.fromEntries(read('.env.example').split('\n').filter((l) => /^[A-Z0-9_]+=/.test(l)).map((l) => l.split('=')));
    expect(Object.keys(example).sort()).toEqual(required);
    expect(Object.values(example).every((v) => v === '')).toBe(true);
    expect(execFileSync('git', ['check-ignore', '.env'], { cwd: root, encoding: 'utf8' }).trim()).toBe('.env');
  });

  it('keeps Postgres, Redis (append-only) and media on named volumes', () => {
    expect(Object.keys(file.volumes ?? {})).toEqual(expect.arrayContaining(['postgres-data', 'redis-data', 'media']));
    expect(file.services.postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(file.services.redis.volumes).toEqual(['redis-data:/data']);
    expect(file.services.redis.command?.join(' ')).toMatch(/--appendonly yes/);
    for (const p of processes.filter((q) => q.target === 'media')) expect(file.services[p.name].volumes).toEqual(['media:/app/var/media']);
  });

  it('gives media-worker time to finish a running job when it is stopped', () => {
    expect(file.services['media-worker'].stop_grace_period).toBe('300s');
  });

  it('has no process that scripts/services.json does not know', () => {
    const known = new Set(['postgres', 'redis', 'clickhouse', 'minio', 'nats', ...OBSERVABILITY, ...processes.map((p) => p.name)]);
    expect(Object.keys(file.services).filter((name) => !known.has(name))).toEqual([]);
  });

  it('runs NATS only with its profile, and every process finds it when EVENTS_TRANSPORT=nats', () => {
    expect(file.services.nats.profiles).toEqual(['nats']);
    expect(file.services.nats.ports).toBeUndefined();
    for (const { name } of processes) {
      expect(file.services[name].environment).toMatchObject({ EVENTS_TRANSPORT: '${EVENTS_TRANSPORT:-redis}', NATS_URL: 'nats://nats:4222' });
    }
  });

  it('brings traces, metrics and dashboards up only with the observability profile, on loopback', () => {
    for (const name of OBSERVABILITY) {
      expect(file.services[name].profiles).toEqual(['observability']);
      for (const port of (file.services[name].ports ?? []) as string[]) expect(port.startsWith('127.0.0.1:')).toBe(true);
    }
    // the processes export traces only when told where, and serve metrics on the compose network
    for (const { name } of processes) {
      expect(file.services[name].environment).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: '${OTEL_EXPORTER_OTLP_ENDPOINT:-}', METRICS_HOST: '0.0.0.0' });
    }
  });
});

describe('scripts/healthcheck.mjs (the images’ health check)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => res.writeHead(req.url === '/ready' ? 200 : 503).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  // asynchronously: the server answering it runs in this process
  const check = (url?: string, env: Record<string, string> = {}) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['scripts/healthcheck.mjs', ...(url ? [url] : [])], { cwd: root, env: { PATH: process.env.PATH, ...env } }, (_error, _stdout, stderr) =>
        resolve({ status: child.exitCode, stderr }),
      );
    });

  it('exits 0 on a 2xx answer, from an argument or HEALTHCHECK_URL', async () => {
    expect((await check(`${base}/ready`)).status).toBe(0);
    expect((await check(undefined, { HEALTHCHECK_URL: `${base}/ready` })).status).toBe(0);
    expect((await check()).status).toBe(2);
  });

  it('exits 1 when the process is not ready or not listening, and says why', async () => {
    const notReady = await check(`${base}/other`);
    expect(notReady.status).toBe(1);
    expect(notReady.stderr).toContain('503');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await check(`http://127.0.0.1:${port}/ready`);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('ECONNREFUSED');
  });
});
