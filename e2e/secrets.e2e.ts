import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DEV_SECRETS } from '@wavegraph/auth';

const root = path.resolve(__dirname, '..');

/** Starts a built entry point as an operator would and returns how it ended (it must not get as far as listening). */
function start(entry: string, env: Record<string, string>): { status: number | null; output: string } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/SECRET|NODE_ENV|^HOST$/.test(key)));
  // a port nobody listens on: if the check were missing, the process would start and be killed by the timeout
  const result = spawnSync(process.execPath, [path.join(root, entry)], {
    env: { ...base, LOG_LEVEL: 'error', GATEWAY_PORT: '1', IDENTITY_PORT: '1', ...env } as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('no published secret works outside a local run', () => {
  it.each([
    ['the gateway', 'gateway/dist/main.js'],
    ['a subgraph', 'subgraphs/identity/dist/main.js'],
  ])('%s refuses to start on every interface with no secret, or with the published one', (_what, entry) => {
    const missing = start(entry, { NODE_ENV: 'development', HOST: '0.0.0.0' });
    expect(missing.status).toBe(1);
    expect(missing.output).toMatch(/WAVEGRAPH_GATEWAY_SECRET must be set/);
    const published = start(entry, { NODE_ENV: 'production', WAVEGRAPH_GATEWAY_SECRET: DEV_SECRETS.WAVEGRAPH_GATEWAY_SECRET });
    expect(published.status).toBe(1);
    expect(published.output).toMatch(/published development value/);
  });
});
