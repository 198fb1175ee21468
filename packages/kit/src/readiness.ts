/**
 * One readiness check: resolves when the part is usable, rejects (with the reason) when not.
 * It may resolve with a note (e.g. "recovering: 40 catalog events") that is shown instead of
 * `ok` while the part stays usable.
 */
export type HealthCheck = () => Promise<void | string>;

export interface ReadinessOptions {
  checks: Record<string, HealthCheck>;
  /** Each check must settle within this, or it counts as failed. Default 2000. */
  timeoutMs?: number;
  /** An answer is reused this long, so frequent probes (several probers, several replicas) do not hammer the dependencies. Default 1000. */
  cacheMs?: number;
}

export interface ReadinessOutcome {
  ready: boolean;
  /** `ok` (or the check's note) or why the check failed, per check. */
  checks: Record<string, string>;
}

async function run(check: HealthCheck, timeoutMs: number): Promise<{ ok: boolean; text: string }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const note = await Promise.race([check(), deadline]);
    return { ok: true, text: typeof note === 'string' && note ? note : 'ok' };
  } catch (error) {
    return { ok: false, text: (error as Error).message || 'failed' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every check at once, each within its timeout, and says whether all of them passed.
 * Concurrent probes within `cacheMs` share one round of checks.
 */
export function readinessOf(options: ReadinessOptions): () => Promise<ReadinessOutcome> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const cacheMs = options.cacheMs ?? 1_000;
  const names = Object.keys(options.checks);
  let last: { at: number; outcome: Promise<ReadinessOutcome> } | undefined;
  return () => {
    const now = Date.now();
    if (last && now - last.at < cacheMs) return last.outcome;
    const outcome = Promise.all(names.map((name) => run(options.checks[name], timeoutMs))).then((results) => ({
      ready: results.every((result) => result.ok),
      checks: Object.fromEntries(names.map((name, i) => [name, results[i].text])),
    }));
    last = { at: now, outcome };
    return outcome;
  };
}
