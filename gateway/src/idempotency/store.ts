import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from '@wavegraph/redis';

/** How long answers and in-flight claims are kept, and how long a retry waits for the first request. */
export interface IdempotencySettings {
  /** Seconds a stored answer is replayed for. Default 86400 (24 h, as Stripe). */
  ttlSeconds: number;
  /** Longest a retry waits for the same key's first request to finish before a 409. Default 10000. */
  waitMs: number;
  /**
   * How long a request's claim on its key lasts before it is presumed lost (a replica that died
   * mid-request), after which the key may run again. Default 60000.
   */
  lockMs: number;
  /** Root mutation fields whose answers carry credentials and are never stored (their keys are ignored). */
  skipFields: string[];
}

type Stored =
  | { state: 'running'; fingerprint: string; token: string }
  | { state: 'done'; fingerprint: string; status: number; body: string };

/** A request's hold on its key: the exact value it wrote, so it only ever finishes or frees its own claim. */
export interface Claim {
  key: string;
  value: string;
}

export type Begun =
  | { kind: 'claimed'; claim: Claim }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'in-use' }
  | { kind: 'reused' };

// The answer replaces the claim it was made under, or a claim that expired meanwhile; never
// another request's newer claim. KEYS: key. ARGV: claim value, answer, ttl ms.
const COMPLETE = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] or current == false then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
`;

// KEYS: key. ARGV: claim value.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const POLL_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Idempotency records in the Redis every replica shares, one per (scope, key): first a claim
 * (SET NX with a short expiry: the request is running), then the answer (kept ttlSeconds). The
 * Redis key is a digest of scope and key, so a client's key never shapes a Redis key. Errors
 * from Redis are thrown: the caller decides (a request with a key is refused rather than run
 * unprotected).
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly settings: IdempotencySettings,
  ) {}

  /** Claims the key for this request, or says what the earlier request with it left. */
  async begin(scope: string, key: string, fingerprint: string): Promise<Begun> {
    const redisKey = `${this.prefix}:idempotency:${createHash('sha256').update(`${scope}\n${key}`).digest('base64url')}`;
    const waitUntil = Date.now() + this.settings.waitMs;
    for (;;) {
      const value = JSON.stringify({ state: 'running', fingerprint, token: randomUUID() } satisfies Stored);
      if ((await this.redis.set(redisKey, value, 'PX', this.settings.lockMs, 'NX')) === 'OK') return { kind: 'claimed', claim: { key: redisKey, value } };
      const text = await this.redis.get(redisKey);
      // null: the first request freed its claim (a retryable failure) or it expired: claim it again
      const stored = text === null ? null : (JSON.parse(text) as Stored);
      if (stored?.fingerprint !== undefined && stored.fingerprint !== fingerprint) return { kind: 'reused' };
      if (stored?.state === 'done') return { kind: 'replay', status: stored.status, body: stored.body };
      if (Date.now() >= waitUntil) return { kind: 'in-use' };
      if (stored) await sleep(POLL_MS);
    }
  }

  /** Keeps the answer for retries. */
  async complete(claim: Claim, status: number, body: string): Promise<void> {
    const { fingerprint } = JSON.parse(claim.value) as Stored;
    const answer = JSON.stringify({ state: 'done', fingerprint, status, body } satisfies Stored);
    await this.redis.eval(COMPLETE, 1, claim.key, claim.value, answer, this.settings.ttlSeconds * 1000);
  }

  /** Frees the key without an answer, so the client's retry runs the operation. */
  async release(claim: Claim): Promise<void> {
    await this.redis.eval(RELEASE, 1, claim.key, claim.value);
  }
}
