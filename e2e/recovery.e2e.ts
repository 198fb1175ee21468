import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import path from 'node:path';
import { recordEvent, TranscriptPublished, type EventBackbone } from '@wavegraph/events';
import { startSubgraph, type RunningSubgraph } from '@wavegraph/kit';
import { notificationsModule } from '@wavegraph/notifications';
import { eventually, startPrivateRedis, TEST_GATEWAY_SECRET, type PrivateRedis } from '@wavegraph/testkit';
import { connectRedis } from '@wavegraph/kit';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { signUp } from './support/users';

/** Every producer's outbox has reached Redis: what happens next is what Redis keeps or loses. */
async function allRelayed(supergraph: TestSupergraph): Promise<void> {
  for (const name of ['identity', 'catalog', 'engagement', 'media'] as const) {
    await eventually(async () => Number((await supergraph[name].db.dataSource.query('SELECT count(*)::int AS n FROM outbox WHERE seq IS NULL'))[0].n) === 0, 10_000, 50);
  }
}

describe('Redis coming back empty, with a consumer behind', () => {
  let redis: PrivateRedis;
  let supergraph: TestSupergraph;
  let notifications: RunningSubgraph<{ events: EventBackbone }> | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    supergraph = await startTestSupergraph({}, redis.url);
  });
  afterAll(async () => {
    await notifications?.stop();
    await supergraph?.stop();
    await redis?.destroy();
  });

  it('loses no notification: what Redis lost is applied from the producers\' logs, each once', async () => {
    const creator = await signUp(supergraph, 'lovelace');
    const { createShow } = await creator.client.CreateShow({ input: { slug: 'engines', title: 'Analytical Engines', category: 'TECHNOLOGY', language: 'en' } });
    const listener = await signUp(supergraph, 'babbage');
    await listener.client.FollowShow({ showId: createShow.id });
    // notifications knows the follower before it goes away
    await eventually(async () => Number((await supergraph.notifications.db.dataSource.query('SELECT count(*)::int AS n FROM show_followers WHERE following'))[0].n) === 1, 10_000, 50);

    const port = supergraph.notifications.port;
    await supergraph.stopSubgraph('notifications');
    const { createEpisode } = await creator.client.CreateEpisode({ input: { showId: createShow.id, title: 'Note G', description: 'The first program' } });
    await creator.client.PublishEpisode({ id: createEpisode.id });
    const late = await signUp(supergraph, 'somerville');
    await allRelayed(supergraph);

    // a failover to a replica that had none of it: streams, groups and pending entries are gone
    const admin = connectRedis(redis.url, 'command', { name: 'recovery-e2e' });
    await admin.flushall();
    admin.disconnect();

    // notifications comes back where the gateway expects it, on its own database
    notifications = await startSubgraph(notificationsModule, {
      port,
      databaseUrl: supergraph.database('notifications').url,
      redisUrl: redis.url,
      redisPrefix: supergraph.redisPrefix,
      gatewaySecret: TEST_GATEWAY_SECRET,
    });
    const inbox = await eventually(async () => {
      const { me } = await listener.client.MyNotifications({ first: 10 });
      const kinds = me!.notifications!.edges.map((e) => e.node.kind);
      return kinds.includes('NEW_EPISODE') && me!.notifications!.edges;
    }, 30_000, 200);
    expect(inbox.filter((e) => e.node.kind === 'NEW_EPISODE').map((e) => e.node.episode?.id)).toEqual([createEpisode.id]);
    // the user who signed up while notifications was away is welcomed, once
    const welcomed = await eventually(async () => {
      const { me } = await late.client.MyNotifications({ first: 10 });
      return me!.notifications!.edges.length > 0 && me!.notifications!.edges;
    }, 30_000, 200);
    expect(welcomed.map((e) => e.node.kind)).toEqual(['WELCOME']);

    // every event applied once, whichever way it came (the log, or the stream after the flush)
    const rows = await notifications.db.dataSource.query('SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM inbox');
    expect(rows[0].n).toBe(rows[0].d);
    const recovered = (await notifications.metrics.getMetricsAsJSON()).find((m) => m.name === 'wavegraph_events_recovered_total');
    expect(recovered?.values.reduce((sum, v) => sum + v.value, 0)).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it('rebuilds discovery from the producers\' logs, by service call and by the operator\'s command, to the same read model', async () => {
    const anonymous = supergraph.client();
    const browse = async () => (await anonymous.Browse({ first: 50 })).browse.edges.map((e) => e.node?.id).sort();
    const before = await eventually(async () => {
      const ids = await browse();
      return ids.length === 1 && ids;
    }, 20_000, 200);
    // a transcript of the episode, recorded in media's outbox as media records one
    const episodeId = before[0]!;
    const segments = [{ startSeconds: 0, endSeconds: 2.5, text: 'note g' }, { startSeconds: 2.5, endSeconds: 6, text: 'it computes the Bernoulli numbers' }];
    await supergraph.media.db.dataSource.transaction((tx) =>
      recordEvent(tx, TranscriptPublished, episodeId, { episodeId, ownerId: randomUUID(), revision: 1, language: 'en-US', engine: 'pocketsphinx', segments }));
    const spoken = async () => (await anonymous.Search({ query: 'bernoulli' })).search.edges.map((e) => [e.node.episode?.id, e.node.matches?.map((m) => m.startSeconds)]);
    await eventually(async () => (await spoken()).length === 1, 20_000, 200);
    expect(await spoken()).toEqual([[episodeId, [2.5]]]);
    // the streams hold almost nothing after the flush: only the logs have the history
    const services = supergraph.discovery.services as { rebuild(from?: 'logs' | 'streams'): Promise<{ replayed: number; applied: number }> };
    const fromStreams = await services.rebuild('streams');
    expect(await browse()).toEqual([]);
    expect(await spoken()).toEqual([]);
    const fromLogs = await services.rebuild();
    expect(fromLogs.replayed).toBeGreaterThan(fromStreams.replayed);
    expect(await browse()).toEqual(before);
    expect(await spoken()).toEqual([[episodeId, [2.5]]]);

    // asynchronously: the producers serving their logs run in this process
    const cli = await promisify(execFile)(process.execPath, [path.resolve(__dirname, '../subgraphs/discovery/dist/cli/rebuild.js')], {
      env: { ...process.env, DISCOVERY_DATABASE_URL: supergraph.database('discovery').url, REDIS_URL: redis.url, REDIS_PREFIX: supergraph.redisPrefix, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toMatch(new RegExp(`^replayed ${fromLogs.replayed} events \\(${fromLogs.applied} applied, 0 skipped as invalid\\)\\n$`));
    expect(await browse()).toEqual(before);
    expect(await spoken()).toEqual([[episodeId, [2.5]]]);
  }, 60_000);
});
