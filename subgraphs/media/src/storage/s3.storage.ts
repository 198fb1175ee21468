import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { MediaConfig } from '../media.config';
import type { MediaStorage } from './storage.port';

export type S3Settings = NonNullable<MediaConfig['s3']>;

export interface S3StorageOptions {
  /** Bytes per multipart part (S3's minimum is 5 MiB); also the size up to which a stream goes up as one PutObject. */
  partSize?: number;
  /** Parts uploaded in parallel; memory use is about partSize × queueSize per put. */
  queueSize?: number;
  /** Keys per ListObjectsV2 page (S3 caps it at 1000); smaller only to exercise pagination in tests. */
  listPageSize?: number;
  /** Keys per DeleteObjects call (S3 caps it at 1000); smaller only to exercise batching in tests. */
  deleteBatchSize?: number;
}

const S3_MAX_KEYS_PER_CALL = 1000;
const MIN_PART_SIZE = 5 * 1024 * 1024;

/** The S3 client settings shared by this adapter and the tus S3 datastore, so both reach the same bucket the same way. */
export function s3ClientConfig(settings: S3Settings): S3ClientConfig {
  return {
    region: settings.region,
    endpoint: settings.endpoint,
    // MinIO and most self-hosted servers have no per-bucket DNS names
    forcePathStyle: settings.forcePathStyle,
    // without explicit keys the SDK's default chain applies (environment, profile, instance/task role)
    credentials:
      settings.accessKeyId && settings.secretAccessKey
        ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
        : undefined,
    // SDK releases since January 2025 add CRC32 "flexible checksums" (and aws-chunked bodies for streams) to
    // every upload by default, which a number of S3-compatible services reject (older MinIO, Backblaze B2,
    // several cloud vendors' stores). Checksums only where an operation requires one (DeleteObjects) keeps
    // the adapter portable; TLS still protects the bytes in transit.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/** Our keys are relative paths; refusing `..`, empty and absolute segments keeps them meaning the same on every adapter. */
function assertKey(key: string): void {
  const segments = key.split('/');
  if (!key || segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error(`invalid storage key: ${key}`);
  }
}

function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return status === 404;
}

/**
 * Objects in one bucket, keys used as they are.
 *
 * All-or-nothing holds by construction: a PutObject becomes visible only once S3 has the whole body, and a
 * multipart upload (lib-storage `Upload`, used for streams and files) becomes an object only on
 * CompleteMultipartUpload — its parts are never listed or readable under the key. A failed upload is
 * aborted, so the previous object (if any) stays as it was.
 */
export class S3Storage implements MediaStorage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly listPageSize: number;
  private readonly deleteBatchSize: number;

  constructor(settings: S3Settings, options: S3StorageOptions = {}) {
    this.client = new S3Client(s3ClientConfig(settings));
    this.bucket = settings.bucket;
    this.partSize = Math.max(MIN_PART_SIZE, options.partSize ?? 8 * 1024 * 1024);
    this.queueSize = Math.max(1, options.queueSize ?? 4);
    this.listPageSize = clamp(options.listPageSize ?? S3_MAX_KEYS_PER_CALL, 1, S3_MAX_KEYS_PER_CALL);
    this.deleteBatchSize = clamp(options.deleteBatchSize ?? S3_MAX_KEYS_PER_CALL, 1, S3_MAX_KEYS_PER_CALL);
  }

  async put(key: string, body: Readable | Buffer, contentType?: string): Promise<void> {
    assertKey(key);
    if (Buffer.isBuffer(body)) {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
      return;
    }
    await this.upload(key, body, contentType);
  }

  async putFile(key: string, file: string, contentType?: string): Promise<void> {
    assertKey(key);
    // a missing file fails here, before anything is sent
    const { size } = await stat(file);
    await this.upload(key, createReadStream(file), contentType, size);
  }

  /** Streams and files: up to partSize they go up as one PutObject, beyond that as a multipart upload. */
  private async upload(key: string, body: Readable, contentType?: string, contentLength?: number): Promise<void> {
    const upload = new Upload({
      client: this.client,
      partSize: this.partSize,
      queueSize: this.queueSize,
      // lib-storage's own abort replaces the caller's error with the abort's when that fails too; abort here instead
      leavePartsOnError: true,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: contentLength },
    });
    try {
      await upload.done();
    } catch (error) {
      if (upload.uploadId) await this.abortMultipart(key, upload.uploadId);
      throw error;
    } finally {
      // the SDK stops reading on failure; the source (a file handle, a socket) must still be released
      if (!body.destroyed) body.destroy();
    }
  }

  /**
   * Parts of an unfinished multipart upload are invisible under the key but stored (and billed) until aborted.
   * Best effort: the upload's own error is what the caller needs, and a bucket lifecycle rule
   * (AbortIncompleteMultipartUpload) is the backstop for aborts that fail (s3rver, for one, has no such call).
   */
  private async abortMultipart(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch {
      // see above
    }
  }

  async stat(key: string): Promise<{ size: number; contentType?: string } | null> {
    assertKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: head.ContentLength ?? 0, contentType: head.ContentType };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    assertKey(key);
    if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.end >= range.start)) {
      throw new RangeError(`invalid byte range ${range.start}-${range.end}`);
    }
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
    );
    const body = bodyOf(object.Body, key);
    return range ? exactRange(body, range, object.ContentRange) : body;
  }

  async download(key: string, dir: string): Promise<string> {
    assertKey(key);
    const target = path.join(dir, path.basename(key));
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const body = bodyOf(object.Body, key);
    // a dropped connection must not leave a truncated file that looks like the object to ffmpeg
    const temp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await pipeline(body, createWriteStream(temp));
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return target;
  }

  async deletePrefix(prefix: string): Promise<void> {
    // listing first, then deleting, keeps pagination stable (no deletes under a live continuation token)
    const keys = await this.list(prefix);
    for (let index = 0; index < keys.length; index += this.deleteBatchSize) {
      const batch = keys.slice(index, index + this.deleteBatchSize);
      const result = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
      // DeleteObjects answers 200 even when single keys fail; those come back in Errors
      if (result.Errors?.length) {
        const sample = result.Errors.slice(0, 3).map((failure) => `${failure.Key}: ${failure.Code ?? failure.Message}`);
        throw new Error(`could not delete ${result.Errors.length} object(s) under ${prefix}: ${sample.join('; ')}`);
      }
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: this.listPageSize },
      { Bucket: this.bucket, Prefix: prefix },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    }
    // S3 orders by UTF-8 bytes; sorting here gives the same order as the filesystem adapter
    return keys.sort();
  }

  /** Closes the client's pooled sockets (tests, shutdown). */
  destroy(): void {
    this.client.destroy();
  }
}

/** On Node the SDK's body is an http.IncomingMessage; anything else means a browser/fetch handler was configured. */
function bodyOf(body: unknown, key: string): Readable {
  if (!(body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}`);
  return body;
}

/**
 * HTTP lets a server answer a Range request with more than was asked (200 with the whole object, or a wider
 * 206; s3rver does the former for `bytes=0-0`). Playback sends these bytes under a Content-Range built from
 * the requested range, so anything wider is cut down here, and a response that does not cover the request
 * is an error rather than wrong bytes.
 */
function exactRange(body: Readable, wanted: { start: number; end: number }, contentRange: string | undefined): Readable {
  // no Content-Range: the server sent the whole object from byte 0
  const match = contentRange ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange) : null;
  if (contentRange && !match) {
    body.destroy();
    throw new Error(`unexpected Content-Range from S3: ${contentRange}`);
  }
  const sentStart = match ? Number(match[1]) : 0;
  const sentEnd = match ? Number(match[2]) : Number.POSITIVE_INFINITY;
  const total = match && match[3] !== '*' ? Number(match[3]) : undefined;
  // ending before the requested end is only fine where the object itself ends
  const endsAtObjectEnd = total !== undefined && sentEnd === total - 1;
  if (sentStart > wanted.start || (sentEnd < wanted.end && !endsAtObjectEnd)) {
    body.destroy();
    throw new Error(`S3 sent bytes ${sentStart}-${sentEnd} for a request of ${wanted.start}-${wanted.end}`);
  }
  // S3 clamps the end to the object's last byte; so does this
  const length = Math.min(wanted.end, sentEnd) - wanted.start + 1;
  if (sentStart === wanted.start && sentEnd === wanted.start + length - 1) return body;
  return Readable.from(slice(body, wanted.start - sentStart, length), { objectMode: false });
}

async function* slice(body: Readable, skip: number, length: number): AsyncGenerator<Buffer> {
  let toSkip = skip;
  let left = length;
  // leaving the loop early destroys the body, so a 1-byte read of a large object does not download all of it
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const usable = toSkip >= chunk.length ? undefined : chunk.subarray(toSkip);
    toSkip = Math.max(0, toSkip - chunk.length);
    if (!usable) continue;
    if (usable.length >= left) {
      yield usable.subarray(0, left);
      return;
    }
    left -= usable.length;
    yield usable;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(value)));
}
