import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@wavegraph/kit';
import { startTestSubgraph, type SubgraphHarness } from '@wavegraph/testkit';
import type { DataSource } from 'typeorm';
import { SubgraphError } from '../api/signed-graphql';
import { createIngestModule } from '../ingest.module';
import type { ChapterInput, MediaClient } from '../media/media.client';
import type { IngestServices } from '../services';
import { FeedSource, IngestItem } from '../source/source.entity';
import { FeedServer } from '../testing/feed-server';
import { ExtrasImporter } from './extras.importer';

/**
 * Media as ingest's ExtrasImporter reaches it, answering as media's API does: CONFLICT for a
 * transcript while the media is not READY, BAD_USER_INPUT naming a chapter past the media's end.
 */
class MediaAnswers {
  ready = false;
  durationSeconds = 100;
  transcripts: Array<{ episodeId: string; format: string; content: string; language: string | null }> = [];
  chapters: ChapterInput[][] = [];

  async replaceTranscript(_viewer: unknown, episodeId: string, format: string, content: string, language: string | null): Promise<void> {
    if (!this.ready) throw new SubgraphError("The episode's media is PROCESSING, not READY", 'CONFLICT', 'episodeId');
    this.transcripts.push({ episodeId, format, content, language });
  }

  async setEpisodeChapters(_viewer: unknown, _episodeId: string, chapters: readonly ChapterInput[]): Promise<void> {
    const past = chapters.findIndex((c) => c.startSeconds >= this.durationSeconds);
    if (past >= 0) throw new SubgraphError(`Chapter ${past + 1} starts beyond the end`, 'BAD_USER_INPUT', `chapters[${past}].startSeconds`, undefined, { chapter: past + 1 });
    this.chapters.push([...chapters]);
  }
}

const VTT = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n';

describe('ExtrasImporter: an item\'s transcript and chapters into media', () => {
  let h: SubgraphHarness<IngestServices>;
  let files: FeedServer;
  let dataSource: DataSource;
  let source: FeedSource;
  let media: MediaAnswers;
  let settled: string[];
  let importer: ExtrasImporter;

  beforeAll(async () => {
    h = await startTestSubgraph(createIngestModule());
    dataSource = h.running.db.dataSource;
    files = await new FeedServer().start();
    source = await dataSource.getRepository(FeedSource).save(dataSource.getRepository(FeedSource).create({
      ownerId: randomUUID(), ownerRole: 'USER', ownerPlan: 'FREE', feedUrl: files.url('/feed.xml'), polling: false, pollIntervalMinutes: null, showId: randomUUID(),
    }));
  });
  afterAll(async () => {
    await files?.stop();
    await h?.stop();
  });
  beforeEach(() => {
    media = new MediaAnswers();
    settled = [];
    importer = new ExtrasImporter({
      dataSource, media: media as unknown as MediaClient, policy: { allowPrivateNetworks: true, timeoutMs: 2_000, maxBytes: 1024 }, userAgent: 'test',
      settled: async (jobId) => {
        settled.push(jobId);
      },
      log: createLogger('test'),
    });
  });

  const item = async (fields: Partial<IngestItem>): Promise<IngestItem> => {
    const guid = randomUUID();
    await dataSource.getRepository(IngestItem).insert({
      sourceId: source.id, guid, episodeId: randomUUID(), contentHash: 'x', published: true, mediaHandedOff: true, extrasJobId: randomUUID(), extrasEnded: false, ...fields,
    });
    return dataSource.getRepository(IngestItem).findOneByOrFail({ sourceId: source.id, guid });
  };
  const reread = (row: IngestItem) => dataSource.getRepository(IngestItem).findOneByOrFail({ sourceId: row.sourceId, guid: row.guid });

  it('sends chapters at once, waits for READY media for the transcript, then ends and settles the job', async () => {
    const row = await item({
      transcriptUrl: files.set('/a.vtt', { body: VTT }), transcriptType: 'VTT', transcriptLanguage: 'en',
      chaptersUrl: files.set('/a.json', { body: JSON.stringify({ chapters: [{ startTime: 5, title: 'Two' }, { startTime: 0, title: 'One' }] }) }),
    });
    await expect(importer.import(source.id, row.guid, false)).rejects.toThrow('not READY');
    expect(media.chapters).toEqual([[{ startSeconds: 0, title: 'One', url: null, imageUrl: null }, { startSeconds: 5, title: 'Two', url: null, imageUrl: null }]]);
    expect(await reread(row)).toMatchObject({ extrasEnded: false, chaptersSent: row.chaptersUrl, transcriptSent: null });
    expect(settled).toEqual([]);

    media.ready = true;
    await importer.import(source.id, row.guid, false);
    expect(media.chapters).toHaveLength(1);
    expect(media.transcripts).toEqual([{ episodeId: row.episodeId, format: 'VTT', content: VTT, language: 'en' }]);
    expect(await reread(row)).toMatchObject({ extrasEnded: true, extrasWarnings: {}, transcriptSent: `VTT ${row.transcriptUrl}` });
    expect(settled).toEqual([row.extrasJobId]);
  });

  it('gives up waiting after the last attempt with a warning, never an error', async () => {
    const row = await item({ transcriptUrl: files.set('/b.vtt', { body: VTT }), transcriptType: 'VTT' });
    await importer.import(source.id, row.guid, true);
    expect(await reread(row)).toMatchObject({ extrasEnded: true, extrasWarnings: { transcript: "gave up waiting: The episode's media is PROCESSING, not READY" } });
    expect(settled).toEqual([row.extrasJobId]);
  });

  it('tries an unexpected failure again, and ends with a warning on the last attempt rather than staying pending', async () => {
    media.setEpisodeChapters = async () => {
      throw new Error('socket hang up');
    };
    const row = await item({ chaptersUrl: files.set('/f.json', { body: JSON.stringify({ chapters: [{ startTime: 0, title: 'One' }] }) }) });
    await expect(importer.import(source.id, row.guid, false)).rejects.toThrow('unexpected error');
    expect(await reread(row)).toMatchObject({ extrasEnded: false, extrasWarnings: {} });
    await importer.import(source.id, row.guid, true);
    expect(await reread(row)).toMatchObject({ extrasEnded: true, extrasWarnings: { chapters: 'gave up waiting: unexpected error' } });
  });

  it('warns at once for a missing, malformed or too big file, and for a transcript whose enclosure failed', async () => {
    media.ready = true;
    const missing = await item({ chaptersUrl: files.url('/nowhere.json'), transcriptUrl: files.set('/big.vtt', { body: `${VTT}${'x'.repeat(2048)}` }), transcriptType: 'VTT' });
    await importer.import(source.id, missing.guid, false);
    expect((await reread(missing)).extrasWarnings).toEqual({ chapters: 'the file answered HTTP 404', transcript: expect.stringMatching(/^larger than the 1024 bytes allowed/) });
    const malformed = await item({ chaptersUrl: files.set('/bad.json', { body: '{"chapters": [' }), transcriptUrl: files.set('/c.json', { body: '{"version":"1.0.0"}' }), transcriptType: 'JSON' });
    await importer.import(source.id, malformed.guid, false);
    expect((await reread(malformed)).extrasWarnings).toEqual({
      chapters: expect.stringMatching(/^malformed JSON/), transcript: 'not a Podcasting 2.0 transcript: no segments list',
    });
    const noMedia = await item({ mediaHandedOff: false, mediaError: 'the enclosure answered HTTP 404', transcriptUrl: files.set('/d.vtt', { body: VTT }), transcriptType: 'VTT' });
    await importer.import(source.id, noMedia.guid, false);
    expect((await reread(noMedia)).extrasWarnings.transcript).toMatch(/^there is no media to attach it to/);
    expect(media.transcripts).toEqual([]);
    expect(media.chapters).toEqual([]);
    expect(settled).toHaveLength(3);
  });

  it('converts a JSON transcript to WebVTT, leaves out chapters past the end of the media, and sends nothing unchanged again', async () => {
    media.ready = true;
    media.durationSeconds = 60;
    const json = JSON.stringify({ segments: [{ startTime: 1, endTime: 2, body: 'Hello' }] });
    const chapters = JSON.stringify({ chapters: [{ startTime: 0, title: 'In' }, { startTime: 30, title: 'Mid' }, { startTime: 90, title: 'Past the end' }] });
    const row = await item({
      transcriptUrl: files.set('/e.json', { body: json }), transcriptType: 'JSON',
      chaptersUrl: files.set('/e.chapters.json', { body: chapters }),
    });
    await importer.import(source.id, row.guid, false);
    expect(media.transcripts.map((t) => [t.format, t.content])).toEqual([['VTT', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n']]);
    expect(media.chapters).toEqual([[{ startSeconds: 0, title: 'In', url: null, imageUrl: null }, { startSeconds: 30, title: 'Mid', url: null, imageUrl: null }]]);

    // the same files under new URLs (a re-poll of a moved feed): fetched, found unchanged, not sent
    await dataSource.getRepository(IngestItem).update({ sourceId: row.sourceId, guid: row.guid }, {
      transcriptUrl: files.set('/moved.json', { body: json }), chaptersUrl: files.set('/moved.chapters.json', { body: chapters }),
      extrasEnded: false,
    });
    await importer.import(source.id, row.guid, false);
    expect(media.transcripts).toHaveLength(1);
    expect(media.chapters).toHaveLength(1);
    expect(await reread(row)).toMatchObject({ extrasEnded: true, transcriptSent: `JSON ${files.url('/moved.json')}`, chaptersSent: files.url('/moved.chapters.json') });
  });
});
