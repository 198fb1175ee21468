import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assetPrefix } from '../asset/asset.outputs';
import type { StepFile } from '../processing/steps/step';
import type { MediaStorage } from '../storage/storage.port';
import type { TranscriptSegment } from './engine.port';
import { toPodcastJson, toSrt, toVtt } from './transcript.formats';
import type { TranscriptFiles, TranscriptRow } from './transcript.store';

/** Every file of an asset's transcripts lives below this; what the row does not name is garbage. */
export const transcriptPrefix = (assetId: string): string => `${assetPrefix(assetId)}transcript/`;

/**
 * A fresh folder per version: the files a listener is fetching are never overwritten, and
 * a version that was written but not committed is simply never pointed at.
 */
export function newTranscriptKeys(assetId: string): TranscriptFiles {
  const folder = `${transcriptPrefix(assetId)}${Date.now().toString(36)}-${randomBytes(4).toString('hex')}/`;
  return { vttKey: `${folder}transcript.vtt`, srtKey: `${folder}transcript.srt`, jsonKey: `${folder}transcript.json` };
}

const CONTENT_TYPES = { vtt: 'text/vtt; charset=utf-8', srt: 'application/x-subrip; charset=utf-8', json: 'application/json' };

function rendered(segments: readonly TranscriptSegment[], keys: TranscriptFiles): { key: string; body: string; contentType: string }[] {
  return [
    { key: keys.vttKey, body: toVtt(segments), contentType: CONTENT_TYPES.vtt },
    { key: keys.srtKey, body: toSrt(segments), contentType: CONTENT_TYPES.srt },
    { key: keys.jsonKey, body: toPodcastJson(segments), contentType: CONTENT_TYPES.json },
  ];
}

/** For the processing step: local files the runner commits before the rows point at them. */
export async function transcriptStepFiles(segments: readonly TranscriptSegment[], keys: TranscriptFiles, workDir: string): Promise<StepFile[]> {
  return Promise.all(
    rendered(segments, keys).map(async ({ key, body, contentType }) => {
      const file = path.join(workDir, path.basename(key));
      await writeFile(file, body);
      return { key, path: file, contentType };
    }),
  );
}

/** For edits: straight into storage (each object all-or-nothing), before the transaction that points at them commits. */
export async function putTranscriptFiles(storage: MediaStorage, segments: readonly TranscriptSegment[], keys: TranscriptFiles): Promise<void> {
  for (const { key, body, contentType } of rendered(segments, keys)) await storage.put(key, Buffer.from(body), contentType);
}

/**
 * After a commit: the folder of the version it replaced, to retire (nothing points at it any
 * more, though signed URLs for it may still be out). Only that folder, named in the transaction
 * that replaced it: a later version committed meanwhile by someone else is not touched.
 */
export function replacedTranscriptFolder(replaced: Pick<TranscriptRow, 'vtt_key'> | null): string[] {
  return replaced?.vtt_key ? [replaced.vtt_key.slice(0, replaced.vtt_key.lastIndexOf('/') + 1)] : [];
}
