import { randomUUID } from 'node:crypto';
import { STEPS } from '../processing/processing.port';
import { seedAsset, seedKnownEpisode } from '../testing/fixtures';
import { startMedia, viewer, type MediaHarness } from '../testing/harness';

const EPISODES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Episode {
  id media { id status progress steps { name status } renditions { url } episode { id } }
} } }`;

type Row = { id: string; media: { id: string; status: string; progress: number; steps: unknown[] } | null };

describe('Episode.media', () => {
  let h: MediaHarness;
  const owner = viewer();
  const episodes: { id: string; ready: string; newer: string }[] = [];
  let withoutMedia: string;
  let onlyDeleted: string;

  beforeAll(async () => {
    h = await startMedia();
    for (let i = 0; i < 30; i += 1) {
      const id = randomUUID();
      // a published file, and a replacement still being processed
      const ready = await seedAsset(h, { episodeId: id, ownerId: owner.id, ageSeconds: 100 });
      const newer = await seedAsset(h, { episodeId: id, ownerId: owner.id, status: 'PROCESSING', ageSeconds: 10 });
      episodes.push({ id, ready, newer });
    }
    withoutMedia = randomUUID();
    await seedKnownEpisode(h, withoutMedia, owner.id);
    onlyDeleted = randomUUID();
    await seedAsset(h, { episodeId: onlyDeleted, ownerId: owner.id, status: 'DELETED' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const resolve = async (ids: string[], as = viewer()): Promise<{ rows: Row[]; queries: number }> => {
    h.running.db.queries.reset();
    const res = await h.call<{ _entities: Row[] }>(EPISODES, { r: ids.map((id) => ({ __typename: 'Episode', id })) }, as);
    const queries = h.running.db.queries.count();
    expect(res.errors).toBeUndefined();
    return { rows: res.data!._entities, queries };
  };

  it('shows listeners the newest READY asset and the owner the newest of any state', async () => {
    const ids = episodes.slice(0, 3).map((e) => e.id);
    const listener = await resolve(ids);
    expect(listener.rows.map((row) => row.media?.id)).toEqual(episodes.slice(0, 3).map((e) => e.ready));
    const own = await resolve(ids, owner);
    expect(own.rows.map((row) => [row.media?.id, row.media?.status])).toEqual(episodes.slice(0, 3).map((e) => [e.newer, 'PROCESSING']));
    const staff = await resolve(ids, viewer('EDITOR'));
    expect(staff.rows.map((row) => row.media?.id)).toEqual(episodes.slice(0, 3).map((e) => e.newer));
  });

  it('is null without media or when every asset was deleted', async () => {
    const { rows } = await resolve([withoutMedia, onlyDeleted], owner);
    expect(rows.map((row) => row.media)).toEqual([null, null]);
  });

  it('resolves 5 or 30 episodes with the same number of queries', async () => {
    const small = await resolve(episodes.slice(0, 5).map((e) => e.id), owner);
    const large = await resolve(episodes.map((e) => e.id), owner);
    expect(large.rows.every((row) => row.media?.steps.length === STEPS.length)).toBe(true);
    expect(large.queries).toBe(small.queries);
    // the episodes' visibility (known_episodes, shared by the assets' guard), the assets, their access
    // (PUBLIC or PREMIUM, for the signed URLs), then their steps
    expect(large.queries).toBe(4);
  });
});
