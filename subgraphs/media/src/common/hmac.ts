import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * One keyed hash for every signature media hands out. `purpose` separates the kinds (an
 * upload token can never pass as a playback signature, and the reverse).
 */
export function sign(secret: string, purpose: 'upload' | 'recording' | 'playback' | 'ip-hash', ...parts: string[]): string {
  return createHmac('sha256', secret).update([purpose, ...parts].join('\n')).digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function sameSignature(given: string, expected: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}

export const unixNow = (): number => Math.floor(Date.now() / 1000);
