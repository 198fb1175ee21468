import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRedisUnavailable, REDIS_RETRY_AFTER_SECONDS, type Logger } from '@wavegraph/kit';
import { ERRORS, Server as TusServer } from '@tus/server';
import type { MediaConfig } from '../media.config';
import type { UploadFiles } from './upload.files';
import type { UploadFinisher } from './upload.finisher';

export type { TusServer };

/**
 * The tus protocol handler (offsets, 409 on a wrong offset, 413 past the declared size, locks
 * against concurrent PATCHes). Uploads are created by the createUpload mutation, never by a tus
 * POST, and the routes in front of it check the upload token first.
 */
export function createTusServer(files: UploadFiles, finisher: UploadFinisher, config: MediaConfig, log: Logger): TusServer {
  // OPTIONS must not advertise creation: clients would POST, which only createUpload does
  files.store.extensions = files.store.extensions.filter((extension) => !extension.startsWith('creation'));
  return new TusServer({
    path: '/uploads',
    datastore: files.store,
    locker: files.locker,
    maxSize: config.maxUploadBytes,
    // behind the gateway the Host is the subgraph's; URLs we hand out use the public origin anyway
    respectForwardedHeaders: true,
    generateUrl: (_req, { id }) => `${config.publicUrl}/uploads/${id}`,
    // the gateway answers CORS for /uploads; a wildcard from here would override its origin list
    allowedOrigins: [],
    onUploadFinish: async (_req, upload) => {
      await finisher.finish(upload);
      return {};
    },
    onResponseError: (_req, error) => internalError(error, log),
  });
}

/** What a tus client gets while Redis (the upload lock, the processing queue) is away: a 503 to retry after `RETRY_AFTER`. */
export const UNAVAILABLE = { status_code: 503, body: 'Uploads are temporarily unavailable; retry shortly\n' } as const;
export const RETRY_AFTER = { 'Retry-After': String(REDIS_RETRY_AFTER_SECONDS) } as const;

/**
 * A refusal tus may send as it is (a 4xx), or null: Redis being away is a retryable 503, any
 * other 4xx-less error is logged and answered 500.
 */
function internalError(error: unknown, log: Logger): { status_code: number; body: string } | undefined {
  if (typeof error === 'object' && error !== null && 'status_code' in error && typeof error.status_code === 'number' && error.status_code < 500) return undefined;
  if (isRedisUnavailable(error)) {
    log.warn({ err: error }, 'tus request refused while Redis is unavailable');
    return UNAVAILABLE;
  }
  // tus appends an unexpected error's message to the body; keep internals in our logs instead
  log.error({ err: error }, 'tus request failed');
  return { status_code: 500, body: 'Something went wrong with that request\n' };
}

/** What tus answers for an error a request handler threw (its own onError, then our mapping above). */
export function tusErrorAnswer(error: unknown, log: Logger): { status_code: number; body: string } {
  const mapped = internalError(error, log);
  if (mapped) return mapped;
  const { status_code, body } = error as { status_code: number; body?: string };
  return { status_code, body: body || `${ERRORS.UNKNOWN_ERROR.body}${error instanceof Error ? error.message : ''}\n` };
}

/**
 * `tus.handle`, with Retry-After on a 503: tus lets onResponseError choose an error's status and
 * body but not its headers, so the header is set as tus writes the head (Node merges it in).
 */
export async function handleTus(tus: TusServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
    if (status === UNAVAILABLE.status_code && !this.hasHeader('retry-after')) this.setHeader('Retry-After', RETRY_AFTER['Retry-After']);
    return (writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse).call(this, status, ...rest);
  } as ServerResponse['writeHead'];
  try {
    await tus.handle(req, res);
  } finally {
    res.writeHead = writeHead;
  }
}
