import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '@wavegraph/testkit';

export const WEB_DIR = path.resolve(__dirname, '../../clients/web');

/**
 * Builds clients/web with Vite (a few seconds) into `outDir`, so the scenario always runs the
 * current sources; each scenario builds into a directory of its own, so two can run side by side.
 */
export function buildWebApp(outDir: string): void {
  const vite = path.join(WEB_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
  // Vite refuses a second build of a project while one runs; ours write to directories of their own, so that lock is bypassed
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir', '--bypass-lock'], { cwd: WEB_DIR, stdio: 'inherit' });
  if (result.status !== 0 || !existsSync(path.join(outDir, 'index.html'))) throw new Error(`vite build of clients/web failed (exit ${result.status ?? result.signal})`);
}

export interface ServedWebApp {
  origin: string;
  stop(): Promise<void>;
}

/** The app built into `dir`, served by clients/web/serve.mjs on `port` and pointed at `gatewayUrl`. */
export async function serveWebApp(dir: string, port: number, gatewayUrl: string): Promise<ServedWebApp> {
  const child: ChildProcess = spawn(process.execPath, [path.join(WEB_DIR, 'serve.mjs')], {
    env: { ...process.env, WEB_PORT: String(port), WEB_HOST: '127.0.0.1', WAVEGRAPH_GATEWAY_URL: gatewayUrl, WEB_DIST: dir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${origin}/config.js`).catch(() => null))?.ok === true, 10_000);
  return {
    origin,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
