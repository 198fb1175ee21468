import { connectRedis } from './connect';
import { createRedisConnections } from './connections';

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('createRedisConnections', () => {
  it('names each connection after its owner and closes them all, the last opened first', async () => {
    const connections = createRedisConnections(URL, { owner: 'wgred-owner' });
    const commands = connections.open('command', 'commands');
    const reader = connections.open('blocking', 'reader');
    expect(await commands.client('GETNAME')).toBe('wavegraph:wgred-owner:commands');
    expect(await reader.client('GETNAME')).toBe('wavegraph:wgred-owner:reader');
    const ended: string[] = [];
    commands.once('end', () => ended.push('commands'));
    reader.once('end', () => ended.push('reader'));
    await connections.close();
    expect(ended).toEqual(['reader', 'commands']);
    expect([commands.status, reader.status]).toEqual(['end', 'end']);
    expect(() => connections.open('command', 'late')).toThrow('closed');
  });

  it('closes at once a connection that cannot reach Redis, instead of waiting for it', async () => {
    const connections = createRedisConnections('redis://127.0.0.1:7592', { owner: 'wgred-down', log: { warn: () => undefined, info: () => undefined } });
    const down = connections.open('command', 'down');
    const started = Date.now();
    await connections.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(down.status).toBe('end');
  });

  it('lets a stopping component drop its own blocked reader, and still closes the rest', async () => {
    const connections = createRedisConnections(URL, { owner: 'wgred-blocked' });
    const reader = connections.open('blocking', 'reader');
    const blocked = reader.blpop(`wgred-connections-${process.pid}`, 10).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    reader.disconnect();
    expect(await blocked).toBeInstanceOf(Error);
    const probe = connectRedis(URL, 'command', { name: 'wgred-probe' });
    try {
      await connections.close();
      expect(reader.status).toBe('end');
    } finally {
      probe.disconnect();
    }
  });
});
