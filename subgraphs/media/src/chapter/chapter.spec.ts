import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { seedAsset, seedKnownEpisode } from '../testing/fixtures';
import { replaceChapters } from './chapter.store';
import { errorOf, startMedia, viewer, type MediaHarness } from '../testing/harness';

const SET = `mutation($episodeId: ID!, $chapters: [ChapterInput!]!) { setEpisodeChapters(episodeId: $episodeId, chapters: $chapters) {
  id chapters { startSeconds endSeconds title url imageUrl } chaptersUrl
} }`;
const READ = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode { id chapters { startSeconds endSeconds title url imageUrl } chaptersUrl } } }`;

type ChapterOut = { startSeconds: number; endSeconds: number | null; title: string; url: string | null; imageUrl: string | null };
type EpisodeOut = { id: string; chapters: ChapterOut[] | null; chaptersUrl: string | null };

const RENDITIONS = { renditions: [{ name: 'aac-128', bitrateKbps: 128, mimeType: 'audio/mp4', key: 'assets/x/run-0/renditions/aac-128.m4a', sizeBytes: 10 }] };

describe('episode chapters', () => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const set = (episodeId: string, chapters: unknown[], as: Viewer | null) => h.call<{ setEpisodeChapters: EpisodeOut | null }>(SET, { episodeId, chapters }, as);
  const read = async (episodeId: string, as: Viewer | null) => h.call<{ _entities: (EpisodeOut | null)[] }>(READ, { r: [{ __typename: 'Episode', id: episodeId }] }, as);
  const storedRows = async (episodeId: string) => (await h.running.db.dataSource.query('SELECT revision, chapters FROM episode_chapters WHERE episode_id = $1', [episodeId])) as { revision: number; chapters: unknown[] }[];

  /** An episode of `owner` with READY media of 61.5 s whose renditions exist. */
  async function episodeWithMedia(owner: Viewer, status = 'PUBLISHED') {
    const episodeId = randomUUID();
    await seedKnownEpisode(h, episodeId, owner.id, status);
    const assetId = await seedAsset(h, { episodeId, ownerId: owner.id, outputs: RENDITIONS });
    return { episodeId, assetId };
  }

  it('refuses a chapter that starts beyond the READY media, naming it, and stores nothing', async () => {
    const owner = viewer();
    const { episodeId } = await episodeWithMedia(owner);
    const res = await set(episodeId, [
      { startSeconds: 0, title: 'Welcome' },
      { startSeconds: 30, title: 'Interview' },
      { startSeconds: 75, title: 'Outtakes' },
    ], owner);
    expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'chapters[2].startSeconds' });
    expect(res.errors?.[0].extensions?.chapter).toBe(3);
    expect(res.errors?.[0].message).toBe('Chapter 3 ("Outtakes") starts at 75 s, at or beyond the end of the media (61.5 s)');
    // exactly at the end is beyond it too
    expect(errorOf(await set(episodeId, [{ startSeconds: 61.5, title: 'End' }], owner)).field).toBe('chapters[0].startSeconds');
    expect(await storedRows(episodeId)).toEqual([]);
    expect(h.starter.chaptered).toEqual([]);
  });

  it.each([
    ['out of order', [{ startSeconds: 10, title: 'B' }, { startSeconds: 5, title: 'A' }], 'chapters[1].startSeconds', /Chapter 2 \("A"\) starts at 5 s, not after chapter 1 \(at 10 s\)/],
    ['two at the same start', [{ startSeconds: 5, title: 'A' }, { startSeconds: 5, title: 'B' }], 'chapters[1].startSeconds', /not after chapter 1/],
    ['a negative start', [{ startSeconds: -1, title: 'A' }], 'chapters[0].startSeconds', /0 seconds or later/],
    ['an empty title', [{ startSeconds: 0, title: '  ' }], 'chapters[0].title', /title is empty/],
    ['a title too long', [{ startSeconds: 0, title: 'x'.repeat(201) }], 'chapters[0].title', /longer than 200/],
    ['a javascript: link', [{ startSeconds: 0, title: 'A', url: 'javascript:alert(1)' }], 'chapters[0].url', /must be http or https/],
    ['an image that is not a URL', [{ startSeconds: 0, title: 'A', imageUrl: 'cover.png' }], 'chapters[0].imageUrl', /not a valid URL/],
    ['too many chapters', Array.from({ length: 201 }, (_, i) => ({ startSeconds: i, title: `C${i}` })), 'chapters', /At most 200 chapters/],
  ])('refuses %s with BAD_USER_INPUT on the field at fault', async (_what, chapters, field, message) => {
    const owner = viewer();
    const episodeId = randomUUID();
    // no media yet: there is no duration to check against, the other rules hold
    await seedKnownEpisode(h, episodeId, owner.id);
    const res = await set(episodeId, chapters, owner);
    expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(res.errors?.[0].message).toMatch(message);
    expect(await storedRows(episodeId)).toEqual([]);
  });

  it('is for the owner and staff: others FORBIDDEN (NOT_FOUND for an unpublished episode), unknown episodes NOT_FOUND', async () => {
    const owner = viewer();
    const { episodeId } = await episodeWithMedia(owner);
    const chapters = [{ startSeconds: 0, title: 'A' }];
    expect(errorOf(await set(episodeId, chapters, viewer())).code).toBe('FORBIDDEN');
    expect(errorOf(await set(episodeId, chapters, null)).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await set(randomUUID(), chapters, owner))).toEqual({ code: 'NOT_FOUND', field: 'episodeId' });
    expect(errorOf(await set('nope', chapters, owner))).toEqual({ code: 'BAD_USER_INPUT', field: 'episodeId' });
    const draft = await episodeWithMedia(owner, 'DRAFT');
    expect(errorOf(await set(draft.episodeId, chapters, viewer())).code).toBe('NOT_FOUND');
    for (const staff of [viewer('EDITOR'), viewer('ADMIN')]) expect((await set(draft.episodeId, chapters, staff)).errors).toBeUndefined();
    expect(await storedRows(episodeId)).toEqual([]);
  });

  it('stores valid chapters, shows them on Episode, serves Podcasting 2.0 JSON at a signed URL and queues the marks', async () => {
    const owner = viewer();
    const { episodeId, assetId } = await episodeWithMedia(owner);
    const res = await set(episodeId, [
      { startSeconds: 4.25, title: '  Welcome  ', url: 'https://example.com/notes', imageUrl: null },
      { startSeconds: 30, title: 'Interview', imageUrl: 'https://example.com/guest.jpg' },
    ], owner);
    expect(res.errors).toBeUndefined();
    const expected: ChapterOut[] = [
      { startSeconds: 4.25, endSeconds: 30, title: 'Welcome', url: 'https://example.com/notes', imageUrl: null },
      { startSeconds: 30, endSeconds: 61.5, title: 'Interview', url: null, imageUrl: 'https://example.com/guest.jpg' },
    ];
    expect(res.data?.setEpisodeChapters?.chapters).toEqual(expected);
    expect(h.starter.chaptered).toContain(assetId);

    // listeners see the same, through an entity reference
    const seen = (await read(episodeId, null)).data?._entities[0];
    expect(seen?.chapters).toEqual(expected);
    const url = seen?.chaptersUrl as string;
    expect(url.startsWith(`${h.origin}/media/${assetId}/chapters.json?exp=`)).toBe(true);
    const json = await fetch(url);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json+chapters');
    expect(await json.json()).toEqual({
      version: '1.2.0',
      chapters: [
        { startTime: 4.25, title: 'Welcome', url: 'https://example.com/notes', endTime: 30 },
        { startTime: 30, title: 'Interview', img: 'https://example.com/guest.jpg', endTime: 61.5 },
      ],
    });
    // the signature covers the file: tampering is refused
    expect((await fetch(url.replace('sig=', 'sig=0'))).status).toBe(403);

    // replaced as a whole: the JSON behind the same URL follows the edit
    const edited = await set(episodeId, [{ startSeconds: 0, title: 'All of it' }], viewer('EDITOR'));
    expect(edited.data?.setEpisodeChapters?.chapters?.map((c) => c.title)).toEqual(['All of it']);
    expect((await storedRows(episodeId))[0].revision).toBe(2);
    expect(((await (await fetch(url)).json()) as { chapters: unknown[] }).chapters).toEqual([{ startTime: 0, title: 'All of it', endTime: 61.5 }]);

    // and removed with an empty list: no chapters, no JSON
    const cleared = await set(episodeId, [], owner);
    expect(cleared.data?.setEpisodeChapters).toMatchObject({ chapters: [], chaptersUrl: null });
    expect((await fetch(url)).status).toBe(404);
  });

  it('hides the chapters of an unpublished episode from everyone but its owner and staff', async () => {
    const owner = viewer();
    const { episodeId } = await episodeWithMedia(owner, 'DRAFT');
    expect((await set(episodeId, [{ startSeconds: 1, title: 'Secret' }], owner)).errors).toBeUndefined();
    const hidden = await read(episodeId, viewer());
    expect(hidden.data?._entities[0]).toMatchObject({ chapters: null, chaptersUrl: null });
    expect(hidden.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect((await read(episodeId, owner)).data?._entities[0]?.chapters?.map((c) => c.title)).toEqual(['Secret']);
  });

  it('describes the READY media listeners play, also to the owner while a replacement is processed', async () => {
    const owner = viewer();
    const { episodeId, assetId } = await episodeWithMedia(owner);
    await seedAsset(h, { episodeId, ownerId: owner.id, status: 'PROCESSING', ageSeconds: -5 });
    expect((await set(episodeId, [{ startSeconds: 10, title: 'Only' }], owner)).errors).toBeUndefined();
    for (const who of [owner, viewer()]) {
      const seen = (await read(episodeId, who)).data?._entities[0];
      expect(seen?.chapters).toEqual([{ startSeconds: 10, endSeconds: 61.5, title: 'Only', url: null, imageUrl: null }]);
      expect(seen?.chaptersUrl?.startsWith(`${h.origin}/media/${assetId}/chapters.json?`)).toBe(true);
    }
  });

  it('resolves the chapters of 5 or 30 episodes with the same number of queries', async () => {
    const owner = viewer();
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const { episodeId } = await episodeWithMedia(owner);
      await replaceChapters(h.running.db.dataSource, episodeId, [{ startSeconds: 0, title: `Part ${i}`, url: null, imageUrl: null }], owner.id);
      ids.push(episodeId);
    }
    const resolve = async (some: string[]) => {
      h.running.db.queries.reset();
      const res = await h.call<{ _entities: EpisodeOut[] }>(READ, { r: some.map((id) => ({ __typename: 'Episode', id })) }, viewer());
      expect(res.errors).toBeUndefined();
      return { rows: res.data!._entities, queries: h.running.db.queries.count() };
    };
    const small = await resolve(ids.slice(0, 5));
    const large = await resolve(ids);
    expect(large.rows.map((row) => row.chapters?.[0].title)).toEqual(ids.map((_, i) => `Part ${i}`));
    expect(large.rows.every((row) => row.chaptersUrl !== null && row.chapters?.[0].endSeconds === 61.5)).toBe(true);
    // the episodes' visibility, their chapters, their READY media
    expect(large.queries).toBe(3);
    expect(small.queries).toBe(3);
  });
});
