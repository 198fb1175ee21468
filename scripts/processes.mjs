// Starts the supergraph as separate processes (subgraphs, workers, gateway) and stops them together.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { root } from './setup.mjs';
import { GATEWAY, SUBGRAPHS, WORKERS } from './services.mjs';

async function waitForReady(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url} exited with code ${child.exitCode} before becoming ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} was not ready after ${timeoutMs} ms`);
}

/**
 * Starts every process of the stack; `env` is added to each one's environment, `subgraphEnv`
 * to the subgraphs' only (a benchmark's request counter, say). `cpuProfileDir` starts every process
 * with `--cpu-prof` (NODE_OPTIONS may not carry it), each writing into `<dir>/<name>` when it exits.
 * Returns the children, the environment they share (port moves included) and a stop() that
 * sends SIGTERM and waits for all of them.
 */
export async function startStack({ env = {}, subgraphEnv = {}, stdio = 'inherit', onExit, portOffset = 0, cpuProfileDir } = {}) {
  const children = [];
  const port = (p) => p + portOffset;
  if (portOffset) {
    // move every process (and the gateway's view of it) to other ports, e.g. beside a running dev stack
    env = { ...env, GATEWAY_PORT: String(port(GATEWAY.port)), JWKS_URL: `http://127.0.0.1:${port(SUBGRAPHS.find((s) => s.name === 'identity').port)}/.well-known/jwks.json` };
    for (const s of SUBGRAPHS) {
      env[`${s.name.toUpperCase()}_PORT`] = String(port(s.port));
      env[`SUBGRAPH_${s.name.toUpperCase()}_URL`] = `http://127.0.0.1:${port(s.port)}/graphql`;
    }
  }
  const launch = (name, dir, entry, extraEnv = {}) => {
    const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(cpuProfileDir, name)}`] : [];
    const child = spawn(process.execPath, [...profile, path.join(root, dir, entry)], {
      cwd: root,
      env: { ...process.env, ...env, ...extraEnv },
      stdio: stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : 'ignore',
      // own process group: a terminal's Ctrl-C reaches only us, and we stop the children in order
      detached: true,
    });
    child.name = name;
    child.on('exit', (code, signal) => onExit?.(name, code, signal));
    children.push(child);
    return child;
  };
  process.on('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));
  const stop = async () => {
    await Promise.all(
      children.map((child) =>
        child.exitCode !== null || child.signalCode !== null
          ? undefined
          : new Promise((resolve) => {
              child.once('exit', resolve);
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
            }),
      ),
    );
  };
  try {
    await Promise.all(
      SUBGRAPHS.map((s) => waitForReady(`http://127.0.0.1:${port(s.port)}/ready`, launch(s.name, s.dir, 'dist/main.js', subgraphEnv))),
    );
    // each worker serves /health and /ready on its own port (CATALOG_WORKER_PORT, MEDIA_WORKER_PORT)
    const workerPort = (w) => ({ [`${w.name.toUpperCase().replace(/-/g, '_')}_PORT`]: String(port(w.port)) });
    await Promise.all(WORKERS.map((w) => waitForReady(`http://127.0.0.1:${port(w.port)}/health`, launch(w.name, w.dir, w.entry, workerPort(w)))));
    const gateway = launch(GATEWAY.name, GATEWAY.dir, GATEWAY.entry);
    await waitForReady(`http://127.0.0.1:${port(GATEWAY.port)}/health`, gateway);
  } catch (error) {
    await stop();
    throw error;
  }
  return { children, env, stop, url: (name) => `http://127.0.0.1:${port(name === 'gateway' ? GATEWAY.port : SUBGRAPHS.find((s) => s.name === name).port)}/graphql` };
}
