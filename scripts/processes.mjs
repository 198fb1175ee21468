// Starts the supergraph as separate processes (subgraphs, workers, gateway) and stops them together.
import path from 'node:path';
import { root } from './setup.mjs';
import { GATEWAY, SUBGRAPHS, WORKERS } from './services.mjs';
import { supervise } from './supervisor.mjs';

async function waitForReady(url, isGone, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const gone = isGone();
    if (gone) throw new Error(`${url} ${gone} before becoming ready`);
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
 * With `restart` (true, or settings for scripts/supervisor.mjs) a process that dies after the
 * stack is up is started again with backoff, each restart logged through `log`; without it
 * (tests, benchmarks) a death is only reported to `onExit`.
 * Returns the children (kept current across restarts), the environment they share (port moves
 * included) and a stop() that stops the gateway, then the workers, then the subgraphs.
 */
export async function startStack({ env = {}, subgraphEnv = {}, stdio = 'inherit', onExit, portOffset = 0, restart = false, log = console.error, onGiveUp, cpuProfileDir } = {}) {
  const children = [];
  const supervised = { subgraphs: [], workers: [], gateway: [] };
  const port = (p) => p + portOffset;
  if (portOffset) {
    // move every process (and the gateway's view of it) to other ports, e.g. beside a running dev stack
    env = { ...env, GATEWAY_PORT: String(port(GATEWAY.port)), JWKS_URL: `http://127.0.0.1:${port(SUBGRAPHS.find((s) => s.name === 'identity').port)}/.well-known/jwks.json` };
    for (const s of SUBGRAPHS) {
      env[`${s.name.toUpperCase()}_PORT`] = String(port(s.port));
      env[`SUBGRAPH_${s.name.toUpperCase()}_URL`] = `http://127.0.0.1:${port(s.port)}/graphql`;
    }
  }
  // restarts begin once the whole stack was up: a process that cannot start at all fails the start
  let up = false;
  const launch = (kind, name, dir, entry, readyUrl, extraEnv = {}) => {
    const process_ = supervise({
      name,
      command: process.execPath,
      args: [...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(cpuProfileDir, name)}`] : []), path.join(root, dir, entry)],
      options: {
        cwd: root,
        env: { ...process.env, ...env, ...extraEnv },
        stdio: stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : 'ignore',
        // own process group: a terminal's Ctrl-C reaches only us, and we stop the children in order
        detached: true,
      },
      restart: restart && { ...(restart === true ? {} : restart) },
      // a start that fails is not retried: the caller sees the error
      restartWhen: () => up,
      log,
      onGiveUp,
      onSpawn: (child) => {
        const known = children.findIndex((c) => c.name === name);
        if (known === -1) children.push(child);
        else {
          children[known] = child;
          // say when it answers again, so whoever watches the log knows the restart worked
          const started = Date.now();
          waitForReady(readyUrl, () => (child.exitCode !== null || child.signalCode !== null ? 'exited' : '')).then(
            () => log(`✔ ${name} is back (ready ${((Date.now() - started) / 1000).toFixed(1)} s after its restart)`),
            () => undefined,
          );
        }
      },
      onExit: (who, code, signal) => {
        if (!up && restart && !stopping) log(`✖ ${who} exited (${signal ?? `exit code ${code}`}) while the stack was starting`);
        onExit?.(who, code, signal);
      },
    });
    supervised[kind].push(process_);
    return process_;
  };
  const exitedEarly = (p) => () => (!up && (p.child.exitCode !== null || p.child.signalCode !== null) ? `exited with ${p.child.signalCode ?? `code ${p.child.exitCode}`}` : '');
  process.on('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      // dependency order: nothing takes traffic while what serves it is going away
      for (const kind of ['gateway', 'workers', 'subgraphs']) {
        if (supervised[kind].length === 0) continue;
        if (restart) log(`■ stopping ${supervised[kind].map((p) => p.name).join(', ')}`);
        await Promise.all(supervised[kind].map((p) => p.stop()));
      }
    })());
  try {
    await Promise.all(
      SUBGRAPHS.map((s) => {
        const url = `http://127.0.0.1:${port(s.port)}/ready`;
        return waitForReady(url, exitedEarly(launch('subgraphs', s.name, s.dir, 'dist/main.js', url, subgraphEnv)));
      }),
    );
    // each worker serves /health and /ready on its own port (CATALOG_WORKER_PORT, MEDIA_WORKER_PORT)
    const workerPort = (w) => ({ [`${w.name.toUpperCase().replace(/-/g, '_')}_PORT`]: String(port(w.port)) });
    await Promise.all(
      WORKERS.map((w) => {
        const url = `http://127.0.0.1:${port(w.port)}/health`;
        return waitForReady(url, exitedEarly(launch('workers', w.name, w.dir, w.entry, url, workerPort(w))));
      }),
    );
    const gatewayUrl = `http://127.0.0.1:${port(GATEWAY.port)}/health`;
    await waitForReady(gatewayUrl, exitedEarly(launch('gateway', GATEWAY.name, GATEWAY.dir, GATEWAY.entry, gatewayUrl)));
    up = true;
  } catch (error) {
    await stop();
    throw error;
  }
  return { children, env, stop, url: (name) => `http://127.0.0.1:${port(name === 'gateway' ? GATEWAY.port : SUBGRAPHS.find((s) => s.name === name).port)}/graphql` };
}
