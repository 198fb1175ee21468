import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isViewer, type Viewer } from './viewer';

/**
 * The gateway-to-subgraph envelope. The gateway states who the caller is and signs that
 * statement together with a timestamp, the request id and a digest of the exact body it
 * sends, so a subgraph can tell the request came from the gateway, is fresh, and was not
 * re-used for a different operation.
 */
export const ENVELOPE_HEADERS = {
  viewer: 'x-wavegraph-viewer',
  timestamp: 'x-wavegraph-timestamp',
  requestId: 'x-request-id',
  signature: 'x-wavegraph-signature',
} as const;

export const DEFAULT_MAX_SKEW_MS = 60_000;

export interface EnvelopeFields {
  viewer: Viewer | null;
  requestId: string;
  timestamp: number;
  body: string | Buffer;
}

export function encodeViewer(viewer: Viewer | null): string {
  return viewer ? Buffer.from(JSON.stringify(viewer)).toString('base64url') : '';
}

function signingInput(timestamp: string, requestId: string, viewer: string, body: string | Buffer): string {
  const digest = createHash('sha256').update(body).digest('hex');
  return `v1\n${timestamp}\n${requestId}\n${viewer}\n${digest}`;
}

function hmac(secret: string, input: string): string {
  return createHmac('sha256', secret).update(input).digest('hex');
}

/** Headers the gateway adds to a subgraph request. */
export function signEnvelope(secret: string, fields: EnvelopeFields): Record<string, string> {
  return signEncodedEnvelope(secret, encodeViewer(fields.viewer), fields.requestId, fields.timestamp, fields.body);
}

/** The same, for a viewer already encoded into its header (the gateway signs at the last moment, over the sent bytes). */
export function signEncodedEnvelope(
  secret: string,
  encodedViewer: string,
  requestId: string,
  timestamp: number,
  body: string | Buffer,
): Record<string, string> {
  const ts = String(timestamp);
  return {
    [ENVELOPE_HEADERS.viewer]: encodedViewer,
    [ENVELOPE_HEADERS.timestamp]: ts,
    [ENVELOPE_HEADERS.requestId]: requestId,
    [ENVELOPE_HEADERS.signature]: hmac(secret, signingInput(ts, requestId, encodedViewer, body)),
  };
}

export type EnvelopeResult =
  | { ok: true; viewer: Viewer | null; requestId: string }
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
  if (!signature || !timestamp) return { ok: false, reason: 'missing gateway signature' };
  const ts = Number(timestamp);
  if (!Number.isFinite(ts) || Math.abs(now - ts) > maxSkewMs) return { ok: false, reason: 'stale gateway signature' };
  const expected = Buffer.from(hmac(secret, signingInput(timestamp, requestId, viewerText, body)), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'invalid gateway signature' };
  }
  if (viewerText === '') return { ok: true, viewer: null, requestId };
  let viewer: unknown;
  try {
    viewer = JSON.parse(Buffer.from(viewerText, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed viewer' };
  }
  if (!isViewer(viewer)) return { ok: false, reason: 'malformed viewer' };
  return { ok: true, viewer, requestId };
}
