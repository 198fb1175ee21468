import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat, truncate } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { FetchFailure, openSafely, type FetchPolicy } from '../fetch/safe-fetch';

export interface Downloaded {
  sizeBytes: number;
  sha256: string;
  /** The Content-Type the server sent, if any. */
  contentType: string | null;
}

const sizeOf = async (file: string): Promise<number> => (await stat(file).catch(() => null))?.size ?? 0;

/**
 * Downloads a URL into `file`, resuming what an earlier attempt left there with a Range request
 * (a server answering 200 instead starts it over), SSRF-checked like feeds and never past
 * `maxBytes`. Resolves once the file holds the whole body.
 */
export async function downloadResumable(url: string, file: string, policy: FetchPolicy, userAgent: string): Promise<Downloaded> {
  const have = await sizeOf(file);
  const opened = await openSafely(url, { 'user-agent': userAgent, accept: 'audio/*, video/*;q=0.9, */*;q=0.5', ...(have > 0 && { range: `bytes=${have}-` }) }, policy);
  const { response } = opened;
  const status = response.statusCode ?? 0;
  try {
    if (status === 416 && have > 0) {
      // what we hold is already the whole file
      response.resume();
    } else {
      if (status !== 200 && status !== 206) {
        response.resume();
        const transient = status >= 500 || status === 429 || status === 408;
        throw new FetchFailure(`the enclosure answered HTTP ${status}`, transient, status);
      }
      const resuming = status === 206 && have > 0;
      if (!resuming) await truncate(file, 0).catch(() => undefined);
      const start = resuming ? have : 0;
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && start + declared > policy.maxBytes) throw new FetchFailure(`the enclosure is larger than the ${policy.maxBytes} bytes allowed`, false);
      let written = start;
      const limit = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          written += chunk.length;
          if (written > policy.maxBytes) callback(new FetchFailure(`the enclosure is larger than the ${policy.maxBytes} bytes allowed`, false));
          else callback(null, chunk);
        },
      });
      await pipeline(response, limit, createWriteStream(file, { flags: resuming ? 'a' : 'w' }));
    }
  } catch (error) {
    if (error instanceof FetchFailure) throw error;
    if (opened.signal.aborted) throw new FetchFailure(`the download timed out after ${Math.round(policy.timeoutMs / 1000)} s`, true);
    throw new FetchFailure(`the download broke off: ${(error as Error).message}`, true);
  } finally {
    opened.done();
  }
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  const contentType = typeof response.headers['content-type'] === 'string' ? response.headers['content-type'].split(';')[0].trim().toLowerCase() : null;
  return { sizeBytes: await sizeOf(file), sha256: hash.digest('hex'), contentType };
}
