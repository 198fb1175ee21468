import { publishJobId } from '../publishing/publish.queue';
import { createEpisode, createShow, errorOf, startCatalog, transition, viewer, type CatalogHarness } from '../testing/harness';

type Status = 'DRAFT' | 'SCHEDULED' | 'PUBLISHED' | 'ARCHIVED';
type Action = 'publishEpisode' | 'scheduleEpisode' | 'unpublishEpisode' | 'archiveEpisode';
const SCHEDULE = 'mutation($id: ID!, $at: DateTimeISO!) { scheduleEpisode(id: $id, publishAt: $at) { id status scheduledAt publishedAt } }';
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

// what each action leads to from each status; null means the transition is refused
const EXPECTED: Record<Action, Record<Status, Status | null>> = {
  publishEpisode: { DRAFT: 'PUBLISHED', SCHEDULED: 'PUBLISHED', PUBLISHED: null, ARCHIVED: null },
  scheduleEpisode: { DRAFT: 'SCHEDULED', SCHEDULED: 'SCHEDULED', PUBLISHED: null, ARCHIVED: null },
  unpublishEpisode: { DRAFT: null, SCHEDULED: 'DRAFT', PUBLISHED: 'DRAFT', ARCHIVED: null },
  archiveEpisode: { DRAFT: 'ARCHIVED', SCHEDULED: 'ARCHIVED', PUBLISHED: 'ARCHIVED', ARCHIVED: 'ARCHIVED' },
};
const cases = (Object.keys(EXPECTED) as Action[]).flatMap((action) =>
  (Object.keys(EXPECTED[action]) as Status[]).map((from) => [action, from, EXPECTED[action][from] ?? 'refused'] as const),
);

describe('publishing workflow', () => {
  let h: CatalogHarness;
  const owner = viewer();
  let showId: string;
  beforeAll(async () => {
    h = await startCatalog();
    showId = (await createShow(h, owner)).id;
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function episodeIn(status: Status): Promise<string> {
    const id = await createEpisode(h, owner, showId);
    const step = { DRAFT: null, SCHEDULED: 'scheduleEpisode', PUBLISHED: 'publishEpisode', ARCHIVED: 'archiveEpisode' }[status];
    if (step === 'scheduleEpisode') expect((await h.call(SCHEDULE, { id, at: inAnHour() }, owner)).errors).toBeUndefined();
    else if (step) expect((await transition(h, owner, step, id)).errors).toBeUndefined();
    return id;
  }

  const run = (action: Action, id: string) =>
    action === 'scheduleEpisode'
      ? h.call<Record<string, { status: string; publishedAt: string | null; scheduledAt: string | null }>>(SCHEDULE, { id, at: inAnHour() }, owner)
      : transition(h, owner, action, id);

  it.each(cases)('%s from %s: %s', async (action, from, to) => {
    const id = await episodeIn(from);
    const res = await run(action, id);
    const state = await h.call<{ episode: { status: string } }>('query($id: ID!) { episode(id: $id) { status } }', { id }, owner);
    if (to === 'refused') {
      expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
      expect(res.errors?.[0].message).toContain(`is ${from}`);
      expect(state.data?.episode.status).toBe(from);
    } else {
      expect(res.errors).toBeUndefined();
      expect(res.data?.[action]).toMatchObject({ status: to });
      expect(state.data?.episode.status).toBe(to);
    }
  });

  it('sets publishedAt only while published and scheduledAt only while scheduled', async () => {
    const id = await createEpisode(h, owner, showId);
    const at = inAnHour();
    expect((await h.call(SCHEDULE, { id, at }, owner)).data?.scheduleEpisode).toMatchObject({ status: 'SCHEDULED', scheduledAt: at, publishedAt: null });
    const published = await transition(h, owner, 'publishEpisode', id);
    expect(published.data?.publishEpisode).toMatchObject({ scheduledAt: null, publishedAt: expect.any(String) });
    expect((await transition(h, owner, 'unpublishEpisode', id)).data?.unpublishEpisode).toMatchObject({ status: 'DRAFT', publishedAt: null, scheduledAt: null });
  });

  it('refuses a publishAt that is not in the future', async () => {
    const id = await createEpisode(h, owner, showId);
    const res = await h.call(SCHEDULE, { id, at: new Date(Date.now() - 1000).toISOString() }, owner);
    expect(errorOf(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'publishAt' });
    expect((await h.call('query($id: ID!) { episode(id: $id) { status } }', { id }, owner)).data?.episode).toEqual({ status: 'DRAFT' });
  });

  it('checks who schedules: anonymous UNAUTHENTICATED, other users FORBIDDEN', async () => {
    const id = await createEpisode(h, owner, showId);
    expect(errorOf(await h.call(SCHEDULE, { id, at: inAnHour() })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.call(SCHEDULE, { id, at: inAnHour() }, viewer())).code).toBe('FORBIDDEN');
    const jobs = await h.running.services.publishing.queue.getJobs(['delayed', 'wait']);
    expect(jobs.filter((job) => job.data.episodeId === id)).toHaveLength(0);
  });

  it('queues one delayed job per episode and time, however often it is scheduled', async () => {
    const id = await createEpisode(h, owner, showId);
    const at = inAnHour();
    await h.call(SCHEDULE, { id, at }, owner);
    await h.call(SCHEDULE, { id, at }, owner);
    const queue = h.running.services.publishing.queue;
    const jobs = (await queue.getJobs(['delayed'])).filter((job) => job.data.episodeId === id);
    expect(jobs.map((job) => job.id)).toEqual([publishJobId(id, new Date(at))]);
    // the job carries the request that scheduled it, for its span and log lines
    expect(jobs[0].data).toEqual({ episodeId: id, publishAt: at, trace: { requestId: expect.any(String) } });
    expect(jobs[0].opts).toMatchObject({ attempts: expect.any(Number), backoff: { type: 'exponential' } });
    expect(jobs[0].opts.delay).toBeGreaterThan(3_500_000);
  });
});
