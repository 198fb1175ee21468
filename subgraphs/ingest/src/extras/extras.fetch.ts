import { FetchFailure, openSafely, readBounded, type FetchPolicy } from '../fetch/safe-fetch';

/** A transcript or chapters file a feed names, fetched like feeds (SSRF-checked, bounded by policy.maxBytes), as text. */
export async function fetchSmallFile(url: string, policy: FetchPolicy, userAgent: string, accept: string): Promise<string> {
  const opened = await openSafely(url, { 'user-agent': userAgent, accept }, policy);
  const status = opened.response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    opened.response.resume();
    opened.done();
    throw new FetchFailure(`the file answered HTTP ${status}`, status >= 500 || status === 429 || status === 408, status);
  }
  return (await readBounded(opened, policy.maxBytes, policy.timeoutMs)).toString('utf8');
}
