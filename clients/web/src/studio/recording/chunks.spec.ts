import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChunkRefused, ChunkSender } from './chunks';

/** A chunk endpoint that answers each PUT with the next scripted status for its sequence (201 once the script runs out; 0 drops the connection). */
class ChunkServer {
  readonly stored: { sequence: number; token: string | undefined; body: string }[] = [];
  private readonly script = new Map<number, number[]>();
  private server!: Server;
  url = '';

  answer(sequence: number, ...statuses: number[]): void {
    this.script.set(sequence, statuses);
  }

  async start(): Promise<void> {
    this.server = createServer(async (req: IncomingMessage, res) => {
      const sequence = Number(req.url?.split('/').pop());
      const pieces: Buffer[] = [];
      for await (const piece of req) pieces.push(piece as Buffer);
      const status = this.script.get(sequence)?.shift() ?? 201;
      if (status === 0) return req.socket.destroy();
      if (status < 300) this.stored.push({ sequence, token: req.headers['x-upload-token'] as string | undefined, body: Buffer.concat(pieces).toString() });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status < 300 ? { sequence } : { error: { code: 'REFUSED', message: status === 409 ? 'The recording session is finished' : 'Try again shortly' } }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/recordings/s/chunks`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('ChunkSender: the studio recorder sending its chunks', () => {
  let server: ChunkServer;
  const acknowledged: number[] = [];
  const troubles: (string | null)[] = [];
  const events = { onAcknowledged: (count: number) => acknowledged.push(count), onTrouble: (trouble: string | null) => troubles.push(trouble) };

  beforeEach(async () => {
    server = new ChunkServer();
    await server.start();
    acknowledged.length = 0;
    troubles.length = 0;
  });
  afterEach(() => server.stop());

  it('numbers non-empty chunks from 0 and sends them in order with the token, counting only acknowledged ones', async () => {
    const sender = new ChunkSender({ chunkUrl: server.url, token: 'secret' }, events, [1]);
    for (const text of ['a', '', 'b', 'c']) sender.add(new Blob([text]));
    await sender.drained();
    expect(server.stored).toEqual([
      { sequence: 0, token: 'secret', body: 'a' },
      { sequence: 1, token: 'secret', body: 'b' },
      { sequence: 2, token: 'secret', body: 'c' },
    ]);
    expect(sender.lastSequence).toBe(2);
    expect(acknowledged).toEqual([1, 2, 3]);
    expect(troubles).toEqual([]);
  });

  it('retries a failed PUT (dropped connection, 503) before the next chunk goes, and says so in words', async () => {
    server.answer(1, 0, 503);
    const sender = new ChunkSender({ chunkUrl: server.url, token: 't' }, events, [5, 5, 5]);
    for (const text of ['a', 'b', 'c']) sender.add(new Blob([text]));
    await sender.drained();
    expect(server.stored.map((r) => `${r.sequence}:${r.body}`)).toEqual(['0:a', '1:b', '2:c']);
    expect(acknowledged).toEqual([1, 2, 3]);
    expect(troubles).toEqual([
      'Chunk 1 could not be sent (the connection dropped); trying again in 1 s.',
      'Chunk 1 could not be sent (Try again shortly); trying again in 1 s.',
      null,
    ]);
  });

  it('leaves a chunk whose retries ran out for a resend, goes on with the next, and resends only what is asked', async () => {
    server.answer(1, 503, 503, 503);
    const sender = new ChunkSender({ chunkUrl: server.url, token: 't' }, events, [1, 1]);
    for (const text of ['a', 'b', 'c']) sender.add(new Blob([text]));
    await sender.drained();
    expect(sender.acknowledgedCount).toBe(2);
    expect(troubles.at(-1)).toBe('Chunk 1 could not be sent (Try again shortly); it is sent again before the recording is finished.');
    await sender.resend([1, 7]);
    expect(server.stored.filter((r) => r.sequence === 1).map((r) => r.body)).toEqual(['b']);
    expect(server.stored.map((r) => r.sequence)).toEqual([0, 2, 1]);
    expect(sender.acknowledgedCount).toBe(3);
  });

  it('stops at a refusal that sending again cannot fix, and drained() reports it', async () => {
    server.answer(1, 409);
    const sender = new ChunkSender({ chunkUrl: server.url, token: 't' }, events, [1, 1]);
    for (const text of ['a', 'b', 'c']) sender.add(new Blob([text]));
    const drained = sender.drained();
    await expect(drained).rejects.toThrow(ChunkRefused);
    await expect(drained).rejects.toThrow('Chunk 1 was refused: The recording session is finished');
    expect(server.stored.map((r) => `${r.sequence}:${r.body}`)).toEqual(['0:a']);
  });
});
