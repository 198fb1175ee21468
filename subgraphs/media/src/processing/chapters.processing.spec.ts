import { connectRedis, createLogger, type Redis } from '@wavegraph/kit';
import { eventually, TEST_REDIS_URL } from '@wavegraph/testkit';
import { Queue } from 'bullmq';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { replaceChapters } from '../chapter/chapter.store';
import { followHls, waitForAsset } from './testing/expectations';
import { quietSine } from './testing/media.fixtures';
import { assetState, outboxEvents, processingHarness, type ProcessingHarness } from './testing/processing.harness';
import { PROCESSING_QUEUE } from './processing.jobs';
import { reconcileChapters } from './processing.reconcile';
import type { MediaWorker } from './processing.worker';

const run = promisify(execFile);

/** ffprobe's chapters of a file: start, end (s) and title. */
async function chaptersOf(file: string): Promise<[number, number, string][]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_chapters', '-print_format', 'json', file]);
  const { chapters } = JSON.parse(stdout) as { chapters: { start_time: string; end_time: string; tags?: { title?: string } }[] };
  return chapters.map((c) => [Number(c.start_time), Number(c.end_time), c.tags?.title ?? '']);
}

/** The MD5 of the audio packets as stored: equal before and after a re-mux means nothing was re-encoded. */
async function audioPacketsMd5(file: string): Promise<string> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a', '-c', 'copy', '-f', 'md5', '-']);
  return stdout.trim();
}

/** Real worker and ffmpeg: chapters become marks in the .m4a renditions, at encode time and after an edit. */
describe('chapter marks in renditions', () => {
  let h: ProcessingHarness;
  let dir: string;
  let worker: MediaWorker;
  let connection: Redis;
  let jobs: Queue;

  beforeAll(async () => {
    h = await processingHarness();
    connection = connectRedis(TEST_REDIS_URL, 'blocking', { name: 'chapters-spec:jobs' });
    jobs = new Queue(PROCESSING_QUEUE, { connection, prefix: h.prefix });
    dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-chapters-'));
    worker = await h.startWorker();
  }, 60_000);
  afterAll(async () => {
    await jobs?.close();
    connection?.disconnect();
    await worker?.close();
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const local = async (key: string) => h.storage.download(key, await mkdtemp(path.join(dir, 'dl-')));
  const episodeOf = async (id: string): Promise<string> => (await h.dataSource.query('SELECT episode_id FROM media_assets WHERE id = $1', [id]))[0].episode_id;

  it('embeds the chapters at the renditions step, and re-muxes them without re-encoding when they change after READY', async () => {
    const id = await h.createAsset(await quietSine(dir, 6), 'audio/wav');
    const episodeId = await episodeOf(id);
    await replaceChapters(h.dataSource, episodeId, [
      { startSeconds: 0, title: 'Cold open', url: null, imageUrl: null },
      { startSeconds: 2.5, title: 'Topic = one; #1', url: 'https://example.com', imageUrl: null },
      // beyond this media's end: not a mark
      { startSeconds: 40, title: 'Later', url: null, imageUrl: null },
    ], randomUUID());
    await h.queue.start(id);
    const ready = await waitForAsset(h.dataSource, id, 'READY');
    expect(ready.outputs.chaptersRevision).toBe(1);
    const before = ready.outputs.renditions ?? [];
    expect(before).toHaveLength(2);
    const md5s: string[] = [];
    for (const rendition of before) {
      const file = await local(rendition.key);
      const marks = await chaptersOf(file);
      expect(marks.map(([start, , title]) => [start, title])).toEqual([[0, 'Cold open'], [2.5, 'Topic = one; #1']]);
      expect(marks[0][1]).toBe(2.5);
      expect(Math.abs(marks[1][1] - 6)).toBeLessThan(0.1);
      md5s.push(await audioPacketsMd5(file));
    }
    const hlsKeys = (await followHls(h.storage, ready.outputs.hls?.masterKey as string)).keys;

    // an edit after READY: a job re-muxes into new keys and swaps them
    await replaceChapters(h.dataSource, episodeId, [
      { startSeconds: 0, title: 'Intro', url: null, imageUrl: null },
      { startSeconds: 1, title: 'News', url: null, imageUrl: null },
      { startSeconds: 4, title: 'Goodbye', url: null, imageUrl: null },
    ], randomUUID());
    await h.queue.embedChapters(id);
    const after = await eventually(async () => {
      const asset = await assetState(h.dataSource, id);
      return asset.outputs.chaptersRevision === 2 && asset;
    }, 60_000, 100);
    expect(after.status).toBe('READY');
    const renditions = after.outputs.renditions ?? [];
    expect(renditions.map((r) => [r.name, r.bitrateKbps, r.mimeType])).toEqual(before.map((r) => [r.name, r.bitrateKbps, r.mimeType]));
    for (const [i, rendition] of renditions.entries()) {
      expect(rendition.key).not.toBe(before[i].key);
      expect(rendition.key).toContain('/renditions/chapters-2/');
      const file = await local(rendition.key);
      expect((await chaptersOf(file)).map(([start, end, title]) => [start, end, title])).toEqual([[0, 1, 'Intro'], [1, 4, 'News'], [4, expect.any(Number), 'Goodbye']]);
      // the same audio packets: re-muxed, not re-encoded
      expect(await audioPacketsMd5(file)).toBe(md5s[i]);
    }
    // readers outside media (a feed's enclosure length) learn the new sizes
    const replaced = (await outboxEvents(h.dataSource, id)).filter((e) => e.type === 'media.RenditionsReplaced');
    expect(replaced.map((e) => e.payload.renditions)).toEqual([renditions.map(({ name, mimeType, sizeBytes }) => ({ name, mimeType, sizeBytes }))]);
    // the old files are gone, HLS (which carries no chapters) is untouched
    for (const old of before) expect(await h.storage.stat(old.key)).toBeNull();
    expect((await followHls(h.storage, after.outputs.hls?.masterKey as string)).keys).toEqual(hlsKeys);

    // the same revision again: nothing to do, nothing changes
    await h.queue.embedChapters(id);
    // removing every chapter re-muxes without marks
    await replaceChapters(h.dataSource, episodeId, [], randomUUID());
    await h.queue.embedChapters(id);
    const cleared = await eventually(async () => {
      const asset = await assetState(h.dataSource, id);
      return asset.outputs.chaptersRevision === 3 && asset;
    }, 60_000, 100);
    for (const rendition of cleared.outputs.renditions ?? []) expect(await chaptersOf(await local(rendition.key))).toEqual([]);
  }, 180_000);

  it('reconciles marks left behind: an edit whose job was never queued gets it from the database, once', async () => {
    const id = await h.createAsset(await quietSine(dir, 4), 'audio/wav');
    const episodeId = await episodeOf(id);
    await replaceChapters(h.dataSource, episodeId, [{ startSeconds: 0, title: 'One', url: null, imageUrl: null }], randomUUID());
    await h.queue.start(id);
    expect((await waitForAsset(h.dataSource, id, 'READY')).outputs.chaptersRevision).toBe(1);
    const log = createLogger('chapters-spec');

    // the edit is committed, then nothing queued its job (the API died, or Redis lost it)
    await replaceChapters(h.dataSource, episodeId, [{ startSeconds: 0, title: 'One', url: null, imageUrl: null }, { startSeconds: 2, title: 'Two', url: null, imageUrl: null }], randomUUID());
    // a fresh edit is the API's to queue
    expect(await reconcileChapters(h.dataSource, jobs, h.queue, log, { graceMs: 60_000 })).toEqual({ chapters: 0 });
    expect(await reconcileChapters(h.dataSource, jobs, h.queue, log, { graceMs: 0 })).toEqual({ chapters: 1 });
    // queued already: not again
    expect(await reconcileChapters(h.dataSource, jobs, h.queue, log, { graceMs: 0 })).toEqual({ chapters: 0 });
    const after = await eventually(async () => {
      const asset = await assetState(h.dataSource, id);
      return asset.outputs.chaptersRevision === 2 && asset;
    }, 60_000, 100);
    for (const rendition of after.outputs.renditions ?? []) {
      expect((await chaptersOf(await local(rendition.key))).map(([start, , title]) => [start, title])).toEqual([[0, 'One'], [2, 'Two']]);
    }
    expect(await reconcileChapters(h.dataSource, jobs, h.queue, log, { graceMs: 0 })).toEqual({ chapters: 0 });
  }, 120_000);
});
