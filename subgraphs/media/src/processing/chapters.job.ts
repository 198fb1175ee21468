import { mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { RenditionsReplaced, recordEvent } from '@wavegraph/events';
import { renditionFacts, type Rendition } from '../asset/asset.outputs';
import { chapterMapping, writeChapterMarks } from '../chapter/chapter.marks';
import { chapterSetOf } from '../chapter/chapter.store';
import { ffmpeg } from './ffmpeg';
import { EMBED_CHAPTERS, type ProcessingJobResult } from './processing.jobs';
// types only: the runner calls this module, nothing of it runs here
import type { ProcessingDeps, ProcessingJob } from './processing.runner';
import { loadAsset } from './processing.store';
import { ProgressReporter, publishProgress } from './progress';
import { runPrefix } from './steps/step';
import { makeWorkDir } from './work-dir';

/**
 * Re-muxes the asset's `.m4a` renditions with the episode's current chapters (`-c copy`: the
 * audio is not touched) into new keys, then swaps `outputs.renditions` in one transaction if
 * nothing else changed them meanwhile. Old objects of a READY asset go right after the swap; those
 * of an asset still processing are left to the cleanup at finalize (the hls step may be reading
 * them). Idempotent: renditions that already carry the current revision are left alone.
 */
export async function embedChapters(deps: ProcessingDeps, job: ProcessingJob, signal?: AbortSignal): Promise<ProcessingJobResult> {
  const { dataSource, storage } = deps;
  const { assetId, run } = job.data;
  const asset = await loadAsset(dataSource, assetId);
  if (!asset || asset.run !== run || asset.status === 'DELETED' || asset.status === 'FAILED') return { name: EMBED_CHAPTERS, skipped: 'stale-run' };
  const renditions = asset.outputs.renditions ?? [];
  // not encoded yet: the renditions step reads the chapters itself
  if (!renditions.length) return { name: EMBED_CHAPTERS, skipped: 'not-applicable' };
  const set = await chapterSetOf(dataSource, asset.episode_id);
  const revision = set?.revision ?? 0;
  if ((asset.outputs.chaptersRevision ?? 0) >= revision) return { name: EMBED_CHAPTERS, skipped: 'done-before' };

  // no step row of its own (the asset's steps are its flow's): progress reaches BullMQ and live followers
  const reporter = new ProgressReporter(assetId, EMBED_CHAPTERS, {
    save: async () => undefined,
    job: (progress) => job.updateProgress(progress),
    publish: (message) => publishProgress(deps.redis, deps.prefix, message),
  });
  await reporter.start();
  const workDir = await makeWorkDir(deps.workRoot, `${assetId}-${EMBED_CHAPTERS}`);
  try {
    const duration = asset.duration_seconds ?? 0;
    const marks = await writeChapterMarks(workDir, set?.chapters ?? [], duration);
    const remuxed: Rendition[] = [];
    for (const [i, rendition] of renditions.entries()) {
      const input = await storage.download(rendition.key, await mkdtemp(path.join(workDir, 'in-')));
      const file = path.join(workDir, `${rendition.name}.m4a`);
      const chapterInput = marks ? ['-i', marks] : [];
      await ffmpeg(['-i', input, ...chapterInput, '-map', '0:a', '-map_metadata', '0', ...chapterMapping(marks, 1), '-c', 'copy', '-movflags', '+faststart', file], { signal });
      const key = `${runPrefix(asset)}renditions/chapters-${revision}/${rendition.name}.m4a`;
      await storage.putFile(key, file, rendition.mimeType);
      remuxed.push({ ...rendition, key, sizeBytes: (await stat(file)).size });
      reporter.update((i + 1) / renditions.length);
    }
    const swapped = await dataSource.transaction(async (tx) => {
      const current = await loadAsset(tx, assetId, true);
      if (!current || current.run !== run || current.status === 'DELETED' || current.status === 'FAILED') return null;
      const unchanged = JSON.stringify((current.outputs.renditions ?? []).map((r) => r.key)) === JSON.stringify(renditions.map((r) => r.key));
      if (!unchanged || (current.outputs.chaptersRevision ?? 0) >= revision) return null;
      await tx.query('UPDATE media_assets SET outputs = outputs || $2::jsonb, updated_at = now() WHERE id = $1', [
        assetId,
        JSON.stringify({ renditions: remuxed, chaptersRevision: revision }),
      ]);
      // the files' sizes changed; an asset still processing tells them with its MediaReady
      if (current.status === 'READY') {
        await recordEvent(tx, RenditionsReplaced, assetId, { assetId, episodeId: current.episode_id, ownerId: current.owner_id, renditions: renditionFacts(remuxed) });
      }
      return current.status;
    });
    if (swapped === null) {
      // another job got there first or the asset moved on: drop what nothing points at
      const now = await loadAsset(dataSource, assetId);
      const referenced = new Set((now?.outputs.renditions ?? []).map((r) => r.key));
      for (const r of remuxed) if (!referenced.has(r.key)) await storage.deletePrefix(r.key);
      await reporter.finish('SKIPPED');
      return { name: EMBED_CHAPTERS, skipped: 'done-before' };
    }
    // a podcast app may be downloading the old file through a signed URL: it stays until that expires
    if (swapped === 'READY') await deps.retirement.retire(renditions.map((old) => old.key));
    await reporter.finish('DONE');
    deps.log.info({ assetId, run, revision }, 'chapter marks embedded');
    return { name: EMBED_CHAPTERS };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
