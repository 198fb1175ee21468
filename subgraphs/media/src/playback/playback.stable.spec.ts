import { randomBytes, randomUUID } from 'node:crypto';
import type { AssetOutputs } from '../asset/asset.outputs';
import { seedAsset } from '../testing/fixtures';
import { startMedia, viewer, type MediaHarness } from '../testing/harness';

const SET = `mutation($episodeId: ID!, $chapters: [ChapterInput!]!) { setEpisodeChapters(episodeId: $episodeId, chapters: $chapters) { id } }`;

describe('stable transcript and chapters URLs (feed tags)', () => {
  let h: MediaHarness;
  const owner = viewer();

  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** A READY asset of the episode with an aac-128 rendition and, when given, a READY transcript whose VTT holds `vtt`. */
  async function readyAsset(episodeId: string, seed: { vtt?: string; episodeStatus?: string } = {}): Promise<string> {
    const id = await seedAsset(h, { ownerId: owner.id, episodeId, episodeStatus: seed.episodeStatus });
    const key = `assets/${id}/renditions/aac-128.m4a`;
    await h.services.storage.put(key, randomBytes(100));
    const outputs: AssetOutputs = { renditions: [{ name: 'aac-128', bitrateKbps: 128, mimeType: 'audio/mp4', key, sizeBytes: 100 }] };
    await h.running.db.dataSource.query('UPDATE media_assets SET outputs = $2 WHERE id = $1', [id, JSON.stringify(outputs)]);
    if (seed.vtt !== undefined) {
      const folder = `assets/${id}/transcript/v1/`;
      await h.services.storage.put(`${folder}transcript.vtt`, Buffer.from(seed.vtt), 'text/vtt; charset=utf-8');
      await h.services.storage.put(`${folder}transcript.srt`, Buffer.from('1\n00:00:00,000 --> 00:00:01,000\nHello\n'), 'application/x-subrip; charset=utf-8');
      await h.running.db.dataSource.query(
        `INSERT INTO media_transcripts (asset_id, episode_id, language, engine, status, revision, vtt_key, srt_key, json_key)
         VALUES ($1, $2, 'en-US', 'upload', 'READY', 1, $3, $4, NULL)`,
        [id, episodeId, `${folder}transcript.vtt`, `${folder}transcript.srt`],
      );
    }
    return id;
  }
  const follow = async (path: string): Promise<{ status: number; location: string | null; type?: string | null; body?: string }> => {
    const res = await fetch(`${h.origin}/media/episodes/${path}`, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status !== 302 || !location) return { status: res.status, location };
    const file = await fetch(location);
    return { status: res.status, location, type: file.headers.get('content-type'), body: await file.text() };
  };

  it('redirects transcript.vtt and .srt to freshly signed URLs of the newest READY media’s transcript', async () => {
    const episodeId = randomUUID();
    const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello\n';
    const assetId = await readyAsset(episodeId, { vtt });
    const served = await follow(`${episodeId}/transcript.vtt`);
    expect(served.status).toBe(302);
    expect(served.location).toMatch(new RegExp(`^${h.origin}/media/${assetId}/transcript/v1/transcript\\.vtt\\?exp=\\d+&sig=[0-9a-f]{64}$`));
    expect(served.body).toBe(vtt);
    expect((await follow(`${episodeId}/transcript.srt`)).body).toContain('Hello');
    // no JSON file was written for this transcript
    expect((await follow(`${episodeId}/transcript.json`)).status).toBe(404);
  });

  it('redirects chapters.json to the Podcasting 2.0 JSON chapters once chapters are set, and records ChaptersPublished', async () => {
    const episodeId = randomUUID();
    await readyAsset(episodeId);
    expect((await follow(`${episodeId}/chapters.json`)).status).toBe(404);

    const res = await h.call(SET, { episodeId, chapters: [{ startSeconds: 0, title: 'Welcome' }, { startSeconds: 30, title: 'Interview' }] }, owner);
    expect(res.errors).toBeUndefined();
    const served = await follow(`${episodeId}/chapters.json`);
    expect(served.type).toBe('application/json+chapters');
    expect(JSON.parse(served.body as string)).toEqual({
      version: '1.2.0',
      chapters: [{ startTime: 0, title: 'Welcome', endTime: 30 }, { startTime: 30, title: 'Interview', endTime: 61.5 }],
    });

    expect((await h.call(SET, { episodeId, chapters: [] }, owner)).errors).toBeUndefined();
    expect((await follow(`${episodeId}/chapters.json`)).status).toBe(404);
    const events = (await h.running.db.dataSource.query(
      "SELECT payload FROM outbox WHERE aggregate_id = $1 AND type = 'media.ChaptersPublished' ORDER BY position",
      [episodeId],
    )) as { payload: unknown }[];
    expect(events.map((e) => e.payload)).toEqual([
      { episodeId, ownerId: owner.id, revision: 1, count: 2 },
      { episodeId, ownerId: owner.id, revision: 2, count: 0 },
    ]);
  });

  it('is 404 for the transcript and chapters of an episode that is not published, or has no READY media', async () => {
    const draft = randomUUID();
    await readyAsset(draft, { vtt: 'WEBVTT\n', episodeStatus: 'DRAFT' });
    const none = randomUUID();
    for (const path of [`${draft}/transcript.vtt`, `${draft}/chapters.json`, `${none}/transcript.vtt`, `${none}/chapters.json`, `${draft}/transcript.txt`]) {
      expect([path, (await follow(path)).status]).toEqual([path, 404]);
    }
  });
});
