/** Where a recording session takes its chunks: PUT `<chunkUrl>/<sequence>` with the token in x-upload-token. */
export interface ChunkTarget {
  chunkUrl: string;
  token: string;
}

export interface ChunkSenderEvents {
  /** How many chunks the server has acknowledged so far (201 stored, or 200 already held). */
  onAcknowledged(count: number): void;
  /** A PUT failed and is tried again after `delayMs`; null once a chunk went through again. */
  onTrouble(trouble: string | null): void;
}

/** Waits between attempts of one chunk; after the last one the chunk is left for the resend before finishing. */
export const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000];

/** A refusal that sending again cannot fix (finished session, bad token, chunk too large). */
export class ChunkRefused extends Error {}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function refusalOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `the server answered ${response.status}`;
}

/**
 * Numbers the recorder's chunks 0, 1, 2… and PUTs them one at a time, in order. A chunk counts
 * once the server acknowledged it; a failed PUT is retried with growing waits, and a chunk that
 * still did not get through is kept for `resend` (the session says which numbers it misses).
 */
export class ChunkSender {
  private readonly chunks: Blob[] = [];
  private readonly acknowledged = new Set<number>();
  private queue: Promise<void> = Promise.resolve();
  private refused: ChunkRefused | null = null;

  constructor(
    private readonly target: ChunkTarget,
    private readonly events: ChunkSenderEvents,
    private readonly delays: readonly number[] = RETRY_DELAYS_MS,
  ) {}

  /** The number of the last chunk added, -1 before the first. */
  get lastSequence(): number {
    return this.chunks.length - 1;
  }

  get acknowledgedCount(): number {
    return this.acknowledged.size;
  }

  /** Queues a chunk (empty ones get no number: the server refuses them). */
  add(chunk: Blob): void {
    if (chunk.size === 0) return;
    const sequence = this.chunks.push(chunk) - 1;
    this.enqueue([sequence]);
  }

  /** Sends these sequence numbers again (after the ones queued), resolved once tried. */
  resend(sequences: readonly number[]): Promise<void> {
    return this.enqueue(sequences.filter((sequence) => sequence >= 0 && sequence < this.chunks.length));
  }

  /** Resolves once every queued chunk was acknowledged or given up on; rejects after a refusal. */
  async drained(): Promise<void> {
    await this.queue;
    if (this.refused) throw this.refused;
  }

  private enqueue(sequences: readonly number[]): Promise<void> {
    this.queue = this.queue.then(async () => {
      for (const sequence of sequences) if (!this.refused) await this.send(sequence);
    });
    return this.queue;
  }

  private async send(sequence: number): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      let problem: string;
      try {
        const response = await fetch(`${this.target.chunkUrl}/${sequence}`, {
          method: 'PUT',
          headers: { 'x-upload-token': this.target.token },
          body: this.chunks[sequence],
        });
        if (response.ok) {
          this.acknowledged.add(sequence);
          this.events.onAcknowledged(this.acknowledged.size);
          if (attempt > 0) this.events.onTrouble(null);
          return;
        }
        problem = await refusalOf(response);
        if (!RETRYABLE.has(response.status)) {
          this.refused = new ChunkRefused(`Chunk ${sequence} was refused: ${problem}`);
          return;
        }
      } catch {
        problem = 'the connection dropped';
      }
      const delay = this.delays[attempt];
      if (delay === undefined) {
        this.events.onTrouble(`Chunk ${sequence} could not be sent (${problem}); it is sent again before the recording is finished.`);
        return;
      }
      this.events.onTrouble(`Chunk ${sequence} could not be sent (${problem}); trying again in ${Math.ceil(delay / 1000)} s.`);
      await wait(delay);
    }
  }
}
