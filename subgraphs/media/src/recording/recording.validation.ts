import { badInput } from '@wavegraph/kit';
import { MAX_SEQUENCE } from './recording.entity';

/**
 * What browsers' MediaRecorder produces and the stitcher can remux: WebM (Chrome, Firefox, Edge),
 * Ogg (Firefox) and fragmented MP4 (Safari), each one stream split into pieces.
 */
const CONTAINERS: Record<string, { format: string; extension: string }> = {
  'audio/webm': { format: 'webm', extension: 'webm' },
  'video/webm': { format: 'webm', extension: 'webm' },
  'audio/ogg': { format: 'ogg', extension: 'ogg' },
  'audio/mp4': { format: 'mp4', extension: 'm4a' },
  'video/mp4': { format: 'mp4', extension: 'mp4' },
};

// a type/subtype with optional parameters (codecs=opus), as MediaRecorder.mimeType reads
const MIME = /^([a-z]+\/[a-z0-9.+-]+)((\s*;\s*[a-z0-9-]+=("[^"]*"|[^;"\s]*))*)$/;

/** The recorder's MIME type, normalised, and the container its chunks form. */
export function validRecordingMime(input: string): { mimeType: string; baseType: string; format: string; extension: string } {
  const mimeType = input.trim().toLowerCase();
  const match = mimeType.length <= 255 ? MIME.exec(mimeType) : null;
  const container = match ? CONTAINERS[match[1]] : undefined;
  if (!match || !container) throw badInput(`mimeType ${input} is not a recording format media accepts (${Object.keys(CONTAINERS).join(', ')}, with codecs if any)`, 'mimeType');
  return { mimeType, baseType: match[1], ...container };
}

export const containerOf = (mimeType: string): { format: string; extension: string; baseType: string } => {
  const { format, extension, baseType } = validRecordingMime(mimeType);
  return { format, extension, baseType };
};

/** A sequence number: 0 for the first chunk, at most MAX_SEQUENCE. */
export function validSequence(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_SEQUENCE) throw badInput(`${field} must be a whole number from 0 to ${MAX_SEQUENCE}`, field);
  return value;
}
