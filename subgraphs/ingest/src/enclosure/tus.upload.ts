import { open } from 'node:fs/promises';
import { SubgraphError } from '../api/signed-graphql';

/**
 * Sends a file to a tus upload media created (createUpload's uploadUrl and token), from the
 * offset media already holds, one chunk per PATCH. Plain tus 1.0 requests: the upload exists
 * already, so creation, the part a client library adds, is not needed.
 */
export async function sendTus(uploadUrl: string, token: string, file: string, sizeBytes: number, chunkSize: number): Promise<void> {
  const headers = { 'tus-resumable': '1.0.0', 'x-upload-token': token };
  const head = await fetch(uploadUrl, { method: 'HEAD', headers });
  if (!head.ok) throw new SubgraphError(`media's upload answered HTTP ${head.status}`, head.status >= 500 ? 'NETWORK' : 'BAD_REQUEST');
  let offset = Number(head.headers.get('upload-offset') ?? 0);
  const handle = await open(file, 'r');
  try {
    while (offset < sizeBytes) {
      const length = Math.min(chunkSize, sizeBytes - offset);
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, offset);
      const response = await fetch(uploadUrl, {
        method: 'PATCH',
        headers: { ...headers, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        body: chunk,
      });
      if (response.status !== 204) throw new SubgraphError(`media's upload refused a chunk (HTTP ${response.status}: ${(await response.text()).slice(0, 200)})`, response.status >= 500 ? 'NETWORK' : 'BAD_REQUEST');
      offset = Number(response.headers.get('upload-offset'));
    }
  } finally {
    await handle.close();
  }
}
