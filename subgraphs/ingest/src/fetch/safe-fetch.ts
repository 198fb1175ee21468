import dns from 'node:dns';
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import { isPublicAddress, RefusedAddressError } from './address-policy';

/** How far a fetch of a URL a user gave us may go. */
export interface FetchPolicy {
  /** Off by default: only public addresses are reached (INGEST_ALLOW_PRIVATE_NETWORKS=true for tests and local runs). */
  allowPrivateNetworks: boolean;
  /** For the whole fetch, redirects and body included. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects?: number;
  /** Name resolution (dns.lookup by default); every address it gives is checked before connecting. */
  lookup?: typeof dns.lookup;
  /** Replaces the public-address rule (tests allow exactly their own server's address). */
  allowAddress?: (address: string) => boolean;
}

const allowed = (policy: FetchPolicy, address: string): boolean =>
  policy.allowAddress ? policy.allowAddress(address) : policy.allowPrivateNetworks || isPublicAddress(address);

/** Why a fetch did not give a body; `transient` ones are worth retrying later. */
export class FetchFailure extends Error {
  constructor(message: string, readonly transient: boolean, readonly httpStatus?: number) {
    super(message);
    this.name = 'FetchFailure';
  }
}

export interface OpenedResponse {
  response: IncomingMessage;
  /** Where the body came from, after redirects. */
  finalUrl: string;
  /** The target of the permanent redirects (301/308) the chain started with: where the resource now lives. */
  movedTo: string | null;
  /** Aborts the request (and the body) now. */
  abort(): void;
  /** Stops the overall timer once the caller is done. */
  done(): void;
  signal: AbortSignal;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const PERMANENT = new Set([301, 308]);

/**
 * Checks at connect time, for every address a name resolves to: a name that resolved to a
 * public address when asked once cannot connect to a private one later (DNS rebinding), since
 * the socket connects only to what this lookup returned.
 */
function guardedLookup(policy: FetchPolicy): LookupFunction {
  const resolve = policy.lookup ?? dns.lookup;
  return ((hostname: string, options: dns.LookupOptions, callback: (err: Error | null, address: string | dns.LookupAddress[], family?: number) => void) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const list = addresses as dns.LookupAddress[];
      const refused = list.find((a) => !allowed(policy, a.address));
      if (refused) return callback(new RefusedAddressError(hostname, refused.address), '');
      if (list.length === 0) return callback(new Error(`${hostname} does not resolve`), '');
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  }) as LookupFunction;
}

function checkUrl(raw: string, policy: FetchPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchFailure(`${raw} is not a valid URL`, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchFailure(`only http and https URLs are fetched, not ${url.protocol}`, false);
  if (url.username || url.password) throw new FetchFailure('URLs with credentials are not fetched', false);
  // an address literal is connected to without a lookup: judged here
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(host) && !allowed(policy, host)) throw new FetchFailure(`${host} is not a public address`, false);
  return url;
}

function requestOnce(url: URL, headers: OutgoingHttpHeaders, policy: FetchPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    // a connection of its own: no pooled socket that an earlier check let through is reused
    const req = client.request(url, { method: 'GET', headers, signal, agent: false, lookup: guardedLookup(policy) }, resolve);
    req.on('error', reject);
    req.end();
  });
}

function failureOf(error: unknown, signal: AbortSignal, timeoutMs: number): FetchFailure {
  if (error instanceof FetchFailure) return error;
  if (signal.aborted) return new FetchFailure(`timed out after ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`, true);
  if (error instanceof RefusedAddressError) return new FetchFailure(error.message, false);
  const code = (error as { code?: string }).code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new FetchFailure(`host not found (${code})`, true);
  return new FetchFailure(`could not connect: ${(error as Error).message ?? String(error)}`, true);
}

/**
 * GET a URL a user gave us, following redirects by hand so every hop is checked again (scheme,
 * address); at most `maxRedirects` (5) hops, all within one timeout. Resolves with the response
 * of the last hop, whatever its status, its body not read yet.
 */
export async function openSafely(raw: string, headers: OutgoingHttpHeaders, policy: FetchPolicy): Promise<OpenedResponse> {
  let url = checkUrl(raw, policy);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), policy.timeoutMs);
  const done = () => clearTimeout(timer);
  let movedTo: string | null = null;
  let permanentSoFar = true;
  try {
    for (let hop = 0; ; hop++) {
      const response = await requestOnce(url, headers, policy, controller.signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (!REDIRECTS.has(status) || !location) {
        return { response, finalUrl: url.toString(), movedTo, abort: () => controller.abort(), done, signal: controller.signal };
      }
      response.resume();
      if (hop >= (policy.maxRedirects ?? 5)) throw new FetchFailure(`more than ${policy.maxRedirects ?? 5} redirects`, false);
      const next = checkUrl(new URL(location, url).toString(), policy);
      permanentSoFar &&= PERMANENT.has(status);
      if (permanentSoFar) movedTo = next.toString();
      url = next;
    }
  } catch (error) {
    done();
    throw failureOf(error, controller.signal, policy.timeoutMs);
  }
}

/** Reads a body up to `maxBytes`; more (declared or sent) fails without reading the rest. */
export async function readBounded(opened: OpenedResponse, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const { response } = opened;
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    opened.abort();
    throw new FetchFailure(`larger than the ${maxBytes} bytes allowed (${declared} bytes)`, false);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        opened.abort();
        throw new FetchFailure(`larger than the ${maxBytes} bytes allowed`, false);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw failureOf(error, opened.signal, timeoutMs);
  } finally {
    opened.done();
  }
  return Buffer.concat(chunks);
}

export interface FeedValidators {
  etag: string | null;
  lastModified: string | null;
}

export type FeedFetch =
  | { status: 'not-modified'; finalUrl: string; movedTo: string | null }
  | { status: 'ok'; body: Buffer; finalUrl: string; movedTo: string | null; validators: FeedValidators };

/** A conditional GET of a feed: 304 means nothing changed since the validators were stored. */
export async function fetchFeed(url: string, known: FeedValidators, policy: FetchPolicy, userAgent: string): Promise<FeedFetch> {
  const headers: OutgoingHttpHeaders = {
    accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
    'user-agent': userAgent,
    ...(known.etag && { 'if-none-match': known.etag }),
    ...(known.lastModified && { 'if-modified-since': known.lastModified }),
  };
  const opened = await openSafely(url, headers, policy);
  const status = opened.response.statusCode ?? 0;
  if (status === 304) {
    opened.response.resume();
    opened.done();
    return { status: 'not-modified', finalUrl: opened.finalUrl, movedTo: opened.movedTo };
  }
  if (status < 200 || status >= 300) {
    opened.response.resume();
    opened.done();
    if (status === 404 || status === 410) throw new FetchFailure(`the feed is gone (HTTP ${status})`, false, status);
    const transient = status >= 500 || status === 429 || status === 408;
    throw new FetchFailure(`the feed answered HTTP ${status}`, transient, status);
  }
  const body = await readBounded(opened, policy.maxBytes, policy.timeoutMs);
  const header = (name: string): string | null => {
    const value = opened.response.headers[name];
    return typeof value === 'string' && value.length <= 512 ? value : null;
  };
  return { status: 'ok', body, finalUrl: opened.finalUrl, movedTo: opened.movedTo, validators: { etag: header('etag'), lastModified: header('last-modified') } };
}
