import type { WavegraphClient } from '@wavegraph/client';
import { readEvents } from '@wavegraph/events';
import { connectRedis, startSubgraph, type RunningSubgraph } from '@wavegraph/kit';
import { notificationsModule } from '@wavegraph/notifications';
import { eventually, TEST_GATEWAY_SECRET, TEST_REDIS_URL } from '@wavegraph/testkit';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { signUp as signUpAs } from './support/users';

/*
 * The issue as it was seen from outside: notifications is down for a while, a listener follows a
 * show and then its creator publishes an episode; when notifications comes back it catches up on
 * its backlog stream by stream (catalog's before engagement's), so it applies the publication
 * before the follow. The follower must still be told, and only the facts decide who is: a follow
 * after the publication does not count, an unfollow before it does.
 */
describe('a backlog applied in another order than things happened (notifications down, then back)', () => {
  let supergraph: TestSupergraph;
  let restarted: RunningSubgraph<unknown> | undefined;
  const redis = connectRedis(TEST_REDIS_URL, 'command', { name: 'ordering-e2e' });

  const signUp = async (handle: string): Promise<WavegraphClient> => (await signUpAs(supergraph, handle)).client;
  const newEpisodes = async (client: WavegraphClient): Promise<string[]> =>
    ((await client.MyNotifications({})).me?.notifications?.edges ?? []).filter((e) => e.node.kind === 'NEW_EPISODE').map((e) => e.node.message);
  const onStream = async (producer: 'catalog' | 'engagement', type: string, count: number) =>
    eventually(async () => (await readEvents(redis, supergraph.redisPrefix, producer)).filter((e) => e.type === type).length >= count, 15_000);

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
  }, 60_000);
  afterAll(async () => {
    await restarted?.stop();
    redis.disconnect();
    await supergraph?.stop();
  });

  it('tells the listener who followed before the publication, and not the one who came after or left before', async () => {
    const creator = await signUp('maker');
    const [early, late, leaver] = [await signUp('early'), await signUp('late'), await signUp('leaver')];
    const { createShow } = await creator.CreateShow({ input: { slug: 'backlog-tales', title: 'Backlog tales', category: 'NEWS', language: 'en' } });
    const showId = createShow.id;
    // engagement learns of the show from catalog's event
    await eventually(() => leaver.FollowShow({ showId }), 15_000);
    // the leaver's follow is applied while notifications runs; the rest waits in the streams
    await eventually(async () => (await supergraph.notifications.db.dataSource.query('SELECT 1 FROM show_followers WHERE show_id = $1 AND following', [showId])).length === 1, 15_000);
    const { port } = supergraph.notifications;
    await supergraph.stopSubgraph('notifications');

    await early.FollowShow({ showId });
    await leaver.UnfollowShow({ showId });
    const { createEpisode } = await creator.CreateEpisode({ input: { showId, title: 'Told in order' } });
    await creator.PublishEpisode({ id: createEpisode.id });
    await late.FollowShow({ showId });
    await onStream('engagement', 'engagement.ShowFollowed', 3);
    await onStream('engagement', 'engagement.ShowUnfollowed', 1);
    await onStream('catalog', 'catalog.EpisodePublished', 1);

    // back on its port and database: the gateway reaches it again, and it reads its backlog
    restarted = await startSubgraph(notificationsModule, {
      port, databaseUrl: supergraph.database('notifications').url, redisUrl: TEST_REDIS_URL, redisPrefix: supergraph.redisPrefix, gatewaySecret: TEST_GATEWAY_SECRET,
    });
    await eventually(async () => (await newEpisodes(early)).length === 1, 15_000);
    // everything is applied by now: the late follow and the unfollow were read with the follow
    await eventually(async () => {
      const rows: { n: number }[] = await restarted!.db.dataSource.query("SELECT count(*)::int AS n FROM inbox WHERE type LIKE 'engagement.Show%'");
      return rows[0].n === 4;
    }, 15_000);
    expect(await newEpisodes(early)).toEqual(['New episode: Told in order']);
    expect(await newEpisodes(late)).toEqual([]);
    expect(await newEpisodes(leaver)).toEqual([]);
  }, 60_000);
});
