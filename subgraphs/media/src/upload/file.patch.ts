import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERRORS, EXPOSED_HEADERS, StreamLimiter, TUS_RESUMABLE, type DataStore, type Upload } from '@tus/server';
import type { Logger } from '@wavegraph/kit';
import type { UploadFiles } from './upload.files';
import type { UploadFinisher } from './upload.finisher';
import { header, invalidTusHeaders } from './tus.headers';
import { RETRY_AFTER, tusErrorAnswer, UNAVAILABLE } from './tus.server';

/** How long a PATCH holding the lock may go on once another request asks for it (@tus/server's lockDrainTimeout default). */
export const LOCK_DRAIN_MS = 3000;

export type FilePatch = (req: IncomingMessage, res: ServerResponse, id: string) => Promise<void>;

/**
 * A tus PATCH on the file store, answered on Node's own request and response.
 *
 * Why our own: @tus/server 2 turns every Node request into a web Request and its body into a
 * web stream (Node 20's adapter copies each chunk to detach it from the socket's buffer), then
 * back into a Node stream through a PassThrough and its size limiter before the store sees a
 * byte. Profiled under bench/media.mjs that was the copy (about 50 ms of CPU per 200 MB), twice
 * the garbage collection and four stream hops per 64 KiB chunk: a quarter of the media
 * process's CPU per upload, and uploads through the gateway run with every core busy (client,
 * gateway and media each move every byte), so CPU is what bounds their speed. Here the request
 * body goes to the store through the limiter only. That it answers exactly as @tus/server does
 * is checked request for request against the installed @tus/server (file.patch.spec.ts).
 *
 * Everything else is @tus/server's PATCH, step by step (its server.handler and
 * PatchHandler.send, v2.4): Tus-Resumable required (412), tus header rules (400),
 * Upload-Offset and Content-Type required (403), the upload's lock with tus's hand-over (a
 * request asking for it makes this one stop after LOCK_DRAIN_MS and answer with the bytes it
 * stored), expiry (410), offset conflict (409), no deferred length (501), the body no longer
 * than the upload's rest (413), a dropped connection keeping the bytes that arrived, the
 * finish hook on the last byte, 204 with Upload-Offset and Upload-Expires, errors mapped like
 * tus's onResponseError, and Connection: close on any answer of an aborted PATCH. HEAD,
 * OPTIONS and DELETE, and every PATCH of the S3 store, still go to @tus/server itself.
 */
export function filePatch(files: UploadFiles, finisher: UploadFinisher, maxSize: number, log: Logger): FilePatch {
  const store: DataStore = files.store;
  const expiration = (): number => (store.hasExtension('expiration') ? store.getExpiration() : 0);

  return async (req, res, id) => {
    const context = patchContext(req);
    const headers: Record<string, string> = { 'Tus-Resumable': TUS_RESUMABLE, 'Access-Control-Expose-Headers': EXPOSED_HEADERS };
    const send = (status: number, body = ''): void => {
      if (context.signal.aborted) headers.Connection = 'close';
      if (body) Object.assign(headers, { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Length': String(Buffer.byteLength(body)) });
      res.writeHead(status, headers).end(status === 204 ? undefined : body);
      context.done();
    };
    if (!header(req.headers, 'tus-resumable')) return send(412, 'Tus-Resumable Required\n');
    const invalid = invalidTusHeaders(req.headers);
    if (invalid.length > 0) return send(400, `Invalid ${invalid.join(' ')}\n`);
    try {
      const offsetHeader = header(req.headers, 'upload-offset');
      if (offsetHeader === undefined) throw ERRORS.MISSING_OFFSET;
      const offset = Number.parseInt(offsetHeader, 10);
      if (header(req.headers, 'content-type') === undefined) throw ERRORS.INVALID_CONTENT_TYPE;

      const lock = files.locker.newLock(id);
      await lock.lock(context.signal, context.cancel);
      let upload: Upload;
      try {
        upload = await store.getUpload(id);
        const creation = upload.creation_date ? new Date(upload.creation_date).getTime() : Date.now();
        if (expiration() > 0 && Date.now() > creation + expiration()) throw ERRORS.FILE_NO_LONGER_EXISTS;
        if (upload.offset !== offset) throw ERRORS.INVALID_OFFSET;
        // creation (with defer-length) is not offered: uploads are created with their size by createUpload
        if (header(req.headers, 'upload-length') !== undefined) throw ERRORS.UNSUPPORTED_CREATION_DEFER_LENGTH_EXTENSION;
        upload.offset = await receive(req, store, upload, maxBodySize(req, upload, maxSize), context.signal);
      } finally {
        await lock.unlock();
      }
      if (upload.offset === upload.size) await finisher.finish(upload);
      headers['Upload-Offset'] = String(upload.offset);
      if (expiration() > 0 && upload.creation_date && (upload.size === undefined || upload.offset < upload.size)) {
        headers['Upload-Expires'] = new Date(new Date(upload.creation_date).getTime() + expiration()).toUTCString();
      }
      send(204);
    } catch (error) {
      context.abort();
      const { status_code, body } = tusErrorAnswer(error, log);
      if (status_code === UNAVAILABLE.status_code) Object.assign(headers, RETRY_AFTER);
      send(status_code, body);
    }
  };
}

/** tus's calculateMaxBodySize for an upload of known size: a declared body must fit the rest of the upload. */
function maxBodySize(req: IncomingMessage, upload: Upload, maxSize: number): number {
  const declared = header(req.headers, 'content-length');
  const length = Number.parseInt(declared ?? '0', 10);
  if (upload.sizeIsDeferred) {
    if (declared !== undefined && maxSize > 0 && upload.offset + length > maxSize) throw ERRORS.ERR_SIZE_EXCEEDED;
    return maxSize > 0 ? maxSize - upload.offset : Number.MAX_SAFE_INTEGER;
  }
  if (upload.offset + length > (upload.size ?? 0)) throw ERRORS.ERR_SIZE_EXCEEDED;
  return declared !== undefined ? length : (upload.size ?? 0) - upload.offset;
}

/**
 * Streams the body into the store; resolves with the new offset. When the PATCH is aborted
 * (the client went away, or the lock is wanted elsewhere) the body stops where it is and the
 * store keeps what it wrote, as tus does.
 */
async function receive(req: IncomingMessage, store: DataStore, upload: Upload, maxBody: number, signal: AbortSignal): Promise<number> {
  if (signal.aborted) throw ERRORS.ABORTED;
  // piped, not pipelined: an error of the request must end the body here, not destroy the store's write
  const limited = new StreamLimiter(maxBody);
  const stop = (): void => {
    req.unpipe(limited);
    if (!limited.destroyed) limited.end();
  };
  // a body longer than allowed is refused with the limiter's 413, not the store's write error it causes
  let tooLong: unknown;
  limited.once('error', (error) => (tooLong = error));
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await store.write(req.pipe(limited), upload.id, upload.offset);
  } catch (error) {
    req.unpipe(limited);
    throw tooLong ?? (error instanceof Error && error.name === 'AbortError' ? ERRORS.ABORTED : error);
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

interface PatchContext {
  signal: AbortSignal;
  /** Stop now. */
  abort(): void;
  /** Another request wants the lock: stop after LOCK_DRAIN_MS (tus's delayed abort). */
  cancel(): void;
  /** The answer is sent: nothing is pending any more. */
  done(): void;
}

/** tus's cancellation context for one request, aborted too when the connection drops before the body ended. */
function patchContext(req: IncomingMessage): PatchContext {
  const controller = new AbortController();
  let drain: NodeJS.Timeout | undefined;
  const abort = (): void => {
    if (!controller.signal.aborted) controller.abort(ERRORS.ABORTED);
  };
  const dropped = (): void => {
    if (!req.complete) abort();
  };
  req.once('error', abort);
  req.once('close', dropped);
  return {
    signal: controller.signal,
    abort,
    cancel: () => {
      drain ??= setTimeout(abort, LOCK_DRAIN_MS);
    },
    done: () => {
      clearTimeout(drain);
      req.off('close', dropped);
    },
  };
}
