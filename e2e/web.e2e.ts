import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { eventually } from '@wavegraph/testkit';
import { screenshot, signUpInBrowser as signUp, startWebScenario, type WebScenario } from './support/browser';

/*
 * The web app as people use it, in headless Chromium against the whole supergraph: a creator
 * signs up, creates a show and an episode, uploads a file (the first upload request is dropped:
 * tus resumes), watches processing reach READY live and publishes; a listener finds the episode
 * by search, plays it, likes it and comments, and the comment appears on the creator's open page.
 * The gateway runs only trusted documents (the codegen manifest holds the text urql sends). Every request goes to the app's or the gateway's origin.
 */
describe('the web app: creator studio and listener pages', () => {
  let scenario: WebScenario;
  let audioFile: string;

  beforeAll(async () => {
    scenario = await startWebScenario({ name: 'web' });
    audioFile = path.join(scenario.work, 'pilot.wav');
    const ffmpeg = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', '-ac', '1', '-ar', '44100', '-y', audioFile]);
    expect(ffmpeg.status).toBe(0);
  }, 60_000);
  afterAll(() => scenario?.stop());

  it('takes a creator from sign-up to a published episode, and a listener from search to playing, liking and commenting', async () => {
    const { supergraph, web, open } = scenario;
    // the creator: the studio asks them to sign in; a short password is refused in words, next to the form
    const creator = await open('/studio');
    await creator.page.getByRole('tab', { name: 'Create account' }).click();
    const signUpForm = creator.page.getByRole('form', { name: 'Create account' });
    await signUpForm.getByLabel('Email').fill('studio@example.com');
    await signUpForm.getByLabel('Handle').fill('studio');
    await signUpForm.getByLabel('Password').fill('short');
    await signUpForm.getByRole('button', { name: 'Create account' }).click();
    const refusal = signUpForm.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe('password must be at least 10 characters');
    await signUp(creator.page, 'studio');
    await creator.page.getByRole('heading', { name: 'My shows' }).waitFor();
    await creator.page.getByText('No shows yet').waitFor();

    const showForm = creator.page.getByRole('form', { name: 'New show' });
    await showForm.getByLabel('Title').fill('Sine Waves Weekly');
    await showForm.getByLabel('Description').fill('Pure tones, explained');
    await showForm.getByRole('button', { name: 'Create show' }).click();
    await creator.page.getByRole('heading', { name: 'Sine Waves Weekly' }).waitFor();

    const episodeForm = creator.page.getByRole('form', { name: 'New episode' });
    await episodeForm.getByLabel('Title').fill('Four seconds of A440');
    await episodeForm.getByLabel('Description').fill('A concert pitch oscillator, recorded');
    await episodeForm.getByRole('button', { name: 'Create episode' }).click();
    await creator.page.getByTestId('episode-status').filter({ hasText: 'DRAFT' }).waitFor();

    // the first PATCH of the upload is cut off: tus-js-client asks the server's offset and goes on
    const patches: string[] = [];
    await creator.context.route(`${supergraph.origin}/uploads/**`, async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      patches.push(route.request().url());
      if (patches.length === 1) return route.abort('connectionreset');
      return route.continue();
    });
    await creator.page.locator('input[name="media"]').setInputFiles(audioFile);
    await creator.page.getByTestId('upload-status').filter({ hasText: 'Uploaded' }).waitFor({ timeout: 20_000 });
    expect(await creator.page.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value')).toBe('100');
    expect(patches.length).toBeGreaterThanOrEqual(2);

    // processing, live: the steps appear and the status reaches READY without a reload
    await creator.page.getByRole('progressbar', { name: 'probe progress' }).waitFor({ timeout: 20_000 });
    await creator.page.getByTestId('media-status').filter({ hasText: 'READY' }).waitFor({ timeout: 45_000 });
    expect(await creator.page.locator('.step.done').count()).toBeGreaterThan(0);
    await screenshot(creator.page, 'studio');
    await creator.page.getByRole('button', { name: 'Publish' }).click();
    await creator.page.getByTestId('episode-status').filter({ hasText: 'PUBLISHED' }).waitFor();
    const episodeId = creator.page.url().split('/').pop() ?? '';
    // the creator keeps the episode's public page open: comments arrive there live
    await creator.page.getByRole('link', { name: 'Open the listener page' }).click();
    await creator.page.getByText('No comments yet.').waitFor();
    await eventually(async () => supergraph.engagement.pubSub.listeners(`COMMENT_ADDED:${episodeId}`) >= 1, 20_000);

    // the listener, in a browser of their own: a wrong sign-in is a sentence, not JSON
    const listener = await open('/signin');
    const signInForm = listener.page.getByRole('form', { name: 'Sign in' });
    await signInForm.getByLabel('Email').fill('nobody@example.com');
    await signInForm.getByLabel('Password').fill('not the password at all');
    await signInForm.getByRole('button', { name: 'Sign in' }).click();
    const wrong = await signInForm.getByRole('alert').textContent();
    expect(wrong).toMatch(/^[A-Z][^{}]+$/i);
    await signUp(listener.page, 'hearer');

    // the session is kept across reloads, and the access token is refreshed a minute before it expires
    type Stored = { accessToken: string; accessTokenExpiresAt: string; refreshToken: string };
    const stored = () => listener.page.evaluate("JSON.parse(localStorage.getItem('wavegraph.session'))") as Promise<Stored>;
    const before = await stored();
    await listener.page.evaluate(`(() => {
      const session = JSON.parse(localStorage.getItem('wavegraph.session'));
      session.accessTokenExpiresAt = new Date(Date.now() + 61000).toISOString();
      localStorage.setItem('wavegraph.session', JSON.stringify(session));
    })()`);
    await listener.page.reload();
    await listener.page.getByTestId('signed-in-as').filter({ hasText: '@hearer' }).waitFor();
    const refreshed = await eventually(async () => {
      const now = await stored();
      return now.refreshToken !== before.refreshToken && now;
    }, 15_000, 100);
    expect(new Date(refreshed.accessTokenExpiresAt).getTime()).toBeGreaterThan(Date.now() + 120_000);

    // search (discovery indexes the publish from events: searched again until it shows), with the words highlighted
    await listener.page.goto(`${web.origin}/#/`);
    const result = listener.page.getByRole('list', { name: 'Results' }).getByRole('link', { name: 'Four seconds of A440' });
    await eventually(async () => {
      await listener.page.getByRole('searchbox', { name: 'Search' }).fill('concert pitch');
      await listener.page.getByRole('button', { name: 'Search' }).click();
      await result.waitFor({ timeout: 1_000 });
      return true;
    }, 30_000, 250);
    expect((await listener.page.locator('.results mark').allTextContents()).map((word) => word.toLowerCase())).toEqual(expect.arrayContaining(['concert', 'pitch']));
    await result.click();

    // the HLS player plays: its current time advances
    await listener.page.getByRole('button', { name: 'Play' }).click();
    const played = await eventually(async () => {
      const seconds = (await listener.page.evaluate('document.querySelector(\'[data-testid="player"]\').currentTime')) as number;
      return seconds > 1 && seconds;
    }, 20_000, 100);
    expect(played).toBeGreaterThan(1);
    expect(await listener.page.getByRole('alert').count()).toBe(0);

    await listener.page.getByRole('button', { name: '♡ Like' }).click();
    await listener.page.getByTestId('like-count').filter({ hasText: /^1 like$/ }).waitFor();
    expect(await listener.page.getByRole('button', { name: '♥ Liked' }).getAttribute('aria-pressed')).toBe('true');
    await listener.page.getByRole('button', { name: 'Follow' }).click();
    await listener.page.getByTestId('follower-count').filter({ hasText: /^1 follower$/ }).waitFor();
    expect(await listener.page.getByRole('button', { name: 'Following' }).getAttribute('aria-pressed')).toBe('true');
    const commentForm = listener.page.getByRole('form', { name: 'Comment' });
    await commentForm.getByLabel('Your comment').fill('That is a very pure tone');
    await commentForm.getByRole('button', { name: 'Post comment' }).click();
    await listener.page.getByRole('list', { name: 'Comments' }).getByText('That is a very pure tone').waitFor();
    await screenshot(listener.page, 'listener');

    // the creator's page shows the comment without a reload, and the bell counts its NEW_COMMENT notification
    await creator.page.getByRole('list', { name: 'Comments' }).getByText('That is a very pure tone').waitFor({ timeout: 20_000 });
    const creatorToken = ((await creator.page.evaluate("JSON.parse(localStorage.getItem('wavegraph.session'))")) as Stored).accessToken;
    const unread = await eventually(async () => {
      const { me } = await supergraph.client(creatorToken).MyNotifications({ first: 10 });
      return me?.notifications?.edges.some((e) => e.node.kind === 'NEW_COMMENT') === true && me.unreadNotificationCount;
    }, 20_000, 200);
    await creator.page.getByTestId('unread-count').filter({ hasText: new RegExp(`^${unread}$`) }).waitFor({ timeout: 20_000 });
    // the API agrees with what the pages show (the like and the comment were sent with the refreshed token)
    const { episode } = await supergraph.client().EpisodeWithEngagement({ id: episodeId });
    expect(episode?.likeCount).toBe(1);
    expect(episode?.show?.followerCount).toBe(1);
    expect(episode?.comments?.edges.map((edge) => edge.node.body)).toEqual(['That is a very pure tone']);
    // what the pages sent ran as trusted documents: text outside the manifest is refused by this gateway
    const untrusted = await fetch(supergraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { id handle } }' }) });
    expect(((await untrusted.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('OPERATION_NOT_TRUSTED');
    // nothing came from anywhere but the app and the gateway (the build works offline)
    expect(scenario.elsewhere()).toEqual([]);
    await listener.context.close();
    await creator.context.close();
  }, 120_000);
});
