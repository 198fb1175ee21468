import { randomUUID } from 'node:crypto';
import type { Viewer } from '@wavegraph/auth';
import { catalogModule } from '@wavegraph/catalog';
import { discoveryModule } from '@wavegraph/discovery';
import type { EventBackbone } from '@wavegraph/events';
import { dropRedisPrefix, eventually, freshRedisPrefix, startPrivatePostgres, startTestSubgraph, type PrivatePostgres, type SubgraphHarness } from '@wavegraph/testkit';

const SEARCH = 'query($q: String!) { search(query: $q, first: 50) { edges { node { episode { id } } } } }';

describe('Postgres restarting under the producer and the consumer', () => {
  let pg: PrivatePostgres;
  let catalog: SubgraphHarness<{ events: EventBackbone }>;
  let discovery: SubgraphHarness<{ events: EventBackbone }>;
  const prefix = freshRedisPrefix();
  const owner: Viewer = { id: randomUUID(), role: 'USER', plan: 'FREE' };

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    const database = async (name: string) => ({ name, url: await pg.createDatabase(name), drop: async () => undefined });
    catalog = (await startTestSubgraph(catalogModule, { database: await database('catalog'), redisPrefix: prefix })) as unknown as typeof catalog;
    discovery = (await startTestSubgraph(discoveryModule, { database: await database('discovery'), redisPrefix: prefix })) as unknown as typeof discovery;
  }, 120_000);
  afterAll(async () => {
    await discovery?.stop();
    await catalog?.stop();
    await dropRedisPrefix(prefix);
    await pg?.destroy();
  });

  /** A publish the client was told succeeded (both mutations answered without errors), or null. */
  async function publish(showId: string, title: string): Promise<string | null> {
    const created = await catalog.call<{ createEpisode: { id: string } }>('mutation($input: CreateEpisodeInput!) { createEpisode(input: $input) { id } }', { input: { showId, title } }, owner);
    const id = created.data?.createEpisode?.id;
    if (!id) return null;
    const published = await catalog.call('mutation($id: ID!) { publishEpisode(id: $id) { id status } }', { id }, owner);
    return published.errors ? null : id;
  }

  it('applies every acknowledged publish once, and the relay listens again', async () => {
    const show = await catalog.call<{ createShow: { id: string } }>(
      'mutation($input: CreateShowInput!) { createShow(input: $input) { id } }',
      { input: { slug: `restart-${Date.now()}`, title: 'Restart radio', category: 'TECHNOLOGY', language: 'en' } },
      owner,
    );
    const showId = show.data!.createShow.id;
    const acknowledged: string[] = [];
    for (let i = 0; i < 3; i += 1) acknowledged.push((await publish(showId, `Resilient tale ${i}`))!);

    await pg.stop();
    // refused while Postgres is away: nothing acknowledged, nothing to deliver
    expect(await publish(showId, 'Resilient tale lost')).toBeNull();
    await pg.start();

    const after = await eventually(async () => (await publish(showId, 'Resilient tale 3')) ?? false, 20_000, 200);
    acknowledged.push(after);
    for (let i = 4; i < 6; i += 1) acknowledged.push((await publish(showId, `Resilient tale ${i}`))!);

    const found = await eventually(async () => {
      const res = await discovery.call<{ search: { edges: { node: { episode: { id: string } } }[] } }>(SEARCH, { q: 'resilient' });
      const ids = res.data?.search.edges.map((e) => e.node.episode.id) ?? [];
      return ids.length >= acknowledged.length && ids;
    }, 30_000, 200);
    expect([...found].sort()).toEqual([...acknowledged].sort());
    const inbox = await discovery.running.db.dataSource.query("SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM inbox WHERE type = 'catalog.EpisodePublished@1'");
    expect(inbox[0]).toEqual({ n: acknowledged.length, d: acknowledged.length });
    await eventually(async () => catalog.running.services.events.relay?.listening === true, 15_000, 100);
  }, 120_000);
});
