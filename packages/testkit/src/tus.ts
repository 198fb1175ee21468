import { createHash } from 'node:crypto';
import { Upload as TusClientUpload } from 'tus-js-client';

export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A raw tus request, for the protocol edge cases a well-behaved client never sends. */
export function tusRequest(
  url: string,
  method: 'HEAD' | 'PATCH' | 'DELETE' | 'POST' | 'GET' | 'OPTIONS',
  token: string | null,
  options: { offset?: number; body?: Buffer; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'Tus-Resumable': '1.0.0', ...options.headers };
  if (token !== null) headers['x-upload-token'] = token;
  if (options.offset !== undefined) headers['Upload-Offset'] = String(options.offset);
  if (options.body) headers['Content-Type'] = 'application/offset+octet-stream';
  return fetch(url, { method, headers, body: options.body });
}

export const offsetOf = async (url: string, token: string): Promise<number> =>
  Number((await tusRequest(url, 'HEAD', token)).headers.get('upload-offset'));

interface ClientRun {
  /** Resolves once the upload succeeded, or was aborted by `stopAfter`. */
  done: Promise<'finished' | 'aborted'>;
}

/**
 * Sends `bytes` with tus-js-client (the client browsers and Node apps use) to an upload created
 * by createUpload, resuming from whatever the server holds. With `stopAfter`, the client aborts
 * in the middle of a PATCH once that many bytes were sent, like a dropped connection.
 */
export function sendWithTusClient(uploadUrl: string, token: string, bytes: Buffer, stopAfter?: number): ClientRun {
  const done = new Promise<'finished' | 'aborted'>((resolve, reject) => {
    let aborted = false;
    const upload = new TusClientUpload(bytes, {
      uploadUrl,
      headers: { 'x-upload-token': token },
      chunkSize: 256 * 1024,
      retryDelays: [],
      storeFingerprintForResuming: false,
      onProgress: (sent) => {
        if (stopAfter !== undefined && !aborted && sent >= stopAfter) {
          aborted = true;
          void upload.abort().then(() => resolve('aborted'), reject);
        }
      },
      onSuccess: () => resolve('finished'),
      onError: (error) => reject(error),
    });
    upload.start();
  });
  return { done };
}

/**
 * A PATCH whose connection drops after `sendBytes` of the announced body: the network failing
 * in the middle of a chunk, which no client API lets a test arrange precisely.
 */
export async function dropMidPatch(url: string, token: string, bytes: Buffer, offset: number, sendBytes: number): Promise<void> {
  const { request } = await import('node:http');
  const req = request(url, {
    method: 'PATCH',
    headers: {
      'Tus-Resumable': '1.0.0', 'x-upload-token': token, 'Upload-Offset': String(offset),
      'Content-Type': 'application/offset+octet-stream', 'Content-Length': String(bytes.length - offset),
    },
  });
  req.on('error', () => undefined);
  await new Promise<void>((resolve) => req.write(bytes.subarray(offset, offset + sendBytes), () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 100));
  req.destroy();
}
