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
const VTT = 'WEBVTT\n\n00:00:00.500 --> 00:00:02.500\nA short tone at four hundred and forty hertz\n\n00:00:02.500 --> 00:00:03.500\nand then silence\n';
const CHAPTERS = {
  version: '1.2.0',
  chapters: [
    { startTime: 2, title: 'The middle', url: 'https://example.com/middle' },
    { startTime: 0, title: 'The start', img: 'https://example.com/start.jpg' },
  ],
};

interface Progress {
  ingestProgress: { id: string; status: string; progress: number; counts: { created: number }; show: { id: string; title: string } | null };
}

const rss = (base: string, vttPath: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
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
      <podcast:transcript url="${base}/tone-1.html" type="text/html"/>
      <podcast:transcript url="${base}/tone-1.json" type="application/json"/>
      <podcast:transcript url="${base}${vttPath}" type="text/vtt" language="en"/>
      <podcast:chapters url="${base}/tone-1.chapters.json" type="application/json+chapters"/>
    </item>
    <item>
      <title>The same tone again</title>
      <guid isPermaLink="false">tone-2</guid>
      <description>Its chapters file is gone</description>
      <pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>
      <enclosure url="${base}/audio/tone.mp3" length="0" type="audio/mpeg"/>
      <podcast:chapters url="${base}/missing.chapters.json" type="application/json+chapters"/>
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
  let vttPath = '/tone-1.vtt';
  const requested: string[] = [];

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    dir = mkdtempSync(path.join(tmpdir(), 'wgtest-ingest-e2e-'));
    const tone = path.join(dir, 'tone.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', '-b:a', '64k', '-y', tone]);
    const audio = readFileSync(tone);
    feeds = createServer((req, res) => {
      requested.push(req.url ?? '');
      if (req.url === '/feed.xml') res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(base, vttPath));
      else if (req.url === '/tone-1.vtt' || req.url === '/tone-1-moved.vtt') res.writeHead(200, { 'content-type': 'text/vtt' }).end(VTT);
      else if (req.url === '/tone-1.chapters.json') res.writeHead(200, { 'content-type': 'application/json+chapters' }).end(JSON.stringify(CHAPTERS));
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

  it('imports the feed, watched live, into catalog; media processes the enclosures and gets the transcript and chapters files', async () => {
    const { importShowFromFeed: queued } = await creator.ImportShowFromFeed({ url: `${base}/feed.xml` });
    expect(queued).toMatchObject({ status: 'QUEUED', feedUrl: `${base}/feed.xml` });
    const live = subscribeOverWebSocket<Progress>(supergraph.url, PROGRESS, { id: queued.id }, { authorization: `Bearer ${token}` });

    // COMPLETED once both enclosures are in media and the transcript waited for READY media
    const job = await eventually(async () => {
      const { ingestJob } = await creator.IngestJob({ id: queued.id });
      // the reason shows in a failure's message
      expect({ status: ingestJob?.status, reason: ingestJob?.reason }).toEqual({ status: 'COMPLETED', reason: null });
      return ingestJob!;
    }, 200_000);
    expect(job).toMatchObject({ progress: 1, counts: { found: 3, created: 2, updated: 0, skipped: 1, failed: 0 }, show: { title: 'Tones Weekly' } });
    expect(job.errors).toEqual([{ item: 'notes-1', reason: 'no enclosure (audio or video file)', skipped: true }]);
    // a broken chapters file is a warning, not a failure
    expect(job.warnings).toEqual([{ item: 'tone-2', reason: 'chapters: the file answered HTTP 404' }]);

    expect(await live.ended).toEqual({ completed: true });
    const statuses = live.results.map((r) => r.data?.ingestProgress.status);
    expect(statuses.at(-1)).toBe('COMPLETED');
    expect(statuses).toContain('DOWNLOADING');
    expect(live.results.at(-1)?.data?.ingestProgress.show).toEqual({ id: job.show!.id, title: 'Tones Weekly' });

    const { show } = await creator.Show({ id: job.show!.id });
    expect(show).toMatchObject({ title: 'Tones Weekly', category: 'MUSIC', owner: { handle: 'feeds' } });
    expect(show!.episodes.edges.map((e) => e.node.title)).toEqual(['The same tone again', 'A short tone']);
    const episode = show!.episodes.edges[1].node;
    expect(episode).toMatchObject({ title: 'A short tone', description: 'Four seconds at 440 Hz', status: 'PUBLISHED' });

    const media = await eventually(async () => {
      const { episode: withMedia } = await creator.EpisodeMedia({ id: episode.id });
      expect(withMedia?.media?.status).toBe('READY');
      return withMedia!.media!;
    }, 120_000);
    expect(media.durationSeconds).toBeGreaterThan(3);

    // the feed's VTT (preferred over its JSON and HTML ones) replaced what media made of the audio
    const { episode: withTranscript } = await creator.EpisodeTranscript({ id: episode.id });
    const transcript = withTranscript!.transcript!;
    expect(transcript).toMatchObject({ status: 'READY', engine: 'upload', language: 'en' });
    expect(transcript.segments.edges.map(({ node }) => [node.startSeconds, node.endSeconds, node.text])).toEqual([
      [0.5, 2.5, 'A short tone at four hundred and forty hertz'],
      [2.5, 3.5, 'and then silence'],
    ]);
    // the file's chapters, in order
    const { episode: withChapters } = await creator.EpisodeChapters({ id: episode.id });
    expect(withChapters!.chapters!.map(({ startSeconds, title, url, imageUrl }) => ({ startSeconds, title, url, imageUrl }))).toEqual([
      { startSeconds: 0, title: 'The start', url: null, imageUrl: 'https://example.com/start.jpg' },
      { startSeconds: 2, title: 'The middle', url: 'https://example.com/middle', imageUrl: null },
    ]);

    const { ingestJobs } = await creator.IngestJobs({ first: 5 });
    expect(ingestJobs.map((j) => j.id)).toEqual([job.id]);
    // media's processing of a real file takes its time on a loaded machine
  }, 360_000);

  it('imports the feed again without sending unchanged transcripts and chapters to media again', async () => {
    const { show } = await creator.Show({ id: (await creator.IngestJobs({ first: 1 })).ingestJobs[0].show!.id });
    const episodeId = show!.episodes.edges[1].node.id;
    const before = (await creator.EpisodeTranscript({ id: episodeId })).episode!.transcript!;
    // the VTT moves (same content); the chapters file stays where it was
    vttPath = '/tone-1-moved.vtt';
    requested.length = 0;
    const { importShowFromFeed: queued } = await creator.ImportShowFromFeed({ url: `${base}/feed.xml` });
    const job = await eventually(async () => {
      const { ingestJob } = await creator.IngestJob({ id: queued.id });
      expect(ingestJob?.status).toBe('COMPLETED');
      return ingestJob!;
    }, 60_000);
    expect(job.counts).toEqual({ found: 3, created: 0, updated: 0, skipped: 1, failed: 0 });
    // the missing chapters file is tried again, and is still missing
    expect(job.warnings).toEqual([{ item: 'tone-2', reason: 'chapters: the file answered HTTP 404' }]);
    expect(requested).toContain('/tone-1-moved.vtt');
    expect(requested).not.toContain('/tone-1.chapters.json');
    const after = (await creator.EpisodeTranscript({ id: episodeId })).episode!.transcript!;
    expect(after.revision).toBe(before.revision);
    expect(after.updatedAt).toBe(before.updatedAt);
  }, 120_000);

  it('answers bad input, strangers and anonymous callers with codes', async () => {
    expect(await errorCodes(creator.ImportShowFromFeed({ url: 'gopher://example.com/feed' }))).toEqual(['BAD_USER_INPUT']);
    expect(await errorCodes(supergraph.client().ImportShowFromFeed({ url: `${base}/feed.xml` }))).toEqual(['UNAUTHENTICATED']);
    const { ingestJobs } = await creator.IngestJobs({ first: 1 });
    const { register } = await supergraph.client().Register({ input: { email: 'other@example.com', handle: 'other', displayName: 'Other', password: 'another long password' } });
    expect(await errorCodes(supergraph.client(register.accessToken).IngestJob({ id: ingestJobs[0].id }))).toEqual(['FORBIDDEN']);
  });
});
