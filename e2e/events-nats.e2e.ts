import { DEFAULT_JETSTREAM, JetStreamContext, jetStreamOf, streamOf, type EventBackbone } from '@wavegraph/events';
import { connectRedis, startSubgraph, type RunningSubgraph } from '@wavegraph/kit';
import { notificationsModule } from '@wavegraph/notifications';
import { eventually, startPrivateNats, TEST_GATEWAY_SECRET, TEST_REDIS_URL, type PrivateNats } from '@wavegraph/testkit';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { signUp } from './support/users';

/*
 * The whole supergraph with its events on NATS JetStream (EVENTS_TRANSPORT=nats, NATS_URL):
 * configuration only, no code of a subgraph changes. The in-process subgraphs read the
 * transport from the environment when their backbone starts.
 */

async function allRelayed(supergraph: TestSupergraph): Promise<void> {
  for (const name of ['identity', 'catalog', 'engagement', 'media'] as const) {
    await eventually(async () => Number((await supergraph[name].db.dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE seq IS NULL'))[0].n) === 0, 10_000, 50);
  }
}

describe('the supergraph with its events on NATS JetStream', () => {
  let nats: PrivateNats;
  let supergraph: TestSupergraph;
  let notifications: RunningSubgraph<{ events: EventBackbone }> | undefined;
  const saved = { EVENTS_TRANSPORT: process.env.EVENTS_TRANSPORT, NATS_URL: process.env.NATS_URL };
  beforeAll(async () => {
    nats = await startPrivateNats();
    process.env.EVENTS_TRANSPORT = 'nats';
    process.env.NATS_URL = nats.url;
    supergraph = await startTestSupergraph();
  }, 120_000);
  afterAll(async () => {
    await notifications?.stop();
    await supergraph?.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await nats?.destroy();
  }, 60_000);

  it('carries publish → search and follow → notification over JetStream, not Redis streams', async () => {
    const creator = await signUp(supergraph, 'hopper');
    const { createShow } = await creator.client.CreateShow({ input: { slug: 'compilers', title: 'Compilers', category: 'TECHNOLOGY', language: 'en' } });
    const listener = await signUp(supergraph, 'backus');
    await eventually(() => listener.client.FollowShow({ showId: createShow.id }), 15_000, 100);
    await eventually(async () => Number((await supergraph.notifications.db.dataSource.query('SELECT count(*)::int AS n FROM show_followers WHERE following'))[0].n) === 1, 15_000, 50);
    const { createEpisode } = await creator.client.CreateEpisode({ input: { showId: createShow.id, title: 'The first compiler', description: 'A-0 for the UNIVAC' } });
    await creator.client.PublishEpisode({ id: createEpisode.id });

    const found = await eventually(async () => {
      const ids = (await listener.client.Search({ query: 'compiler', filter: { kind: 'EPISODE' } })).search.edges.map((e) => e.node.episode?.id);
      return ids.includes(createEpisode.id) && ids;
    }, 20_000, 200);
    expect(found).toEqual([createEpisode.id]);
    const inbox = await eventually(async () => {
      const { me } = await listener.client.MyNotifications({ first: 10 });
      const edges = me!.notifications!.edges;
      return edges.some((e) => e.node.kind === 'NEW_EPISODE') && edges;
    }, 20_000, 200);
    expect(inbox.filter((e) => e.node.kind === 'NEW_EPISODE').map((e) => e.node.episode?.id)).toEqual([createEpisode.id]);

    // the events are in JetStream's streams; Redis holds none of them
    const context = await JetStreamContext.connect({ ...DEFAULT_JETSTREAM, servers: nats.url }, supergraph.redisPrefix, 'events-nats-e2e');
    try {
      const catalog = await context.jsm.streams.info(jetStreamOf(supergraph.redisPrefix, 'catalog'));
      expect(catalog.state.messages).toBeGreaterThanOrEqual(2);
    } finally {
      await context.close();
    }
    const redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'events-nats-e2e' });
    try {
      expect(await redis.exists(streamOf(supergraph.redisPrefix, 'catalog'))).toBe(0);
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it('is unready while NATS is away, naming the subgraph\'s events, and ready again once it is back', async () => {
    const ready = async () => {
      const response = await fetch(supergraph.catalog.url.replace(/\/graphql$/, '/ready'));
      return { status: response.status, checks: ((await response.json()) as { checks: Record<string, string> }).checks };
    };
    expect(await ready()).toEqual({ status: 200, checks: { database: 'ok', redis: 'ok', catalog: 'ok' } });
    await nats.stop();
    try {
      const down = await eventually(async () => {
        const probe = await ready();
        return probe.status === 503 && probe;
      }, 15_000, 200);
      expect(down.checks).toMatchObject({ database: 'ok', redis: 'ok', catalog: expect.stringMatching(/NATS JetStream did not answer/) });
    } finally {
      await nats.start();
    }
    await eventually(async () => (await ready()).status === 200, 30_000, 250);
  }, 60_000);

  it('loses no notification when NATS comes back with an empty store: the producers\' logs fill in', async () => {
    const creator = await signUp(supergraph, 'lamarr');
    const { createShow } = await creator.client.CreateShow({ input: { slug: 'spread-spectrum', title: 'Spread Spectrum', category: 'TECHNOLOGY', language: 'en' } });
    const listener = await signUp(supergraph, 'antheil');
    // engagement learns about the show from catalog's event, within a bounded lag
    await eventually(() => listener.client.FollowShow({ showId: createShow.id }), 15_000, 100);
    await eventually(async () => Number((await supergraph.notifications.db.dataSource.query('SELECT count(*)::int AS n FROM show_followers WHERE following'))[0].n) === 2, 15_000, 50);

    const port = supergraph.notifications.port;
    await supergraph.stopSubgraph('notifications');
    const { createEpisode } = await creator.client.CreateEpisode({ input: { showId: createShow.id, title: 'Frequency hopping', description: 'Piano rolls' } });
    await creator.client.PublishEpisode({ id: createEpisode.id });
    const late = await signUp(supergraph, 'shannon');
    await allRelayed(supergraph);

    // the server comes back without its store: streams, durable consumers and their positions are gone
    await nats.wipe();

    notifications = await startSubgraph(notificationsModule, {
      port,
      databaseUrl: supergraph.database('notifications').url,
      redisUrl: TEST_REDIS_URL,
      redisPrefix: supergraph.redisPrefix,
      gatewaySecret: TEST_GATEWAY_SECRET,
    });
    const inbox = await eventually(async () => {
      const { me } = await listener.client.MyNotifications({ first: 10 });
      const edges = me!.notifications!.edges;
      return edges.some((e) => e.node.kind === 'NEW_EPISODE') && edges;
    }, 40_000, 200);
    expect(inbox.filter((e) => e.node.kind === 'NEW_EPISODE').map((e) => e.node.episode?.id)).toEqual([createEpisode.id]);
    const welcomed = await eventually(async () => {
      const { me } = await late.client.MyNotifications({ first: 10 });
      return me!.notifications!.edges.length > 0 && me!.notifications!.edges;
    }, 40_000, 200);
    expect(welcomed.map((e) => e.node.kind)).toEqual(['WELCOME']);
    const rows = await notifications.db.dataSource.query('SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM inbox');
    expect(rows[0].n).toBe(rows[0].d);
    // events published after the wipe travel on JetStream again (streams made anew by the relays)
    const { createEpisode: next } = await creator.client.CreateEpisode({ input: { showId: createShow.id, title: 'Torpedo guidance', description: '' } });
    await creator.client.PublishEpisode({ id: next.id });
    await eventually(async () => {
      const { me } = await listener.client.MyNotifications({ first: 10 });
      return me!.notifications!.edges.filter((e) => e.node.kind === 'NEW_EPISODE').length === 2;
    }, 40_000, 200);
  }, 120_000);
});
