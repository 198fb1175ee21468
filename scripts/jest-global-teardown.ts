import { rmSync } from 'node:fs';

/** Stops the run's ClickHouse that the global setup started, and removes its data. */
export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { wavegraphClickHouse?: { stop(): Promise<void>; dir: string } }).wavegraphClickHouse;
  if (!server) return;
  await server.stop();
  rmSync(server.dir, { recursive: true, force: true });
}
