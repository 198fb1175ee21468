import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRedisUnavailable, isUuid, type Logger, type SubgraphPubSub } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import type { MediaConfig } from '../media.config';
import { terminateUpload } from './upload.cleanup';
import type { UploadFiles } from './upload.files';
import { isTusRefusal, type UploadFinisher } from './upload.finisher';
import { checkUploadToken } from './upload.token';
import type { FilePatch } from './file.patch';
import { handleTus, RETRY_AFTER, UNAVAILABLE, type TusServer } from './tus.server';

export const UPLOAD_TOKEN_HEADER = 'x-upload-token';

interface Deps {
  dataSource: DataSource;
  files: UploadFiles;
  finisher: UploadFinisher;
  tus: TusServer;
  filePatch: FilePatch | null;
  config: MediaConfig;
  pubSub: SubgraphPubSub;
  log: Logger;
}

interface UploadState {
  status: string;
  expired: boolean;
  size_bytes: string;
  rejection_reason: string | null;
}

function answer(res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Tus-Resumable': '1.0.0', 'Cache-Control': 'no-store', ...(body ? { 'Content-Type': 'text/plain; charset=utf-8' } : {}), ...headers });
  res.end(body);
}

/**
 * `/uploads/<id>` (mounted below /uploads, so `req.url` is `/<id>`): checks the upload token
 * and the upload's state, then hands over to tus. What tus cannot know is answered here:
 * an upload that expired or was rejected is 410, a completed one reports its full offset
 * (its bytes have moved into storage), and creation happens only through GraphQL.
 */
export function uploadRoutes({ dataSource, files, finisher, tus, filePatch, config, pubSub, log }: Deps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  /**
   * All bytes are there but the upload is still PENDING: the finish after the last PATCH failed
   * (storage or database away). A client resuming sees the full offset and stops, so the HEAD
   * it sends finishes the upload instead of leaving it to expire (or, while another request is
   * finishing it, waits for that and reports the result).
   */
  const finishStalled = async (id: string): Promise<boolean> => {
    const staged = await files.store.getUpload(id).catch(() => null);
    if (!staged || staged.size === undefined || staged.offset !== staged.size) return false;
    await finisher.finish(staged);
    return true;
  };

  return async (req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0];
      const id = path.replace(/^\/+|\/+$/g, '');
      if (req.method === 'OPTIONS') return await handleTus(tus, req, res);
      if (!id) return answer(res, 405, 'Create uploads with the createUpload mutation\n', { Allow: 'OPTIONS' });
      if (!isUuid(id)) return answer(res, 404, 'Unknown upload\n');
      if (req.method !== 'HEAD' && req.method !== 'PATCH' && req.method !== 'DELETE') {
        return answer(res, 405, 'Method not allowed\n', { Allow: 'HEAD, PATCH, DELETE, OPTIONS' });
      }
      const header = req.headers[UPLOAD_TOKEN_HEADER];
      const verdict = checkUploadToken(config.signingSecret, Array.isArray(header) ? header[0] : header, id);
      if (verdict === 'unauthorized') return answer(res, 401, `A valid ${UPLOAD_TOKEN_HEADER} header is required\n`);
      if (verdict === 'wrong-upload') return answer(res, 403, 'This token is for another upload\n');
      if (verdict === 'expired') return answer(res, 410, 'The upload has expired\n');

      const [state] = (await dataSource.query(
        'SELECT status, expires_at <= now() AS expired, size_bytes, rejection_reason FROM uploads WHERE id = $1',
        [id.toLowerCase()],
      )) as UploadState[];
      if (!state) return answer(res, 404, 'Unknown upload\n');
      if (state.status === 'EXPIRED' || (state.status === 'PENDING' && state.expired)) return answer(res, 410, 'The upload has expired\n');
      if (state.status === 'REJECTED') return answer(res, 410, `The upload was rejected: ${state.rejection_reason ?? ''}\n`);
      const done = { 'Upload-Offset': state.size_bytes, 'Upload-Length': state.size_bytes };
      if (state.status === 'COMPLETED') {
        if (req.method === 'HEAD') return answer(res, 200, '', done);
        if (req.method === 'DELETE') return answer(res, 400, 'Cannot terminate an already completed upload\n');
        return answer(res, 409, 'The upload is already complete\n', done);
      }
      if (req.method === 'DELETE') {
        await terminateUpload(dataSource, files, pubSub, id.toLowerCase());
        return answer(res, 204);
      }
      if (req.method === 'HEAD' && (await finishStalled(id.toLowerCase()))) return answer(res, 200, '', done);
      if (req.method === 'PATCH' && filePatch) return await filePatch(req, res, id);
      return await handleTus(tus, req, res);
    } catch (error) {
      if (isTusRefusal(error)) return answer(res, error.status_code, error.body);
      if (isRedisUnavailable(error) && !res.headersSent) {
        log.warn({ err: error, url: req.url, method: req.method }, 'upload request refused while Redis is unavailable');
        return answer(res, UNAVAILABLE.status_code, UNAVAILABLE.body, RETRY_AFTER);
      }
      log.error({ err: error, url: req.url, method: req.method }, 'upload request failed');
      if (!res.headersSent) answer(res, 500, 'Something went wrong with that request\n');
      else res.destroy();
    }
  };
}
