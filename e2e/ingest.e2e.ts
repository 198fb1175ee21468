import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WavegraphClient } from '@wavegraph/client';
import { eventually, subscribeOverWebSocket } from '@wavegraph/testkit';
import { errorCodes } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

const PROGRESS = `subscription($id: ID!) { ingestProgress(jobId: $id) { id status progress counts { created } show { id title } } }`;
interface Progress {
  ingestProgress: { id: string; status: string; progress: number; counts: { created: number }; show: { id: string; title: string } | null };
}

const rss = (base: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
  <channel>
    <title>Tones Weekly</title>
    <link>${base}/</link>
    <language>en</language>
    <description>Short tones, imported from a feed</description>
    <itunes:category text="Music"/>
    <item>
      <title>A short tone</title>
      <guid isPermaLink="false">tone-1</guid>
      <description>Four seconds at 440 Hz</description>
      <pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
      <enclosure url="${base}/audio/tone.mp3" length="0" type="audio/mpeg"/>
    </item>
    <item>
      <title>Show notes only</title>
      <guid isPermaLink="false">notes-1</guid>
      <description>No audio here</description>
    </item>
  </channel>
</rss>`;

describe('ingest through the gateway: a feed becomes a show, its episodes and processed media', () => {
  let supergraph: TestSupergraph;
  let dir: string;
  let feeds: Server;
  let base: string;
  let creator: WavegraphClient;
  let token: string;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    dir = mkdtempSync(path.join(tmpdir(), 'wgtest-ingest-e2e-'));
    const tone = path.join(dir, 'tone.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', '-b:a', '64k', '-y', tone]);
    const audio = readFileSync(tone);
    feeds = createServer((req, res) => {
      if (req.url === '/feed.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(base));
      else if (req.url === '/audio/tone.mp3') res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': audio.length }).end(audio);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => feeds.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;
    const { register } = await supergraph.client().Register({ input: { email: 'feeds@example.com', handle: 'feeds', displayName: 'Feeds', password: 'a long feed password' } });
    token = register.accessToken;
    creator = supergraph.client(token);
  }, 120_000);
  afterAll(async () => {
    feeds?.closeAllConnections();
    await new Promise((resolve) => feeds?.close(resolve));
    await supergraph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports the feed, watched live, into catalog, and media processes the enclosure', async () => {
    const { importShowFromFeed: queued } = await creator.ImportShowFromFeed({ url: `${base}/feed.xml` });
    expect(queued).toMatchObject({ status: 'QUEUED', feedUrl: `${base}/feed.xml` });
    const live = subscribeOverWebSocket<Progress>(supergraph.url, PROGRESS, { id: queued.id }, { authorization: `Bearer ${token}` });

    const job = await eventually(async () => {
      const { ingestJob } = await creator.IngestJob({ id: queued.id });
      expect(ingestJob?.status).toBe('COMPLETED');
      return ingestJob!;
    }, 60_000);
    expect(job).toMatchObject({ progress: 1, counts: { found: 2, created: 1, updated: 0, skipped: 1, failed: 0 }, show: { title: 'Tones Weekly' } });
    expect(job.errors).toEqual([{ item: 'notes-1', reason: 'no enclosure (audio or video file)', skipped: true }]);

    expect(await live.ended).toEqual({ completed: true });
    const statuses = live.results.map((r) => r.data?.ingestProgress.status);
    expect(statuses.at(-1)).toBe('COMPLETED');
    expect(statuses).toContain('DOWNLOADING');
    expect(live.results.at(-1)?.data?.ingestProgress.show).toEqual({ id: job.show!.id, title: 'Tones Weekly' });

    const { show } = await creator.Show({ id: job.show!.id });
    expect(show).toMatchObject({ title: 'Tones Weekly', category: 'MUSIC', owner: { handle: 'feeds' } });
    const episode = show!.episodes.edges[0].node;
    expect(show!.episodes.edges).toHaveLength(1);
    expect(episode).toMatchObject({ title: 'A short tone', description: 'Four seconds at 440 Hz', status: 'PUBLISHED' });

    const media = await eventually(async () => {
      const { episode: withMedia } = await creator.EpisodeMedia({ id: episode.id });
      expect(withMedia?.media?.status).toBe('READY');
      return withMedia!.media!;
    }, 120_000);
    expect(media.durationSeconds).toBeGreaterThan(3);

    const { ingestJobs } = await creator.IngestJobs({ first: 5 });
    expect(ingestJobs.map((j) => j.id)).toEqual([job.id]);
    // media's processing of a real file takes its time on a loaded machine
  }, 240_000);

  it('answers bad input, strangers and anonymous callers with codes', async () => {
    expect(await errorCodes(creator.ImportShowFromFeed({ url: 'gopher://example.com/feed' }))).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes(supergraph.client().ImportShowFromFeed({ url: `${base}/feed.xml` }))).toEqual(['UNAUTHENTICATED']);
    const { ingestJobs } = await creator.IngestJobs({ first: 1 });
    const { register } = await supergraph.client().Register({ input: { email: 'other@example.com', handle: 'other', displayName: 'Other', password: 'another long password' } });
    expect(await errorCodes(supergraph.client(register.accessToken).IngestJob({ id: ingestJobs[0].id }))).toEqual(['FORBIDDEN']);
  });
});
