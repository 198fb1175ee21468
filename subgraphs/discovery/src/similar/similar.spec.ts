import { randomUUID } from 'node:crypto';
import { EpisodeArchived } from '@wavegraph/events';
import { createShow, emit, errorOf, like, play, publishEpisode, settle, startDiscovery, unlike, type DiscoveryHarness, type EpisodeSnapshot } from '../testing/harness';

const SIMILAR = 'query($id: ID!, $first: Int) { similarEpisodes(episodeId: $id, first: $first) { episode { id } sharedListeners } }';
type Similar = { similarEpisodes: { episode: { id: string }; sharedListeners: number }[] };

describe('similarEpisodes', () => {
  let h: DiscoveryHarness;
  let seed: EpisodeSnapshot;
  let strong: EpisodeSnapshot;
  let weak: EpisodeSnapshot;
  let archived: EpisodeSnapshot;
  let unliked: EpisodeSnapshot;
  let unrelated: EpisodeSnapshot;

  const similar = async (id: string, first?: number) => {
    const res = await h.call<Similar>(SIMILAR, { id, first });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.similarEpisodes;
  };

  beforeAll(async () => {
    h = await startDiscovery();
    const show = await createShow(h);
    [seed, strong, weak, archived, unliked, unrelated] = await Promise.all(
      ['seed', 'strong', 'weak', 'archived', 'unliked', 'unrelated'].map((title) => publishEpisode(h, show.showId, { title })),
    );
    const [ann, ben, cat, dan] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const user of [ann, ben, cat]) await play(h, seed.episodeId, user);
    await like(h, seed.episodeId, dan);
    for (const user of [ann, ben, cat]) await like(h, strong.episodeId, user);
    await like(h, weak.episodeId, ann);
    for (const user of [ann, ben, cat, dan]) await play(h, archived.episodeId, user);
    await emit(h, EpisodeArchived, archived.episodeId, { ...archived, status: 'ARCHIVED' });
    await like(h, unliked.episodeId, dan);
    await unlike(h, unliked.episodeId, dan);
    await play(h, unrelated.episodeId, randomUUID());
    await settle(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('ranks published episodes by listeners they share with the episode, leaving the episode itself out', async () => {
    expect(await similar(seed.episodeId)).toEqual([
      { episode: { id: strong.episodeId }, sharedListeners: 3 },
      { episode: { id: weak.episodeId }, sharedListeners: 1 },
    ]);
    expect(await similar(seed.episodeId, 1)).toEqual([{ episode: { id: strong.episodeId }, sharedListeners: 3 }]);
  });

  it('works in both directions and is empty for an episode nobody shares', async () => {
    // one shared listener each; ann's tie to `strong` (a like) is stronger than to `seed` (a play)
    expect((await similar(weak.episodeId)).map((s) => s.episode.id)).toEqual([strong.episodeId, seed.episodeId]);
    expect(await similar(unrelated.episodeId)).toEqual([]);
    expect(await similar(randomUUID())).toEqual([]);
  });

  it('checks its arguments', async () => {
    expect(errorOf(await h.call(SIMILAR, { id: 'not-an-id' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'episodeId' });
    expect(errorOf(await h.call(SIMILAR, { id: seed.episodeId, first: 500 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
