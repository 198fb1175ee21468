import { badInput, requireUuid } from '@wavegraph/kit';
import type { CreateUploadInput } from './upload.types';

/** What the pipeline can read; anything else is refused before a byte is sent. */
export const ALLOWED_MIME_TYPES: ReadonlySet<string> = new Set([
  'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/wav', 'audio/x-wav', 'audio/flac', 'audio/ogg',
  'video/mp4', 'video/quicktime', 'video/webm',
]);

export interface ValidUpload {
  episodeId: string;
  filename: string;
  sizeBytes: number;
  mimeType: string;
  sha256: string | null;
}

// control characters and path separators have no business in a display name
const UNSAFE_FILENAME = /[\u0000-\u001f\u007f/\\]/;

/** Checks every field up front, so a refused request writes nothing anywhere. */
export function validUpload(input: CreateUploadInput, maxUploadBytes: number): ValidUpload {
  const episodeId = requireUuid('episodeId', input.episodeId);
  const filename = input.filename.trim();
  if (filename.length < 1 || filename.length > 255) throw badInput('filename must be 1 to 255 characters', 'filename');
  if (UNSAFE_FILENAME.test(filename)) throw badInput('filename must not contain path separators or control characters', 'filename');
  const mimeType = input.mimeType.trim().toLowerCase();
  if (!ALLOWED_MIME_TYPES.has(mimeType)) throw badInput(`mimeType ${input.mimeType} is not accepted`, 'mimeType');
  const { sizeBytes } = input;
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 1) throw badInput('sizeBytes must be a positive whole number', 'sizeBytes');
  if (sizeBytes > maxUploadBytes) throw badInput(`sizeBytes must be at most ${maxUploadBytes}`, 'sizeBytes');
  const sha256 = input.sha256 == null ? null : input.sha256.trim().toLowerCase();
  if (sha256 !== null && !/^[0-9a-f]{64}$/.test(sha256)) throw badInput('sha256 must be 64 hexadecimal characters', 'sha256');
  return { episodeId, filename, sizeBytes, mimeType, sha256 };
}
