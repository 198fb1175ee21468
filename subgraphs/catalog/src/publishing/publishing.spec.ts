import { startPublishWorker, type PublishWorker } from './publish.worker';
import { publishJobId } from './publish.queue';
import { createEpisode, createShow, startCatalog, transition, viewer, type CatalogHarness } from '../testing/harness';
import { TEST_REDIS_URL } from '@wavegraph/testkit';

const SCHEDULE = 'mutation($id: ID!, $at: DateTimeISO!) { scheduleEpisode(id: $id, publishAt: $at) { status scheduledAt } }';
const EPISODE = 'query($id: ID!) { episode(id: $id) { status publishedAt scheduledAt } }';
type EpisodeState = { status: string; publishedAt: string | null; scheduledAt: string | null };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('scheduled publishing', () => {
  let h: CatalogHarness;
  const owner = viewer();
  let showId: string;
  const workers: PublishWorker[] = [];
  const startWorker = async () => {
    const worker = await startPublishWorker({ databaseUrl: h.database.url, redisUrl: TEST_REDIS_URL, prefix: h.redisPrefix });
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    h = await startCatalog();
    showId = (await createShow(h, owner)).id;
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await h?.stop();
  });

  const stateOf = async (id: string) => (await h.call<{ episode: EpisodeState }>(EPISODE, { id }, owner)).data!.episode;
  const schedule = async (id: string, at: Date) => {
    const res = await h.call(SCHEDULE, { id, at: at.toISOString() }, owner);
    expect(res.errors).toBeUndefined();
  };
  const published = (id: string) => waitFor(`episode ${id} to be published`, async () => {
    const state = await stateOf(id);
    return state.status === 'PUBLISHED' && state;
  });

  it('publishes a job that fell due while no worker was running, once a worker starts', async () => {
    const id = await createEpisode(h, owner, showId);
    const at = new Date(Date.now() + 1500);
    await schedule(id, at);
    expect(await h.running.services.publishing.queue.getJobState(publishJobId(id, at))).toBe('delayed');

    await sleep(2000);
    expect((await stateOf(id)).status).toBe('SCHEDULED');

    const worker = await startWorker();
    const state = await published(id);
    expect(Date.parse(state.publishedAt!)).toBeGreaterThanOrEqual(at.getTime());
    expect(state.scheduledAt).toBeNull();
    await worker.close();
  });

  it('keeps a scheduled job across a worker restart', async () => {
    const first = await startWorker();
    const id = await createEpisode(h, owner, showId);
    const at = new Date(Date.now() + 1500);
    await schedule(id, at);
    await first.close();

    await sleep(1800);
    expect((await stateOf(id)).status).toBe('SCHEDULED');
    const second = await startWorker();
    const state = await published(id);
    expect(Date.parse(state.publishedAt!)).toBeGreaterThanOrEqual(at.getTime());
    await second.close();
  });

  it('ignores stale jobs of rescheduled, unpublished and archived episodes', async () => {
    const [rescheduled, unpublished, archived] = [await createEpisode(h, owner, showId), await createEpisode(h, owner, showId), await createEpisode(h, owner, showId)];
    // far enough ahead that five mutations on a loaded machine still schedule it in the future
    const at = new Date(Date.now() + 4000);
    const later = new Date(Date.now() + 3_600_000);
    for (const id of [rescheduled, unpublished, archived]) await schedule(id, at);
    await schedule(rescheduled, later);
    expect((await transition(h, owner, 'unpublishEpisode', unpublished)).errors).toBeUndefined();
    expect((await transition(h, owner, 'archiveEpisode', archived)).errors).toBeUndefined();

    const worker = await startWorker();
    const queue = h.running.services.publishing.queue;
    for (const id of [rescheduled, unpublished, archived]) {
      const jobId = publishJobId(id, at);
      await waitFor(`stale job ${jobId} to complete`, async () => (await queue.getJobState(jobId)) === 'completed');
      expect((await queue.getJob(jobId))?.returnvalue).toEqual({ published: false });
    }
    expect(await stateOf(rescheduled)).toEqual({ status: 'SCHEDULED', publishedAt: null, scheduledAt: later.toISOString() });
    expect(await stateOf(unpublished)).toEqual({ status: 'DRAFT', publishedAt: null, scheduledAt: null });
    expect((await stateOf(archived)).status).toBe('ARCHIVED');
    expect(await queue.getJobState(publishJobId(rescheduled, later))).toBe('delayed');
    await worker.close();
  });
});
