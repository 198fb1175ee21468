import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isViewer, type Viewer } from './viewer';

/**
 * The gateway-to-subgraph envelope. The gateway states who the caller is and signs that
 * statement together with a timestamp, the request id and a digest of the exact body it
 * sends, so a subgraph can tell the request came from the gateway, is fresh, and was not
 * re-used for a different operation. A random nonce is signed too: a subgraph accepts each
 * nonce once within the skew window (see the kit's nonce guard), so a captured request cannot
 * be replayed unchanged either.
 */
export const ENVELOPE_HEADERS = {
  viewer: 'x-wavegraph-viewer',
  timestamp: 'x-wavegraph-timestamp',
  nonce: 'x-wavegraph-nonce',
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
}

/** 128 random bits: collisions between honest requests within a minute are not a concern. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function encodeViewer(viewer: Viewer | null): string {
  return viewer ? Buffer.from(JSON.stringify(viewer)).toString('base64url') : '';
}

// v2 added the nonce; nothing outside this repository signs or checks v1, so it is not accepted any more
function signingInput(timestamp: string, nonce: string, requestId: string, viewer: string, body: string | Buffer): string {
  const digest = createHash('sha256').update(body).digest('hex');
  return `v2\n${timestamp}\n${nonce}\n${requestId}\n${viewer}\n${digest}`;
}

function hmac(secret: string, input: string): string {
  return createHmac('sha256', secret).update(input).digest('hex');
}

/** Headers the gateway adds to a subgraph request. */
export function signEnvelope(secret: string, fields: EnvelopeFields): Record<string, string> {
  return signEncodedEnvelope(secret, encodeViewer(fields.viewer), fields.requestId, fields.timestamp, fields.body, fields.nonce);
}

/** The same, for a viewer already encoded into its header (the gateway signs at the last moment, over the sent bytes). */
export function signEncodedEnvelope(
  secret: string,
  encodedViewer: string,
  requestId: string,
  timestamp: number,
  body: string | Buffer,
  nonce: string = newNonce(),
): Record<string, string> {
  const ts = String(timestamp);
  return {
    [ENVELOPE_HEADERS.viewer]: encodedViewer,
    [ENVELOPE_HEADERS.timestamp]: ts,
    [ENVELOPE_HEADERS.nonce]: nonce,
    [ENVELOPE_HEADERS.requestId]: requestId,
    [ENVELOPE_HEADERS.signature]: hmac(secret, signingInput(ts, nonce, requestId, encodedViewer, body)),
  };
}

export type EnvelopeResult =
  /** `nonce` and `timestamp` are for the caller's once-only check (the signature alone cannot tell a replay). */
  | { ok: true; viewer: Viewer | null; requestId: string; nonce: string; timestamp: number }
  | { ok: false; reason: string };

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
  if (!signature || !timestamp || !nonce) return { ok: false, reason: 'missing gateway signature' };
  const ts = Number(timestamp);
  if (!Number.isFinite(ts) || Math.abs(now - ts) > maxSkewMs) return { ok: false, reason: 'stale gateway signature' };
  const expected = Buffer.from(hmac(secret, signingInput(timestamp, nonce, requestId, viewerText, body)), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'invalid gateway signature' };
  }
  if (viewerText === '') return { ok: true, viewer: null, requestId, nonce, timestamp: ts };
  let viewer: unknown;
  try {
    viewer = JSON.parse(Buffer.from(viewerText, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed viewer' };
  }
  if (!isViewer(viewer)) return { ok: false, reason: 'malformed viewer' };
  return { ok: true, viewer, requestId, nonce, timestamp: ts };
}
