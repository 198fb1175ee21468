import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const services = JSON.parse(readFileSync(path.join(root, 'scripts/services.json'), 'utf8')) as {
  subgraphs: { name: string; dir: string; port: number }[];
  workers: { name: string; dir: string; entry: string }[];
  gateway: { name: string; dir: string; entry: string; port: number };
};
const compose = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');

/** docker-compose.yml must run the same processes as `npm start`. */
describe('docker-compose.yml and the process list', () => {
  const serviceBlock = (name: string) => new RegExp(`\\n  ${name}:\\n(?:    .*\\n|      .*\\n)*`).exec(compose)?.[0] ?? '';

  it.each(services.subgraphs.map((s) => [s.name, s] as const))('runs the %s subgraph on the compose network only', (_name, s) => {
    const block = serviceBlock(s.name);
    expect(block).toMatch(new RegExp(`command: (sh -c ".*)?node ${s.dir}/dist/main\\.js`));
    // reachable by the gateway by name, never published on the host
    expect(block).not.toMatch(/ports:/);
    expect(compose).toContain(`SUBGRAPH_${s.name.toUpperCase()}_URL: http://${s.name}:${s.port}/graphql`);
  });

  it.each(services.workers.map((w) => [w.name, w] as const))('runs the %s worker', (_name, w) => {
    expect(serviceBlock(w.name)).toMatch(new RegExp(`command: (sh -c ".*)?node ${w.dir}/${w.entry.replace('.', '\\.')}`));
  });

  it('runs the gateway on its port, published on the host loopback only', () => {
    const block = serviceBlock(services.gateway.name);
    expect(block).toContain(`command: node ${services.gateway.dir}/${services.gateway.entry}`);
    expect(block).toContain(`"127.0.0.1:${services.gateway.port}:${services.gateway.port}"`);
  });

  it('refuses to start without real secrets', () => {
    for (const name of ['WAVEGRAPH_GATEWAY_SECRET', 'MEDIA_SIGNING_SECRET']) {
      expect(compose).toMatch(new RegExp(`${name}: \\$\\{${name}:\\?`));
    }
    expect(compose).not.toMatch(/change-me/);
    expect(compose).not.toMatch(/NODE_ENV: development/);
  });

  it('has no process that the list does not know', () => {
    const known = new Set(['postgres', 'redis', 'minio', 'build', 'prometheus', 'grafana', services.gateway.name, ...services.subgraphs.map((s) => s.name), ...services.workers.map((w) => w.name)]);
    const declared = [...compose.split('\nservices:\n')[1].matchAll(/^  ([a-z-]+):$/gm)].map((m) => m[1]);
    expect(declared.filter((name) => !known.has(name))).toEqual([]);
  });
});
