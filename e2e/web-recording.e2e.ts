import { eventually } from '@wavegraph/testkit';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_ARGS, launchChromium, screenshot, signUpInBrowser as signUp, startWebScenario, type WebScenario } from './support/browser';
import type { TestSupergraph } from './support/supergraph';

// Chromium's fake capture device stands in for a microphone (a tone that beeps), and its permission prompt says yes
const RECORDING_ARGS = [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'];
/** PUTs a chunk gets from the app before it is left for the resend before finishing: the first try and five retries. */
const ATTEMPTS_PER_CHUNK = 6;

/*
 * Recording in the creator studio, in headless Chromium against the whole supergraph: a creator
 * records about ten seconds from the microphone (the level meter moves, the chunk counter counts
 * what the server acknowledged), one chunk's PUT is cut off and retried, the connection is lost
 * near the end long enough for the app to give a chunk up (the app asks the session what it misses
 * and resends just that one before finishing), processing reaches READY live, the waveform is
 * drawn, and the episode is published with the recording as its media; then the publishing
 * workflow: unpublished, scheduled a few seconds ahead and published by the worker on the open page,
 * a past time refused, a schedule shown in the show's list and cancelled, and the episode archived.
 */
describe('the web app: recording an episode in the creator studio', () => {
  let scenario: WebScenario;
  /** The operation names of the GraphQL requests the pages sent. */
  const operations: string[] = [];
  const watch = (context: BrowserContext) =>
    context.on('request', (request) => {
      const name = /"operationName":"(\w+)"/.exec(request.postData() ?? '')?.[1];
      if (name) operations.push(name);
    });

  beforeAll(async () => {
    scenario = await startWebScenario({ name: 'web-recording', chromiumArgs: RECORDING_ARGS, permissions: ['microphone'], onContext: watch });
  }, 60_000);
  afterAll(() => scenario?.stop());

  /** With WAVEGRAPH_SCREENSHOTS=<dir>, pictures of the recorder and of the waveform are taken along the way. */
  const shot = (page: Page, name: string) => screenshot(page, name, true);

  /** Signs up and creates a show with one episode; the studio is left on the episode's page. */
  async function newEpisode(page: Page, handle: string, title: string): Promise<string> {
    await signUp(page, handle);
    const showForm = page.getByRole('form', { name: 'New show' });
    await showForm.getByLabel('Title').fill(`Desk Sessions of ${handle}`);
    await showForm.getByLabel('Description').fill('Recorded where it is written');
    await showForm.getByRole('button', { name: 'Create show' }).click();
    await page.getByRole('heading', { name: `Desk Sessions of ${handle}` }).waitFor();
    const episodeForm = page.getByRole('form', { name: 'New episode' });
    await episodeForm.getByLabel('Title').fill(title);
    await episodeForm.getByLabel('Description').fill('A first take, straight from the microphone');
    await episodeForm.getByRole('button', { name: 'Create episode' }).click();
    await page.getByTestId('episode-status').filter({ hasText: 'DRAFT' }).waitFor();
    return page.url().split('/').pop() ?? '';
  }

  /** A moment `offsetMs` from now as the page's datetime-local value (local time, to the second) and as an ISO instant. */
  const localMoment = (page: Page, offsetMs: number) =>
    page.evaluate((offset) => {
      const at = new Date(Math.ceil((Date.now() + offset) / 1000) * 1000);
      // Chromium writes a whole minute without its seconds, which fill() would take for a malformed value
      if (at.getSeconds() === 0) at.setSeconds(1);
      const pad = (n: number) => String(n).padStart(2, '0');
      const value = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
      return { value, iso: at.toISOString() };
    }, offsetMs);

  const statusIs = (page: Page, status: string) => page.getByTestId('episode-status').filter({ hasText: new RegExp(`^${status}$`) }).waitFor({ timeout: 20_000 });

  /**
   * The publishing workflow on the open episode page, from PUBLISHED: unpublish, schedule a few seconds
   * ahead and watch the worker publish it on the open page, a past time refused in words, a schedule
   * seen in the show's list and cancelled, and archiving after a confirmation on the page.
   */
  async function publishingWorkflow(context: BrowserContext, page: Page, creator: ReturnType<TestSupergraph['client']>, episodeId: string) {
    const apiEpisode = async () => (await creator.Episode({ id: episodeId })).episode!;
    const button = (name: string) => page.getByRole('button', { name, exact: true });
    const scheduleForm = page.getByRole('form', { name: 'Schedule' });
    // a reload would lose this
    await page.evaluate('window.stayedOpen = true');

    await button('Unpublish').click();
    await statusIs(page, 'DRAFT');
    expect(await apiEpisode()).toMatchObject({ status: 'DRAFT', publishedAt: null, scheduledAt: null });

    // a few seconds ahead: SCHEDULED with its time shown, then PUBLISHED by the worker while the page stays open
    const soon = await localMoment(page, 8_000);
    await scheduleForm.getByLabel('Publish at').fill(soon.value);
    await scheduleForm.getByRole('button', { name: 'Schedule', exact: true }).click();
    await statusIs(page, 'SCHEDULED');
    const scheduledFor = page.getByTestId('scheduled-for');
    expect(await scheduledFor.locator('time').getAttribute('datetime')).toBe(soon.iso);
    expect(await scheduledFor.textContent()).toMatch(/^Scheduled for .*\d/);
    const scheduled = await apiEpisode();
    expect(scheduled).toMatchObject({ status: 'SCHEDULED', scheduledAt: soon.iso, publishedAt: null });
    await shot(page, 'studio-scheduled');
    await page.getByTestId('episode-status').filter({ hasText: /^PUBLISHED$/ }).waitFor({ timeout: 60_000 });
    expect(await page.evaluate('window.stayedOpen')).toBe(true);
    const published = await apiEpisode();
    expect(published).toMatchObject({ status: 'PUBLISHED', scheduledAt: null });
    expect(Date.parse(published.publishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(soon.iso));
    expect(await page.getByTestId('published-at').getAttribute('datetime')).toBe(published.publishedAt);

    // a time that has passed is refused, in words, and the episode stays a draft
    await button('Unpublish').click();
    await statusIs(page, 'DRAFT');
    const past = await localMoment(page, -60_000);
    await scheduleForm.getByLabel('Publish at').fill(past.value);
    await scheduleForm.getByRole('button', { name: 'Schedule', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Not scheduled: the publish time must be in the future.' }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('episode-status').textContent()).toBe('DRAFT');
    expect((await apiEpisode()).status).toBe('DRAFT');

    // an hour ahead: the show's episode list says so too; then the schedule is cancelled
    const later = await localMoment(page, 3_600_000);
    await scheduleForm.getByLabel('Publish at').fill(later.value);
    await scheduleForm.getByRole('button', { name: 'Schedule', exact: true }).click();
    await statusIs(page, 'SCHEDULED');
    expect(await page.getByRole('alert').count()).toBe(0);
    const showPage = await context.newPage();
    await showPage.goto(`${scenario.web.origin}/#/studio/shows/${published.show.id}`);
    const listed = showPage.getByRole('list', { name: 'Episodes' }).getByRole('listitem').filter({ hasText: 'Ten seconds at the desk' });
    await listed.filter({ hasText: 'SCHEDULED' }).waitFor({ timeout: 20_000 });
    expect(await listed.locator('time').getAttribute('datetime')).toBe(later.iso);
    await showPage.close();
    await button('Cancel schedule').click();
    await statusIs(page, 'DRAFT');
    expect(await apiEpisode()).toMatchObject({ status: 'DRAFT', scheduledAt: null });

    // archiving asks once more on the page; "Keep it" changes nothing
    await button('Archive').click();
    await button('Keep it').click();
    await button('Archive for good').waitFor({ state: 'detached' });
    expect((await apiEpisode()).status).toBe('DRAFT');
    await button('Archive').click();
    await page.getByRole('group', { name: 'Confirm archiving' }).waitFor();
    await button('Archive for good').click();
    await statusIs(page, 'ARCHIVED');
    expect((await apiEpisode()).status).toBe('ARCHIVED');
    for (const name of ['Publish now', 'Schedule', 'Unpublish', 'Archive']) expect(await button(name).count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
  }

  const chunkCount = async (page: Page): Promise<number> => Number(/^(\d+) chunks? stored$/.exec((await page.getByTestId('chunk-count').textContent()) ?? '')?.[1] ?? NaN);

  it('records from the microphone, survives dropped chunk requests, processes live to READY, draws the waveform, publishes, and runs the publishing workflow (schedule, unpublish, archive)', async () => {
    const { supergraph, requested } = scenario;
    const { context, page } = await scenario.open('/studio');
    const episodeId = await newEpisode(page, 'recorder', 'Ten seconds at the desk');

    // every chunk PUT, as "sequence:outcome"; the first PUT of chunk 3 is cut off, and near the end
    // the connection is lost for the next ATTEMPTS_PER_CHUNK PUTs (one chunk's every try: they go in order)
    const puts: string[] = [];
    let dropNext = 0;
    let dropped: string | null = null;
    let firstDrop!: () => void;
    const dropping = new Promise<void>((resolve) => (firstDrop = resolve));
    await context.route(`${supergraph.origin}/recordings/**`, async (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      const sequence = route.request().url().split('/').pop() ?? '';
      const cut = (sequence === '3' && !puts.includes('3:cut')) || dropNext > 0;
      if (dropNext > 0) {
        dropNext -= 1;
        dropped ??= sequence;
        firstDrop();
      }
      puts.push(`${sequence}:${cut ? 'cut' : 'sent'}`);
      return cut ? route.abort('connectionreset') : route.continue();
    });

    await page.getByRole('button', { name: 'Record' }).click();
    const meter = page.getByRole('meter', { name: 'Input level' });
    await meter.waitFor({ timeout: 20_000 });
    // the fake microphone's tone moves the meter
    await eventually(async () => Number(await meter.getAttribute('aria-valuenow')) > 0, 20_000, 25);
    // the counter shows acknowledged chunks only, one a second
    await eventually(async () => (await chunkCount(page)) >= 8, 40_000, 100);
    expect(puts.filter((put) => put.startsWith('3:'))).toEqual(['3:cut', '3:sent']);
    expect(operations.filter((name) => name === 'StartRecordingSession')).toHaveLength(1);

    await shot(page, 'studio-recording');
    // the next chunk meets a lost connection; Stop is pressed while it is being retried, at about ten seconds
    dropNext = ATTEMPTS_PER_CHUNK;
    await dropping;
    await page.getByRole('alert').filter({ hasText: /could not be sent \(the connection dropped\); trying again/ }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('recording-elapsed').textContent()).toMatch(/^0:(09|1\d)$/);
    await page.getByRole('button', { name: 'Stop' }).click();

    // the retries run out, the chunk is resent once the session says it misses it, and processing runs, live, until READY
    await page.getByRole('progressbar', { name: 'probe progress' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('media-status').filter({ hasText: 'READY' }).waitFor({ timeout: 90_000 });
    expect(dropped).not.toBeNull();
    expect(puts.filter((put) => put === `${dropped}:cut`)).toHaveLength(ATTEMPTS_PER_CHUNK);
    expect(puts.filter((put) => put === `${dropped}:sent`)).toHaveLength(1);
    // no other chunk was sent twice: only what the session missed was resent
    const sent = puts.filter((put) => put.endsWith(':sent')).map((put) => Number(put.split(':')[0]));
    expect(new Set(sent).size).toBe(sent.length);
    const lastSequence = Math.max(...sent);
    expect([...sent].sort((a, b) => a - b)).toEqual(Array.from({ length: lastSequence + 1 }, (_, i) => i));
    expect(await chunkCount(page)).toBe(lastSequence + 1);

    // the API: the episode's media is the recording, about ten seconds long, READY
    const { accessToken } = (await page.evaluate("JSON.parse(localStorage.getItem('wavegraph.session'))")) as { accessToken: string };
    const creator = supergraph.client(accessToken);
    const sessionId = /\/recordings\/([0-9a-f-]{36})\/chunks\//.exec(requested.find((url) => url.includes('/recordings/')) ?? '')?.[1] ?? '';
    const { recordingSession } = await creator.RecordingSession({ id: sessionId });
    expect(recordingSession).toMatchObject({ status: 'FINISHED', chunksReceived: lastSequence + 1, lastSequence, missing: [] });
    const media = await eventually(async () => {
      const { episode } = await creator.EpisodeMedia({ id: episodeId });
      expect(episode?.media?.status).toBe('READY');
      return episode!.media!;
    }, 20_000);
    expect(media.id).toBe(recordingSession?.asset.id);
    expect(media.codec).toBe('opus');
    expect(Math.abs((media.durationSeconds ?? 0) - 10)).toBeLessThanOrEqual(3);
    expect(media.waveformUrl).toBeTruthy();

    // the waveform is drawn: bars on the canvas, not an empty box
    const waveform = page.getByTestId('waveform');
    await waveform.waitFor({ timeout: 20_000 });
    expect(await waveform.getAttribute('aria-label')).toBe('Waveform');
    await eventually(async () => Number(await waveform.getAttribute('data-bars')) > 50, 10_000, 50);
    const painted = (await page.evaluate(`(() => {
      const canvas = document.querySelector('[data-testid="waveform"]');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
      return count / (canvas.width * canvas.height);
    })()`)) as number;
    expect(painted).toBeGreaterThan(0.05);

    expect(await page.getByRole('alert').count()).toBe(0);
    await shot(page, 'studio-waveform');
    await page.getByRole('button', { name: 'Publish now', exact: true }).click();
    await page.getByTestId('episode-status').filter({ hasText: 'PUBLISHED' }).waitFor();
    const { episode } = await supergraph.client().EpisodeMedia({ id: episodeId });
    expect(episode?.media).toMatchObject({ id: media.id, status: 'READY' });

    await publishingWorkflow(context, page, creator, episodeId);

    // nothing came from anywhere but the app and the gateway
    expect(scenario.elsewhere()).toEqual([]);
    await context.close();
  }, 360_000);

  it('says in words when the microphone is refused, and starts no session', async () => {
    // a browser whose (fake) permission prompt answers no
    const refusing = await launchChromium([...RECORDING_ARGS.filter((arg) => !arg.startsWith('--use-fake-ui')), '--use-fake-ui-for-media-stream=deny']);
    try {
      operations.length = 0;
      const { context, page } = await scenario.open('/studio', { browser: refusing, permissions: [] });
      await newEpisode(page, 'shy', 'Not today');
      await page.getByRole('button', { name: 'Record' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 20_000 });
      expect(await alert.textContent()).toBe('The microphone is blocked. Allow this site to use it, then press Record again.');
      expect(await page.getByRole('button', { name: 'Record' }).isEnabled()).toBe(true);
      expect(await page.getByRole('meter').count()).toBe(0);
      expect(operations).toContain('CreateEpisode');
      expect(operations).not.toContain('StartRecordingSession');
      await context.close();
    } finally {
      await refusing.close();
    }
  }, 60_000);
});
