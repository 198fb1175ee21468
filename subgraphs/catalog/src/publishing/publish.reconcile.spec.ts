import { connectRedis, createLogger } from '@wavegraph/kit';
import { createRegistry, type Registry } from '@wavegraph/metrics';
import { eventually, startPrivateRedis, type PrivateRedis } from '@wavegraph/testkit';
import { createEpisode, createShow, startCatalog, viewer, type CatalogHarness } from '../testing/harness';
import { publishJobId } from './publish.queue';
import { reconcileScheduledPublishing } from './publish.reconcile';
import { startPublishWorker, type PublishWorker } from './publish.worker';

const SCHEDULE = 'mutation($id: ID!, $at: DateTimeISO!) { scheduleEpisode(id: $id, publishAt: $at) { status } }';
const EPISODE = 'query($id: ID!) { episode(id: $id) { status publishedAt scheduledAt } }';
type EpisodeState = { status: string; publishedAt: string | null; scheduledAt: string | null };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Scheduled publishing when Redis comes back empty: the episodes table says what must happen. */
describe('scheduled publishing reconciled from the database', () => {
  let redis: PrivateRedis;
  let h: CatalogHarness;
  const owner = viewer();
  let showId: string;
  const workers: PublishWorker[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    h = await startCatalog({ redisUrl: redis.url });
    showId = (await createShow(h, owner)).id;
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await h?.stop();
    await redis?.destroy();
  });

  /** Redis lost everything: a failover to an empty replica, a wiped volume. */
  async function wipeRedis(): Promise<void> {
    const admin = connectRedis(redis.url, 'command', { name: 'publish-reconcile-spec:admin' });
    try {
      await admin.flushall();
    } finally {
      admin.disconnect();
    }
  }
  const startWorker = async (metrics: Registry) => {
    // one round at start; the next ones too late to matter here, so each effect below is the start's
    const worker = await startPublishWorker({ databaseUrl: h.database.url, redisUrl: redis.url, prefix: h.redisPrefix, metrics, reconcileIntervalMs: 600_000 });
    workers.push(worker);
    return worker;
  };
  const stateOf = async (id: string) => (await h.call<{ episode: EpisodeState }>(EPISODE, { id }, owner)).data!.episode;
  const schedule = async (id: string, at: Date) => expect((await h.call(SCHEDULE, { id, at: at.toISOString() }, owner)).errors).toBeUndefined();
  const publishedEvents = async (id: string): Promise<number> =>
    Number((await h.running.db.dataSource.query("SELECT count(*) AS n FROM outbox WHERE aggregate_id = $1 AND type = 'catalog.EpisodePublished'", [id]))[0].n);
  const reconciled = async (metrics: Registry, kind: string): Promise<number> =>
    (await metrics.getSingleMetric('wavegraph_reconciled_jobs_total')!.get()).values.find((v) => v.labels.queue === 'catalog-publish' && v.labels.kind === kind)?.value ?? 0;

  it('publishes, once, an episode that fell due while Redis had lost its job, and gives a future one its job back, which fires', async () => {
    const [due, future] = [await createEpisode(h, owner, showId), await createEpisode(h, owner, showId)];
    const dueAt = new Date(Date.now() + 1_000);
    const futureAt = new Date(Date.now() + 6_000);
    await schedule(due, dueAt);
    await schedule(future, futureAt);
    const queue = h.running.services.publishing.queue;
    expect(await queue.getJobState(publishJobId(future, futureAt))).toBe('delayed');

    await wipeRedis();
    expect(await queue.getJobState(publishJobId(due, dueAt))).toBe('unknown');
    expect(await queue.getJobState(publishJobId(future, futureAt))).toBe('unknown');
    await sleep(dueAt.getTime() - Date.now() + 200);
    expect((await stateOf(due)).status).toBe('SCHEDULED');

    // two replicas start at once: both reconcile the same episodes
    const [a, b] = [createRegistry('catalog-worker'), createRegistry('catalog-worker')];
    const [first, second] = await Promise.all([startWorker(a), startWorker(b)]);
    const published = await eventually(async () => {
      const state = await stateOf(due);
      return state.status === 'PUBLISHED' && state;
    }, 10_000, 50);
    expect(Date.parse(published.publishedAt!)).toBeGreaterThanOrEqual(dueAt.getTime());
    expect(published.scheduledAt).toBeNull();
    // both rounds are over: the future episode has its delayed job again, and nothing fired twice
    await Promise.all([first.reconciler.runNow(), second.reconciler.runNow()]);
    expect(await queue.getJobState(publishJobId(future, futureAt))).toBe('delayed');
    expect((await stateOf(future)).status).toBe('SCHEDULED');
    expect(await publishedEvents(due)).toBe(1);
    expect((await reconciled(a, 'published')) + (await reconciled(b, 'published'))).toBe(1);
    expect((await reconciled(a, 'requeued')) + (await reconciled(b, 'requeued'))).toBeGreaterThanOrEqual(1);

    // the job given back fires at its time, through the worker, once
    const fired = await eventually(async () => {
      const state = await stateOf(future);
      return state.status === 'PUBLISHED' && state;
    }, 15_000, 100);
    expect(Date.parse(fired.publishedAt!)).toBeGreaterThanOrEqual(futureAt.getTime());
    expect(await publishedEvents(future)).toBe(1);
    expect(await queue.getJobState(publishJobId(future, futureAt))).toBe('completed');
    expect(await publishedEvents(due)).toBe(1);
  }, 40_000);

  it('says in /ready what the last round restored, and nothing once a round finds nothing missing', async () => {
    const id = await createEpisode(h, owner, showId);
    const at = new Date(Date.now() + 3_600_000);
    await schedule(id, at);
    const metrics = createRegistry('catalog-worker');
    const worker = await startWorker(metrics);
    // the start's round: this episode's job is there
    await worker.reconciler.runNow();
    expect(await worker.checks.reconcile()).toBe('ok');

    await wipeRedis();
    expect(await worker.reconciler.runNow()).toEqual({ requeued: 1, published: 0 });
    expect(await worker.checks.reconcile()).toMatch(/^recovering: requeued 1 \(round at \d{4}-\d\d-\d\dT/);
    expect(await reconciled(metrics, 'requeued')).toBe(1);
    expect(await reconciled(metrics, 'published')).toBe(0);
    expect(await h.running.services.publishing.queue.getJobState(publishJobId(id, at))).toBe('delayed');

    expect(await worker.reconciler.runNow()).toEqual({ requeued: 0, published: 0 });
    expect(await worker.checks.reconcile()).toBe('ok');
    expect(await reconciled(metrics, 'requeued')).toBe(1);
  });

  it('leaves alone an episode whose job is there, and one no longer scheduled', async () => {
    const id = await createEpisode(h, owner, showId);
    await schedule(id, new Date(Date.now() + 3_600_000));
    const draft = await createEpisode(h, owner, showId);
    const counts = await reconcileScheduledPublishing(h.running.db.dataSource, h.running.services.publishing, createLogger('publish-reconcile-spec'));
    expect(counts).toEqual({ requeued: 0, published: 0 });
    expect((await stateOf(draft)).status).toBe('DRAFT');
  });
});
