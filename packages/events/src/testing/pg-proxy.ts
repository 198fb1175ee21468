import { createServer, connect, type Server, type Socket } from 'node:net';

/** A TCP hop to Postgres the test can cut and restore: a real outage for one client only. */
export interface PgProxy {
  port: number;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startPgProxy(target = { host: '127.0.0.1', port: 5432 }): Promise<PgProxy> {
  let open = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    down: () => {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    up: () => {
      open = true;
    },
    close: () => {
      open = false;
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
