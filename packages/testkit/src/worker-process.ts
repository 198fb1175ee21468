import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { eventually } from './eventually';

export interface WorkerProcess {
  child: ChildProcess;
  /** Its health server's origin. */
  origin: string;
  /** GET on its health server: status and JSON body. */
  get(path: '/health' | '/ready'): Promise<{ status: number; body: Record<string, unknown> }>;
  /** SIGTERM, then waits for it to exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/** Runs a worker's compiled entry point as its own process, as `npm start` does, and waits until its health server answers. */
export async function startWorkerProcess(entry: string, port: number, env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [entry], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: 'ignore' });
  const origin = `http://127.0.0.1:${port}`;
  const get: WorkerProcess['get'] = async (path) => {
    const response = await fetch(`${origin}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    return (await get('/health')).status === 200;
  }, 30_000, 100);
  return {
    child,
    origin,
    get,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      return child.exitCode;
    },
  };
}
