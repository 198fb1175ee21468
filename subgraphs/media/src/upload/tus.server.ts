import type { Logger } from '@wavegraph/kit';
import { Server as TusServer } from '@tus/server';
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
    // tus appends an unexpected error's message to the body; keep internals in our logs instead
    onResponseError: (_req, error) => {
      if ('status_code' in error && error.status_code < 500) return undefined;
      log.error({ err: error }, 'tus request failed');
      return { status_code: 500, body: 'Something went wrong with that request\n' };
    },
  });
}
