import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isViewer, type Viewer } from './viewer';

/**
 * The gateway-to-subgraph envelope. The gateway states who the caller is and signs that
 * statement together with a timestamp, the request id and a digest of the exact body it
 * sends, so a subgraph can tell the request came from the gateway, is fresh, and was not
 * re-used for a different operation. A random nonce is signed too: a subgraph accepts each
 * nonce once within the skew window (see the kit's nonce guard), so a captured request cannot
 * be replayed unchanged either. An HTTP request also carries a signed deadline: the moment the
 * gateway stops waiting for its answer (its own timeout for that fetch). A request that reaches
 * a subgraph after it (held in a queue, a stopped process, a slow proxy) is refused unrun, so a
 * mutation the client was told failed cannot take effect later. Gateway and subgraph clocks are
 * compared, as the timestamp's skew check already does (keep them synchronised, e.g. NTP).
 */
export const ENVELOPE_HEADERS = {
  viewer: 'x-wavegraph-viewer',
  timestamp: 'x-wavegraph-timestamp',
  nonce: 'x-wavegraph-nonce',
  /** Epoch milliseconds after which the request must not run (absent on graphql-ws envelopes). */
  deadline: 'x-wavegraph-deadline',
  requestId: 'x-request-id',
  signature: 'x-wavegraph-signature',
} as const;

export const DEFAULT_MAX_SKEW_MS = 60_000;

export interface EnvelopeFields {
  viewer: Viewer | null;
  requestId: string;
  timestamp: number;
  body: string | Buffer;
  /** Fresh random one unless given (tests that replay a request give the same one twice). */
  nonce?: string;
  /** Epoch ms after which the request must not run; subgraphs require one on HTTP requests. */
  deadline?: number;
}

/** 128 random bits: collisions between honest requests within a minute are not a concern. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function encodeViewer(viewer: Viewer | null): string {
  return viewer ? Buffer.from(JSON.stringify(viewer)).toString('base64url') : '';
}

// v2 added the nonce, v3 the deadline ('' when there is none); nothing outside this repository
// signs or checks envelopes, so older versions are not accepted any more
function signingInput(timestamp: string, nonce: string, deadline: string, requestId: string, viewer: string, body: string | Buffer): string {
  const digest = createHash('sha256').update(body).digest('hex');
  return `v3\n${timestamp}\n${nonce}\n${deadline}\n${requestId}\n${viewer}\n${digest}`;
}

function hmac(secret: string, input: string): string {
  return createHmac('sha256', secret).update(input).digest('hex');
}

/** Headers the gateway adds to a subgraph request. */
export function signEnvelope(secret: string, fields: EnvelopeFields): Record<string, string> {
  return signEncodedEnvelope(secret, encodeViewer(fields.viewer), fields.requestId, fields.timestamp, fields.body, fields.nonce, fields.deadline);
}

/** The same, for a viewer already encoded into its header (the gateway signs at the last moment, over the sent bytes). */
export function signEncodedEnvelope(
  secret: string,
  encodedViewer: string,
  requestId: string,
  timestamp: number,
  body: string | Buffer,
  nonce: string = newNonce(),
  deadline?: number,
): Record<string, string> {
  const ts = String(timestamp);
  const until = deadline === undefined ? '' : String(Math.ceil(deadline));
  return {
    [ENVELOPE_HEADERS.viewer]: encodedViewer,
    [ENVELOPE_HEADERS.timestamp]: ts,
    [ENVELOPE_HEADERS.nonce]: nonce,
    ...(until && { [ENVELOPE_HEADERS.deadline]: until }),
    [ENVELOPE_HEADERS.requestId]: requestId,
    [ENVELOPE_HEADERS.signature]: hmac(secret, signingInput(ts, nonce, until, requestId, encodedViewer, body)),
  };
}

export type EnvelopeResult =
  /**
   * `nonce` and `timestamp` are for the caller's once-only check (the signature alone cannot tell
   * a replay); `deadline` (null when none was signed) for a last look before a transaction commits.
   */
  | { ok: true; viewer: Viewer | null; requestId: string; nonce: string; timestamp: number; deadline: number | null }
  /** `expired`: genuine, but its deadline passed: the gateway has already answered its client without it. */
  | { ok: false; reason: string; expired?: true };

export const DEADLINE_PASSED = 'gateway deadline passed';

type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Checks a request a subgraph received; anything but a fresh, valid signature is refused. */
export function verifyEnvelope(
  secret: string,
  headers: HeaderBag,
  body: string | Buffer,
  now: number = Date.now(),
  maxSkewMs: number = DEFAULT_MAX_SKEW_MS,
): EnvelopeResult {
  const signature = header(headers, ENVELOPE_HEADERS.signature);
  const timestamp = header(headers, ENVELOPE_HEADERS.timestamp);
  const requestId = header(headers, ENVELOPE_HEADERS.requestId) ?? '';
  const viewerText = header(headers, ENVELOPE_HEADERS.viewer) ?? '';
  const nonce = header(headers, ENVELOPE_HEADERS.nonce);
  const until = header(headers, ENVELOPE_HEADERS.deadline) ?? '';
  if (!signature || !timestamp || !nonce) return { ok: false, reason: 'missing gateway signature' };
  const ts = Number(timestamp);
  if (!Number.isFinite(ts) || Math.abs(now - ts) > maxSkewMs) return { ok: false, reason: 'stale gateway signature' };
  const expected = Buffer.from(hmac(secret, signingInput(timestamp, nonce, until, requestId, viewerText, body)), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'invalid gateway signature' };
  }
  // checked once the signature is known good: only the gateway's own deadline is a reason to answer differently
  const deadline = until === '' ? null : Number(until);
  if (deadline !== null && !(deadline >= now)) return { ok: false, reason: DEADLINE_PASSED, expired: true };
  if (viewerText === '') return { ok: true, viewer: null, requestId, nonce, timestamp: ts, deadline };
  let viewer: unknown;
  try {
    viewer = JSON.parse(Buffer.from(viewerText, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed viewer' };
  }
  if (!isViewer(viewer)) return { ok: false, reason: 'malformed viewer' };
  return { ok: true, viewer, requestId, nonce, timestamp: ts, deadline };
}
