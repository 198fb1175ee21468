import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRedisUnavailable, isUuid, type Logger } from '@wavegraph/kit';
import type { MediaConfig } from '../media.config';
import { UPLOAD_TOKEN_HEADER } from '../upload/upload.routes';
import { MAX_SEQUENCE } from './recording.entity';
import { ChunkRefusal, type RecordingChunks } from './recording.chunks';
import { checkRecordingToken } from './recording.token';

interface Deps {
  recordingChunks: RecordingChunks;
  config: MediaConfig;
  log: Logger;
}

const CHUNK_PATH = /^\/([0-9a-fA-F-]{36})\/chunks\/(\d{1,6})$/;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

const refusal = (res: ServerResponse, error: ChunkRefusal, headers: Record<string, string> = {}): void =>
  json(res, error.status, { error: { code: error.code, message: error.message, ...error.details } }, headers);

/** The body, whole, or a 413 refusal once it passes `limit` (nothing of it is kept). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let size = 0;
  for await (const piece of req) {
    size += (piece as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    pieces.push(piece as Buffer);
  }
  return Buffer.concat(pieces, size);
}

const tooLarge = (limit: number): ChunkRefusal => new ChunkRefusal(413, 'CHUNK_TOO_LARGE', `A chunk holds at most ${limit} bytes`, { limit });

/**
 * `PUT /recordings/<session>/chunks/<sequence>` (mounted below /recordings) with the session's
 * token in `x-upload-token` and the chunk's bytes as the body: 201 when stored, 200 when that
 * sequence was already stored with the same bytes, every refusal a JSON `{ error: { code, message } }`.
 */
export function recordingRoutes({ recordingChunks, config, log }: Deps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      const match = CHUNK_PATH.exec((req.url ?? '/').split('?')[0]);
      if (!match || !isUuid(match[1])) return refusal(res, new ChunkRefusal(404, 'NOT_FOUND', 'Send chunks to PUT <chunkUrl>/<sequence>'));
      if (req.method !== 'PUT') return refusal(res, new ChunkRefusal(405, 'METHOD_NOT_ALLOWED', 'Chunks are sent with PUT'), { Allow: 'PUT' });
      const [, sessionId, sequenceText] = match;
      const header = req.headers[UPLOAD_TOKEN_HEADER];
      const verdict = checkRecordingToken(config.signingSecret, Array.isArray(header) ? header[0] : header, sessionId);
      if (verdict === 'unauthorized') return refusal(res, new ChunkRefusal(401, 'UNAUTHENTICATED', `The session's token is required in the ${UPLOAD_TOKEN_HEADER} header`));
      if (verdict === 'wrong-session') return refusal(res, new ChunkRefusal(403, 'FORBIDDEN', 'This token is for another recording session'));
      const sequence = Number(sequenceText);
      if (sequence > MAX_SEQUENCE) return refusal(res, new ChunkRefusal(400, 'BAD_USER_INPUT', `The sequence number must be from 0 to ${MAX_SEQUENCE}`));
      const limit = recordingChunks.maxChunkBytes;
      const declared = Number(req.headers['content-length'] ?? NaN);
      // refused before a byte is read; the connection closes rather than take the rest
      if (declared > limit) return refusal(res, tooLarge(limit), { Connection: 'close' });
      const bytes = await readBody(req, limit);
      if (bytes.length === 0) return refusal(res, new ChunkRefusal(400, 'BAD_USER_INPUT', 'A chunk must hold at least one byte (skip empty recorder chunks without using a number)'));
      const receipt = await recordingChunks.store(sessionId.toLowerCase(), sequence, bytes);
      return json(res, receipt.created ? 201 : 200, receipt);
    } catch (error) {
      if (error instanceof ChunkRefusal) return refusal(res, error, error.status === 413 ? { Connection: 'close' } : {});
      if (isRedisUnavailable(error) && !res.headersSent) return json(res, 503, { error: { code: 'SERVICE_UNAVAILABLE', message: 'Try again shortly' } }, { 'Retry-After': '5' });
      log.error({ err: error, url: req.url, method: req.method }, 'recording chunk request failed');
      if (!res.headersSent) json(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'The chunk was not stored; send it again' } });
      else res.destroy();
    }
  };
}
