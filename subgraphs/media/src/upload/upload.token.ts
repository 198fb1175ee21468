import { isUuid } from '@wavegraph/kit';
import { sameSignature, sign, unixNow } from '../common/hmac';

/*
 * The credential of the tus endpoint. tus requests do not pass through GraphQL auth, so
 * createUpload hands out a token that binds one upload id to its expiry: whoever holds it may
 * send that file's bytes (and nothing else) until the upload expires.
 */

export function issueUploadToken(secret: string, uploadId: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${uploadId}.${exp}.${sign(secret, 'upload', uploadId, String(exp))}`;
}

/** unauthorized: missing or not ours (401); wrong-upload: a valid token of another upload (403); expired (410). */
export type TokenVerdict = 'ok' | 'unauthorized' | 'wrong-upload' | 'expired';

export function checkUploadToken(secret: string, token: string | undefined, uploadId: string, now = unixNow()): TokenVerdict {
  const [id, exp, sig, ...rest] = (token ?? '').split('.');
  if (rest.length || !id || !isUuid(id) || !/^\d{1,12}$/.test(exp ?? '') || !sig) return 'unauthorized';
  if (!sameSignature(sig, sign(secret, 'upload', id, exp))) return 'unauthorized';
  if (id.toLowerCase() !== uploadId.toLowerCase()) return 'wrong-upload';
  return Number(exp) <= now ? 'expired' : 'ok';
}
