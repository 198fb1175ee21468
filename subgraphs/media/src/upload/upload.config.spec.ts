import { DEFAULT_UPLOAD_CHUNK_BYTES, uploadChunkBytesFromEnv } from '../media.config';

describe('upload chunk size setting', () => {
  const saved = process.env.MEDIA_UPLOAD_CHUNK_BYTES;
  afterEach(() => {
    if (saved === undefined) delete process.env.MEDIA_UPLOAD_CHUNK_BYTES;
    else process.env.MEDIA_UPLOAD_CHUNK_BYTES = saved;
  });
  beforeEach(() => delete process.env.MEDIA_UPLOAD_CHUNK_BYTES);

  it('defaults to 64 MiB', () => {
    expect(DEFAULT_UPLOAD_CHUNK_BYTES).toBe(64 * 1024 * 1024);
    expect(uploadChunkBytesFromEnv()).toBe(64 * 1024 * 1024);
  });

  it('reads MEDIA_UPLOAD_CHUNK_BYTES and refuses what a GraphQL Int cannot carry or no client can send', () => {
    process.env.MEDIA_UPLOAD_CHUNK_BYTES = String(8 * 1024 * 1024);
    expect(uploadChunkBytesFromEnv()).toBe(8 * 1024 * 1024);
    for (const bad of ['0', '-5', String(2 ** 31), '64MB']) {
      process.env.MEDIA_UPLOAD_CHUNK_BYTES = bad;
      expect(() => uploadChunkBytesFromEnv()).toThrow(/MEDIA_UPLOAD_CHUNK_BYTES/);
    }
  });
});
