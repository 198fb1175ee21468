import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import pino from 'pino';
import { SubgraphBreakers } from './breakers';
import { runFetch, type ResilienceSettings } from './policies';

const settings: ResilienceSettings = {
  timeoutMs: 1_000, breakerThreshold: 3, breakerHalfOpenMs: 200, retryAttempts: 2, retryBaseDelayMs: 5, retryMaxDelayMs: 20,
};
const log = pino({ level: 'silent' });
const refused = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
const httpError = (status: number) => Object.assign(new Error(`${status}`), { extensions: { response: { status } } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An attempt function that fails with the given errors in turn, then answers; counts its calls. */
function attempts(...failures: unknown[]) {
  const fn = jest.fn(async (_signal: AbortSignal) => {
    const failure = failures.shift();
    if (failure) throw failure;
    return 'answer';
  });
  return fn;
}

describe('subgraph fetch policies', () => {
  it('retries a read that failed transiently and returns its answer', async () => {
    const breakers = new SubgraphBreakers(settings, log);
    const attempt = attempts(refused());
    await expect(runFetch(breakers.policies('catalog', true), attempt)).resolves.toBe('answer');
    expect(attempt).toHaveBeenCalledTimes(2);
  });

  it('gives every attempt of one fetch the same deadline: when the whole budget ends', async () => {
    const breakers = new SubgraphBreakers(settings, log);
    const deadlines: number[] = [];
    let failures = 1;
    const started = Date.now();
    const answer = await runFetch(breakers.policies('catalog', true), async (_signal, deadline) => {
      deadlines.push(deadline);
      if (failures-- > 0) throw refused();
      return 'answer';
    });
    expect(answer).toBe('answer');
    expect(deadlines).toHaveLength(2);
    expect(deadlines[1]).toBe(deadlines[0]);
    expect(deadlines[0]).toBeGreaterThanOrEqual(started + settings.timeoutMs);
    expect(deadlines[0]).toBeLessThanOrEqual(Date.now() + settings.timeoutMs);
  });

  it('gives up on a read after the configured retries', async () => {
    const breakers = new SubgraphBreakers({ ...settings, breakerThreshold: 10 }, log);
    const attempt = attempts(refused(), refused(), refused(), refused());
    await expect(runFetch(breakers.policies('catalog', true), attempt)).rejects.toThrow('fetch failed');
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('sends a fetch that may not be retried (a mutation) exactly once', async () => {
    const breakers = new SubgraphBreakers(settings, log);
    const attempt = attempts(refused());
    await expect(runFetch(breakers.policies('engagement', false), attempt)).rejects.toThrow('fetch failed');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('does not retry an answer (4xx) and does not count it against the subgraph', async () => {
    const breakers = new SubgraphBreakers({ ...settings, breakerThreshold: 1 }, log);
    const attempt = attempts(httpError(401));
    await expect(runFetch(breakers.policies('media', true), attempt)).rejects.toThrow('401');
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(breakers.report().media.state).toBe('closed');
  });

  it('retries a 503 from the subgraph', async () => {
    const breakers = new SubgraphBreakers(settings, log);
    const attempt = attempts(httpError(503));
    await expect(runFetch(breakers.policies('media', true), attempt)).resolves.toBe('answer');
    expect(attempt).toHaveBeenCalledTimes(2);
  });

  it('opens after the threshold of consecutive failures, then fails fast without calling, then probes once and closes', async () => {
    const breakers = new SubgraphBreakers(settings, log);
    const failing = jest.fn(async () => Promise.reject(refused()));
    for (let i = 0; i < 3; i += 1) await expect(runFetch(breakers.policies('identity', false), failing)).rejects.toThrow('fetch failed');
    expect(breakers.report().identity).toEqual({ state: 'open', since: expect.any(String) });
    failing.mockClear();
    const started = Date.now();
    await expect(runFetch(breakers.policies('identity', true), failing)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(Date.now() - started).toBeLessThan(50);
    expect(failing).not.toHaveBeenCalled();
    // other subgraphs are not affected
    expect(breakers.report().catalog).toBeUndefined();
    await expect(runFetch(breakers.policies('catalog', true), attempts())).resolves.toBe('answer');

    await sleep(settings.breakerHalfOpenMs + 20);
    const probe = attempts();
    await expect(runFetch(breakers.policies('identity', false), probe)).resolves.toBe('answer');
    expect(probe).toHaveBeenCalledTimes(1);
    expect(breakers.report().identity.state).toBe('closed');
  });

  it('opens again when the half-open probe fails', async () => {
    const breakers = new SubgraphBreakers({ ...settings, breakerThreshold: 1 }, log);
    await expect(runFetch(breakers.policies('discovery', false), attempts(refused()))).rejects.toThrow();
    await sleep(settings.breakerHalfOpenMs + 20);
    const probe = attempts(refused(), refused(), refused());
    await expect(runFetch(breakers.policies('discovery', true), probe)).rejects.toThrow();
    // the probe failed: open again, and the retry met the open breaker instead of the network
    expect(probe).toHaveBeenCalledTimes(1);
    expect(breakers.report().discovery.state).toBe('open');
  });

  it('bounds the whole fetch, retries included, by the deadline and aborts the attempt in flight', async () => {
    const breakers = new SubgraphBreakers({ ...settings, timeoutMs: 150, breakerThreshold: 10 }, log);
    const signals: AbortSignal[] = [];
    const hanging = jest.fn((signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>(() => undefined);
    });
    const started = Date.now();
    await expect(runFetch(breakers.policies('notifications', true), hanging)).rejects.toBeInstanceOf(TaskCancelledError);
    expect(Date.now() - started).toBeLessThan(400);
    expect(signals[0].aborted).toBe(true);
  });

  it('never starts an attempt after the deadline, even when a backoff ends after it', async () => {
    const breakers = new SubgraphBreakers({ ...settings, timeoutMs: 60, retryBaseDelayMs: 200, retryMaxDelayMs: 200, breakerThreshold: 10 }, log);
    const attempt = attempts(refused(), refused());
    // decorrelated jitter makes about one first backoff in twenty shorter than the deadline: fixed
    // here at its median draw (about 180 ms), so the backoff surely ends after the deadline
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      await expect(runFetch(breakers.policies('catalog', true), attempt)).rejects.toBeInstanceOf(TaskCancelledError);
      await sleep(300);
      expect(attempt).toHaveBeenCalledTimes(1);
    } finally {
      random.mockRestore();
    }
  });
});
