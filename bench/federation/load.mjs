// The load generator: undici's Pool (keep-alive connections, little per-request cost, so the one
// core it shares with the subgraphs goes mostly to them). Two modes over the same query mix:
// closed loop (`connections` requests always in flight, as fast as the gateway answers) and paced
// (open loop at a fixed rate; each latency counts from the moment its request was due, so a
// gateway that falls behind is charged for the queue it builds). Every answer is checked.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/** The p-th percentile of ascending `sorted` (nearest rank). */
export const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

/**
 * `queries`: [{ name, body (the request's JSON text), weight, check (a ResponseCheck) }], sent in a
 * fixed rotation by weight (weights 9 and 1: every tenth request is the second query).
 * `compare` is how answers are checked (see ResponseCheck.verify).
 */
export function rotation(queries) {
  return queries.flatMap((query) => Array.from({ length: query.weight }, () => query));
}

function requester(port, headers, connections) {
  // a gateway that stops answering fails the run within a minute instead of holding it
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining: 1, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const allHeaders = { 'content-type': 'application/json', ...headers };
  const send = async (query) => {
    const { statusCode, body } = await pool.request({ path: '/graphql', method: 'POST', headers: allHeaders, body: query.body });
    return { status: statusCode, text: await body.text() };
  };
  return { send, close: () => pool.close() };
}

function summary(latencies, requests, seconds) {
  latencies.sort((a, b) => a - b);
  return { requests, seconds, requestsPerSecond: requests / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** `connections` loops, each sending its next request when the last is answered, for `seconds`. */
export async function closedLoop({ port, headers, queries, compare, connections, seconds }) {
  const mix = rotation(queries);
  const { send, close } = requester(port, headers, connections);
  const latencies = [];
  let next = 0;
  let failure = null;
  const started = performance.now();
  const until = started + seconds * 1000;
  try {
    await Promise.all(Array.from({ length: connections }, async () => {
      while (!failure && performance.now() < until) {
        const query = mix[next++ % mix.length];
        const sentAt = performance.now();
        try {
          const { status, text } = await send(query);
          latencies.push(performance.now() - sentAt);
          query.check.verify(compare, status, text);
        } catch (error) {
          failure ??= error;
        }
      }
    }));
  } finally {
    await close();
  }
  if (failure) throw failure;
  return summary(latencies, latencies.length, (performance.now() - started) / 1000);
}

/** `rate` requests a second for `seconds`, whatever the answers' pace (at most `connections` at once on the wire, the rest queued). */
export async function paced({ port, headers, queries, compare, connections, seconds, rate }) {
  const mix = rotation(queries);
  const { send, close } = requester(port, headers, connections);
  const latencies = [];
  const inFlight = new Set();
  const total = Math.max(1, Math.floor(rate * seconds));
  const interval = 1000 / rate;
  let failure = null;
  const launch = (index, dueAt) => {
    const query = mix[index % mix.length];
    const request = send(query)
      .then(({ status, text }) => {
        latencies.push(performance.now() - dueAt);
        query.check.verify(compare, status, text);
      })
      .catch((error) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };
  const started = performance.now();
  try {
    let sent = 0;
    while (sent < total && !failure) {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      for (; sent < due; sent += 1) launch(sent, started + sent * interval);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + sent * interval - performance.now())));
    }
    while (inFlight.size) await Promise.all([...inFlight]);
  } finally {
    await close();
  }
  if (failure) throw failure;
  return summary(latencies, latencies.length, (performance.now() - started) / 1000);
}
