import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { ffmpeg } from '../processing/ffmpeg';
import type { MediaStorage } from '../storage/storage.port';
import { chunkKey } from './recording.entity';
import { containerOf } from './recording.validation';

export interface Stitched {
  path: string;
  mimeType: string;
  size: number;
  sha256: string;
}

/**
 * MediaRecorder's chunks are one stream cut in pieces (only the first carries the header), so
 * they are concatenated byte for byte, in sequence order; ffmpeg then remuxes that stream
 * (no re-encoding) into one well-formed file, which a recorder's own output is not (a WebM
 * from MediaRecorder has no duration and no cues, so players cannot seek it).
 */
export async function stitchChunks(storage: MediaStorage, session: { id: string; mimeType: string }, lastSequence: number, dir: string): Promise<Stitched> {
  const { format, extension, baseType } = containerOf(session.mimeType);
  const joined = path.join(dir, 'joined.bin');
  const file = await open(joined, 'w');
  try {
    for (let sequence = 0; sequence <= lastSequence; sequence += 1) {
      for await (const piece of await storage.read(chunkKey(session.id, sequence))) await file.write(piece as Buffer);
    }
    await file.sync();
  } finally {
    await file.close();
  }
  const out = path.join(dir, `recording.${extension}`);
  // every stream (audio, and a camera's video), copied; timestamps made up where a recorder left gaps;
  // bitexact: the same chunks give the same bytes (no random segment id), so a repeated finish stores what the first did
  await ffmpeg(['-fflags', '+genpts', '-i', joined, '-map', '0', '-c', 'copy', '-fflags', '+bitexact', ...(format === 'mp4' ? ['-movflags', '+faststart'] : []), '-f', format, out]);
  const hash = createHash('sha256');
  let size = 0;
  for await (const piece of createReadStream(out)) {
    hash.update(piece as Buffer);
    size += (piece as Buffer).length;
  }
  return { path: out, mimeType: baseType, size, sha256: hash.digest('hex') };
}
