import { isUuid } from '@wavegraph/kit';
import { sameSignature, sign } from '../common/hmac';

/*
 * The credential of a session's chunk URL (chunks do not pass through GraphQL auth). It binds one
 * session id and nothing else; unlike an upload token it carries no expiry, because a session's
 * expiry moves on with every chunk: the session row says whether it is still open.
 */

export function issueRecordingToken(secret: string, sessionId: string): string {
  return `${sessionId}.${sign(secret, 'recording', sessionId)}`;
}

/** unauthorized: missing or not ours (401); wrong-session: a valid token of another session (403). */
export type RecordingTokenVerdict = 'ok' | 'unauthorized' | 'wrong-session';

export function checkRecordingToken(secret: string, token: string | undefined, sessionId: string): RecordingTokenVerdict {
  const [id, sig, ...rest] = (token ?? '').split('.');
  if (rest.length || !id || !isUuid(id) || !sig) return 'unauthorized';
  if (!sameSignature(sig, sign(secret, 'recording', id))) return 'unauthorized';
  return id.toLowerCase() === sessionId.toLowerCase() ? 'ok' : 'wrong-session';
}
