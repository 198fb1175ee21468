/**
 * Retries `check` until it stops throwing (or returns something other than false/undefined);
 * events arrive asynchronously, so specs poll for their effect instead of sleeping.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 5000, everyMs = 25): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error('condition never held');
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined) return value as Exclude<T, false | undefined>;
      lastError = new Error('condition never held');
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
