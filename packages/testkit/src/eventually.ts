/**
 * Retries `check` until it neither throws nor returns `false`, and returns what it returned.
 * Events arrive asynchronously, so specs poll for their effect instead of sleeping; on
 * timeout the last failure is rethrown so the assertion that never held is what is reported.
 * The default of 20 s leaves room for a loaded two-core machine; a check that holds returns at once.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000, everyMs = 25): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const value = await check();
      if (value !== false) return value as Exclude<T, false>;
      failure = new Error(`condition not met within ${timeoutMs} ms`);
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) throw failure;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
