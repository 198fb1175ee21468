import { createHash } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { configure } from 'safe-stable-stringify';

/** The request header (IETF httpapi draft "The Idempotency-Key HTTP Header Field"; Stripe's name too). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on a response that is the stored answer of an earlier request with the same key (Stripe's name). */
export const REPLAYED_HEADER = 'idempotent-replayed';
/** As Stripe: long enough for a UUID or a client's own composite key, short enough to bound what is kept. */
export const MAX_KEY_LENGTH = 255;

const VISIBLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The key a client sent, or null when it is not one: after trimming, and without the quotes the
 * draft's Structured Field form puts around it (`"8e03978e-…"`), 1 to 255 visible ASCII characters.
 */
export function parseIdempotencyKey(header: string): string | null {
  let key = header.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1);
  return key.length > 0 && key.length <= MAX_KEY_LENGTH && VISIBLE_ASCII.test(key) ? key : null;
}

/**
 * Whose key it is: a signed-in viewer's keys are theirs alone; an anonymous caller's belong to
 * its address (the one anonymous rate limits count by). So one caller never gets another's
 * stored answer, even with the same key.
 */
export function scopeOf(viewer: Viewer | null, clientIp: string | undefined): string {
  return viewer ? `user:${viewer.id}` : `ip:${clientIp ?? 'unknown'}`;
}

// key order of objects does not change what a request asks for
const canonical = configure({ deterministic: true });

/** What must be the same for a retry: the operation's document, its name, and its variables (in any key order). */
export function fingerprintOf(document: string, operationName: string | undefined, variables: Record<string, unknown> | undefined): string {
  return createHash('sha256').update(`${operationName ?? ''}\n${canonical(variables ?? {})}\n${document}`).digest('base64url');
}
