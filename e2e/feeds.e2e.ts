import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually, sendWithTusClient, sha256Of } from '@wavegraph/testkit';
import { parseFeed } from 'podcast-partytime';
import { signUp, type SignedUp } from './support/users';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

const VTT = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nWelcome to the feed\n';

describe('podcast feeds through the gateway', () => {
  let supergraph: TestSupergraph;
  let dir: string;
  let creator: SignedUp;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    dir = mkdtempSync(path.join(tmpdir(), 'wgtest-feeds-e2e-'));
    creator = await signUp(supergraph, 'feeder');
  });
  afterAll(async () => {
    await supergraph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Uploads a short tone for the episode and waits until its media is READY. */
  async function readyMedia(episodeId: string, seconds: number): Promise<void> {
    const source = path.join(dir, `${episodeId}.mp3`);
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`, '-b:a', '96k', '-y', source]);
    const bytes = readFileSync(source);
    const { createUpload: ticket } = await eventually(() =>
      creator.client.CreateUpload({ input: { episodeId, filename: 'tone.mp3', sizeBytes: bytes.length, mimeType: 'audio/mpeg', sha256: sha256Of(bytes) } }),
    );
    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes).done).toBe('finished');
    await eventually(async () => (await creator.client.EpisodeMedia({ id: episodeId })).episode?.media?.status === 'READY', 90_000);
  }

  const feedOf = async (slug: string, headers: Record<string, string> = {}) => fetch(`${supergraph.origin}/feeds/${slug}.xml`, { headers });

  it('serves a show’s feed whose enclosure leads to the audio, refreshed by events (a scheduled publish too)', async () => {
    const { createShow: show } = await creator.client.CreateShow({
      input: { slug: 'feed-me', title: 'Feed Me', category: 'TECHNOLOGY', language: 'en', author: 'Feeder', explicit: false },
    });
    const first = (await creator.client.CreateEpisode({ input: { showId: show.id, title: 'Episode one', seasonNumber: 1, episodeNumber: 1 } })).createEpisode.id;
    const second = (await creator.client.CreateEpisode({ input: { showId: show.id, title: 'Episode two', seasonNumber: 1, episodeNumber: 2 } })).createEpisode.id;
    await Promise.all([readyMedia(first, 4), readyMedia(second, 3)]);
    // READY media, nothing published: nothing to show yet
    expect((await feedOf('feed-me')).status).toBe(404);

    await creator.client.PublishEpisode({ id: first });
    // a podcast app starts a download before the chapters come: a redirect to the file as it is now
    const stable = `${supergraph.origin}/media/episodes/${first}/aac-128.m4a`;
    const before = await eventually(async () => {
      const res = await fetch(stable, { redirect: 'manual' });
      return res.status === 302 && res.headers.get('location')!;
    }, 20_000);
    await creator.client.SetEpisodeChapters({ episodeId: first, chapters: [{ startSeconds: 0, title: 'Hello' }, { startSeconds: 2, title: 'Goodbye' }] });
    await creator.client.ReplaceTranscript({ episodeId: first, format: 'VTT', content: VTT, language: 'en-US' });
    // the chapters are embedded into new files (media.RenditionsReplaced): the feed ends up announcing them
    const served = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
    const xml = await eventually(async () => {
      const res = await feedOf('feed-me');
      const text = res.status === 200 ? await res.text() : '';
      if (!text.includes('podcast:chapters') || !text.includes('podcast:transcript')) return false;
      const { enclosure } = parseFeed(text)!.items[0];
      const audio = await served((await fetch(enclosure.url, { redirect: 'manual' })).headers.get('location')!);
      return audio.includes('Goodbye') && audio.length === enclosure.length && text;
    }, 30_000);
    const feed = parseFeed(xml)!;
    expect(feed).toMatchObject({ title: 'Feed Me', author: 'Feeder', explicit: false, itunesType: 'episodic', itunesCategory: ['Technology'] });
    expect(feed.items.map((item) => item.guid)).toEqual([first]);
    const [item] = feed.items;
    expect(item.enclosure.url).toBe(`${supergraph.origin}/media/episodes/${first}/aac-128.m4a`);
    expect(item.duration).toBe(4);

    // the enclosure: through the gateway, a redirect to a freshly signed file of exactly the announced length
    const redirected = await fetch(item.enclosure.url, { redirect: 'manual' });
    expect(redirected.status).toBe(302);
    const audio = Buffer.from(await (await fetch(redirected.headers.get('location')!)).arrayBuffer());
    expect(audio.length).toBe(item.enclosure.length);
    expect(audio.subarray(4, 8).toString('latin1')).toBe('ftyp');
    // the download started before the swap still gets the file it asked for: replaced files outlive their signed URLs
    expect(new URL(redirected.headers.get('location')!).pathname).not.toBe(new URL(before).pathname);
    const old = await fetch(before);
    expect(old.status).toBe(200);
    const oldAudio = Buffer.from(await old.arrayBuffer());
    expect(oldAudio.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(oldAudio.includes('Goodbye')).toBe(false);
    // chapters and transcript the same way
    const chapters = await (await fetch(item.podcastChapters!.url)).json();
    expect(chapters).toMatchObject({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Hello' }, { startTime: 2, title: 'Goodbye' }] });
    expect(item.podcastTranscripts?.[0]).toMatchObject({ type: 'text/vtt', language: 'en-US' });
    expect(await (await fetch(item.podcastTranscripts![0].url)).text()).toContain('Welcome to the feed');

    // conditional requests pass the gateway both ways
    const res = await feedOf('feed-me');
    const etag = res.headers.get('etag')!;
    expect((await feedOf('feed-me', { 'if-none-match': etag })).status).toBe(304);

    // the publish worker publishes the second episode: its event refreshes the cached feed
    await creator.client.ScheduleEpisode({ id: second, publishAt: new Date(Date.now() + 1_500).toISOString() });
    const titles = await eventually(async () => {
      const now = parseFeed(await (await feedOf('feed-me')).text())!.items.map((i) => i.title);
      return now.length === 2 && now;
    }, 20_000);
    expect(titles).toEqual(['Episode two', 'Episode one']);
    expect((await feedOf('feed-me', { 'if-none-match': etag })).status).toBe(200);
  }, 180_000);
});
