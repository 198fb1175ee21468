import { EpisodePublished, EpisodeUnpublished } from '@wavegraph/events';
import type { KnownEpisodeData } from '@wavegraph/testkit';
import type { Viewer } from '@wavegraph/auth';
import { seedAsset } from '../testing/fixtures';
import { startMedia, viewer, type MediaHarness } from '../testing/harness';

const MEDIA = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode { id media { id status hls { masterUrl } } } } }`;
const ASSET = `query($id: ID!) { mediaAsset(id: $id) { id status durationSeconds renditions { url } } }`;
const LIVE = `subscription($id: ID!) { mediaProcessing(assetId: $id) { status done asset { id } } }`;

describe("media follows catalog's episode visibility", () => {
  let h: MediaHarness;
  let episode: KnownEpisodeData;
  let assetId: string;
  let owner: Viewer;
  const listener = viewer();

  const setStatus = (status: 'PUBLISHED' | 'DRAFT') =>
    h.catalog.emit(status === 'PUBLISHED' ? EpisodePublished : EpisodeUnpublished, episode.episodeId, h.catalog.snapshot(episode, status));
  const mediaOf = (who: Viewer | null) => h.call<{ _entities: { id: string; media: { id: string } | null }[] }>(MEDIA, { r: [{ __typename: 'Episode', id: episode.episodeId }] }, who);
  const assetOf = (who: Viewer | null) => h.call<{ mediaAsset: { id: string } | null }>(ASSET, { id: assetId }, who);

  beforeAll(async () => {
    h = await startMedia();
    owner = viewer();
    episode = await h.catalog.episodeOwnedBy(owner.id, 'PUBLISHED');
    assetId = await seedAsset(h, { episodeId: episode.episodeId, ownerId: owner.id, status: 'READY' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('shows a published episode\'s READY media to anyone', async () => {
    expect((await mediaOf(null)).data?._entities[0].media?.id).toBe(assetId);
    expect((await assetOf(listener)).data?.mediaAsset?.id).toBe(assetId);
  });

  describe('once the episode is unpublished', () => {
    beforeAll(() => setStatus('DRAFT'));

    it.each([
      ['anonymous', null],
      ['a listener', listener],
    ])('gives %s no Episode.media and no mediaAsset, with NOT_FOUND', async (_who, who) => {
      const media = await mediaOf(who as Viewer | null);
      expect(media.data?._entities).toEqual([{ id: episode.episodeId, media: null }]);
      expect(media.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
      const asset = await assetOf(who as Viewer | null);
      expect(asset.data?.mediaAsset ?? null).toBeNull();
      expect(asset.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    });

    it('refuses mediaProcessing to a listener with NOT_FOUND, not FORBIDDEN, and sends nothing', async () => {
      const sub = h.subscribe(LIVE, { id: assetId }, listener);
      await sub.ended;
      expect(sub.results).toEqual([expect.objectContaining({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })] })]);
      expect(sub.results[0].data ?? null).toBeNull();
    });

    it.each([
      ['the owner', () => owner],
      ['an editor', () => viewer('EDITOR')],
      ['an admin', () => viewer('ADMIN')],
    ])('still shows %s the media', async (_who, who) => {
      const media = await mediaOf(who());
      expect(media.errors).toBeUndefined();
      expect(media.data?._entities[0].media?.id).toBe(assetId);
      expect((await assetOf(who())).data?.mediaAsset?.id).toBe(assetId);
    });

    it('shows it to everyone again once republished', async () => {
      await setStatus('PUBLISHED');
      expect((await mediaOf(null)).data?._entities[0].media?.id).toBe(assetId);
      expect((await assetOf(listener)).errors).toBeUndefined();
    });
  });
});
