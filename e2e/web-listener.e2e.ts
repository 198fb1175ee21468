import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, sendWithTusClient, sha256Of } from '@wavegraph/testkit';
import type { Page } from 'playwright-core';
import { screenshot as shot, startWebScenario, type WebScenario } from './support/browser';
import type { TestSupergraph } from './support/supergraph';
import { signUp, type SignedUp } from './support/users';

/*
 * The listener's side of the web app in headless Chromium against the whole supergraph (trusted
 * documents only). The creator and the other listeners act through the API; the listener uses
 * the pages: Browse by category, Trending, playing and resuming where they stopped, a playlist
 * reordered and kept, the notifications bell and inbox updated live, the waveform as the
 * player's seek bar, and comment threads (replies live and nested, edited, deleted, moderated).
 */
describe('the web app: the listener’s browse, trending, resume, playlists, notifications, waveform and comment threads', () => {
  let scenario: WebScenario;
  let supergraph: TestSupergraph;
  let work: string;
  let creator: SignedUp;
  let listener: SignedUp;
  let showId: string;
  const episodes: Record<'first' | 'second', string> = { first: '', second: '' };

  /** A published episode of the show with `seconds` of READY audio (uploaded with tus, processed by media). */
  async function publishedWithAudio(title: string, seconds: number): Promise<string> {
    const { createEpisode } = await creator.client.CreateEpisode({ input: { showId, title } });
    const source = path.join(work, `${createEpisode.id}.mp3`);
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`, '-b:a', '96k', '-y', source]);
    const bytes = readFileSync(source);
    const { createUpload: ticket } = await eventually(() =>
      creator.client.CreateUpload({ input: { episodeId: createEpisode.id, filename: 'tone.mp3', sizeBytes: bytes.length, mimeType: 'audio/mpeg', sha256: sha256Of(bytes) } }),
    );
    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes).done).toBe('finished');
    await eventually(async () => (await creator.client.EpisodeMedia({ id: createEpisode.id })).episode?.media?.status === 'READY', 120_000, 250);
    await creator.client.PublishEpisode({ id: createEpisode.id });
    return createEpisode.id;
  }

  beforeAll(async () => {
    // the rate limit is not what this scenario is about (its polling reloads add up)
    scenario = await startWebScenario({
      name: 'web-listener',
      gateway: (defaults) => ({ rateLimits: { ...defaults.rateLimits, perWindow: { ...defaults.rateLimits.perWindow, FREE: 10_000 } } }),
    });
    ({ supergraph, work } = scenario);

    creator = await signUp(supergraph, 'physicist');
    const { createShow } = await creator.client.CreateShow({ input: { slug: 'wave-mechanics', title: 'Wave Mechanics', category: 'SCIENCE', subcategory: 'PHYSICS', language: 'en' } });
    showId = createShow.id;
    [episodes.first, episodes.second] = await Promise.all([publishedWithAudio('Standing waves', 30), publishedWithAudio('Interference', 6)]);
    // a second show with more episodes than Browse shows at once (no audio needed to be listed)
    const { createShow: jokes } = await creator.client.CreateShow({ input: { slug: 'one-liners', title: 'One-Liners', category: 'COMEDY', language: 'en' } });
    for (let n = 1; n <= 21; n += 1) {
      const { createEpisode } = await creator.client.CreateEpisode({ input: { showId: jokes.id, title: `Joke ${n}` } });
      await creator.client.PublishEpisode({ id: createEpisode.id });
    }
    listener = await signUp(supergraph, 'wavefan');
    // the listener follows the show: its next episode is a notification for them
    await listener.client.FollowShow({ showId });
    // registering brings a welcome notification: waited for, so the bell's count is settled before the scenario counts on it
    await eventually(async () => ((await listener.client.MyNotifications({ first: 5 })).me?.unreadNotificationCount ?? 0) >= 1, 30_000, 100);
  }, 240_000);
  afterAll(() => scenario?.stop());

  const currentTime = (page: Page) => page.evaluate('document.querySelector(\'[data-testid="player"]\').currentTime') as Promise<number>;
  const playlistOrder = (page: Page) => page.getByRole('list', { name: 'Episodes in Road trip' }).getByRole('link').allTextContents();

  /** The listener, signed in through the sign-in page in a context of their own. */
  async function signedInListener() {
    const opened = await scenario.open('/signin');
    const signInForm = opened.page.getByRole('form', { name: 'Sign in' });
    await signInForm.getByLabel('Email').fill('wavefan@example.com');
    await signInForm.getByLabel('Password').fill('wavefan has a long password');
    await signInForm.getByRole('button', { name: 'Sign in' }).click();
    await opened.page.getByTestId('signed-in-as').filter({ hasText: '@wavefan' }).waitFor();
    return opened;
  }

  it('browses by category, sees trending, resumes where it stopped, keeps an ordered playlist and gets notifications live', async () => {
    const { web } = scenario;
    const { context, page } = await signedInListener();

    // Browse: the show's episodes under its category, then its subcategory; an empty category says so in words
    await page.getByRole('link', { name: 'Browse', exact: true }).click();
    await page.getByLabel('Category', { exact: true }).selectOption('HISTORY');
    await page.getByText('No published episodes in History yet.').waitFor();
    await page.getByLabel('Category', { exact: true }).selectOption('SCIENCE');
    const browsed = page.getByRole('list', { name: 'Browsed episodes' });
    // discovery learns of the publications from events: chosen again until they show
    await eventually(async () => {
      await page.reload();
      await browsed.getByRole('link', { name: 'Standing waves' }).waitFor({ timeout: 1_000 });
      return true;
    }, 30_000, 500);
    await page.getByLabel('Subcategory', { exact: true }).selectOption('PHYSICS');
    // both episodes, each with its show
    const links = await eventually(async () => {
      const texts = await browsed.getByRole('link').allTextContents();
      return page.url().includes('subcategory=PHYSICS') && texts.filter((text) => text === 'Wave Mechanics').length === 2 && texts;
    }, 10_000, 100);
    expect(links).toEqual(expect.arrayContaining(['Standing waves', 'Interference']));
    await shot(page, 'listener-browse');
    // a category with more than a page: twenty episodes, then the rest with Load more, which then goes away
    await page.getByLabel('Category', { exact: true }).selectOption('COMEDY');
    const jokes = browsed.getByRole('link', { name: /^Joke \d+$/ });
    await eventually(async () => {
      await page.reload();
      await page.getByRole('button', { name: 'Load more' }).waitFor({ timeout: 1_000 });
      return (await jokes.count()) === 20;
    }, 30_000, 500);
    await page.getByRole('button', { name: 'Load more' }).click();
    await eventually(async () => (await jokes.count()) === 21, 10_000, 100);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(new Set(await jokes.allTextContents()).size).toBe(21);

    // Trending: other listeners played the first episode (their first report of a session is a play)
    for (const handle of ['alpha', 'bravo', 'charlie']) {
      const other = await signUp(supergraph, handle);
      await other.client.RecordPlay({ episodeId: episodes.first, positionSeconds: 5 });
    }
    await page.getByRole('link', { name: 'Trending', exact: true }).click();
    const trending = page.getByRole('list', { name: 'Trending episodes' });
    await eventually(async () => {
      await page.getByRole('button', { name: 'Refresh', exact: true }).click();
      await trending.getByRole('link', { name: 'Standing waves' }).waitFor({ timeout: 1_000 });
      return true;
    }, 30_000, 250);
    await page.getByLabel('Period', { exact: true }).selectOption('WEEK');
    await trending.getByRole('link', { name: 'Standing waves' }).waitFor();
    expect(page.url()).toContain('window=WEEK');
    await shot(page, 'listener-trending');

    // play a few seconds, pause: the position is reported and, after a reload, offered and played from
    await trending.getByRole('link', { name: 'Standing waves' }).click();
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await eventually(async () => (await currentTime(page)) > 3, 30_000, 100);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    const stoppedAt = Math.floor(await currentTime(page));
    const progress = await eventually(async () => {
      const { episode } = await listener.client.EpisodeWithEngagement({ id: episodes.first });
      return episode?.viewerProgress?.positionSeconds === stoppedAt && episode.viewerProgress;
    }, 20_000, 100);
    expect(progress.completed).toBe(false);
    await page.reload();
    await page.getByTestId('resume-from').filter({ hasText: `Resume from 0:${String(stoppedAt).padStart(2, '0')}` }).waitFor();
    // no playlist yet: the episode page says where to make one
    await page.getByRole('link', { name: 'Create a playlist' }).waitFor();
    await shot(page, 'listener-resume');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    // the first position past the start is the resume position, not the beginning
    const resumedAt = await eventually(async () => {
      const seconds = await currentTime(page);
      return seconds > 0.5 && seconds;
    }, 30_000, 50);
    expect(resumedAt).toBeGreaterThanOrEqual(stoppedAt - 0.5);
    expect(resumedAt).toBeLessThan(stoppedAt + 5);
    // while it plays, the position is reported every 10 s (no pause needed)
    await eventually(async () => {
      const { episode } = await listener.client.EpisodeWithEngagement({ id: episodes.first });
      return (episode?.viewerProgress?.positionSeconds ?? 0) >= stoppedAt + 9 && !(await page.evaluate('document.querySelector(\'[data-testid="player"]\').paused'));
    }, 45_000, 250);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    // the home page lists it under "Continue listening"
    await page.getByRole('link', { name: 'Listen', exact: true }).click();
    await page.getByRole('list', { name: 'Continue listening' }).getByRole('link', { name: 'Standing waves' }).waitFor();

    // a playlist: created in the library, both episodes added from their pages, reordered, kept after a reload
    await page.getByRole('link', { name: 'Library', exact: true }).click();
    await page.getByText('No playlists yet').waitFor();
    const newPlaylist = page.getByRole('form', { name: 'New playlist' });
    await newPlaylist.getByLabel('Playlist name').fill('Road trip');
    await newPlaylist.getByRole('button', { name: 'Create playlist' }).click();
    await page.getByRole('article', { name: 'Playlist Road trip' }).getByText('No episodes in this playlist yet.').waitFor();
    for (const [id, title] of [[episodes.first, 'Standing waves'], [episodes.second, 'Interference']]) {
      await page.goto(`${web.origin}/#/episodes/${id}`);
      await page.getByRole('heading', { name: title }).waitFor();
      const add = page.getByRole('form', { name: 'Add to playlist' });
      await add.getByRole('button', { name: 'Add to playlist' }).click();
      await add.getByRole('status').filter({ hasText: 'Added to Road trip.' }).waitFor();
    }
    // the short one, played to the end, is reported completed
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await eventually(async () => (await page.evaluate('document.querySelector(\'[data-testid="player"]\').ended')) === true, 30_000, 100);
    await eventually(async () => (await listener.client.EpisodeWithEngagement({ id: episodes.second })).episode?.viewerProgress?.completed === true, 20_000, 100);
    // adding it twice is refused in words
    await page.getByRole('form', { name: 'Add to playlist' }).getByRole('button', { name: 'Add to playlist' }).click();
    expect(await page.getByRole('form', { name: 'Add to playlist' }).getByRole('alert').textContent()).toMatch(/^[A-Z][^{}]+$/);
    await page.getByRole('link', { name: 'Library', exact: true }).click();
    await eventually(async () => JSON.stringify(await playlistOrder(page)) === JSON.stringify(['Standing waves', 'Interference']), 10_000, 100);
    await page.getByRole('button', { name: 'Move Interference up' }).click();
    await eventually(async () => JSON.stringify(await playlistOrder(page)) === JSON.stringify(['Interference', 'Standing waves']), 10_000, 100);
    await page.reload();
    await page.getByRole('list', { name: 'Episodes in Road trip' }).waitFor();
    expect(await playlistOrder(page)).toEqual(['Interference', 'Standing waves']);
    await shot(page, 'listener-library');
    const { me } = await listener.client.MyPlaylists({ first: 10 });
    const kept = me?.playlists?.edges.map((edge) => edge.node) ?? [];
    expect(kept).toHaveLength(1);
    expect(kept[0].episodes.edges.map((edge) => edge.node?.id)).toEqual([episodes.second, episodes.first]);
    // removed from the playlist; a second playlist renamed, then deleted
    await page.getByRole('button', { name: 'Remove Standing waves' }).click();
    await eventually(async () => JSON.stringify(await playlistOrder(page)) === JSON.stringify(['Interference']), 10_000, 100);
    await newPlaylist.getByLabel('Playlist name').fill('Scratch');
    await newPlaylist.getByRole('button', { name: 'Create playlist' }).click();
    const scratch = page.getByRole('article', { name: 'Playlist Scratch' });
    await scratch.getByRole('button', { name: 'Rename' }).click();
    await scratch.getByLabel('New name').fill('Drafts');
    await scratch.getByRole('button', { name: 'Save' }).click();
    const drafts = page.getByRole('article', { name: 'Playlist Drafts' });
    await drafts.getByRole('button', { name: 'Delete playlist' }).click();
    await drafts.waitFor({ state: 'detached' });
    const after = (await listener.client.MyPlaylists({ first: 10 })).me?.playlists?.edges.map(({ node }) => [node.name, node.episodes.edges.map((edge) => edge.node?.title)]);
    expect(after).toEqual([['Road trip', ['Interference']]]);

    // notifications: the inbox is open and subscribed; the creator publishes a new episode of the followed show
    await page.getByRole('link', { name: /^Notifications/ }).click();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    const inbox = page.getByRole('list', { name: 'Notifications' });
    await inbox.getByText('Welcome to Wavegraph, wavefan!').waitFor();
    const bell = page.getByTestId('unread-count');
    const before = Number(await bell.textContent());
    expect(before).toBeGreaterThanOrEqual(1);
    await eventually(async () => supergraph.notifications.pubSub.listeners(`NOTIFICATION_ADDED:${listener.userId.toLowerCase()}`) >= 1, 20_000, 100);
    const { createEpisode: third } = await creator.client.CreateEpisode({ input: { showId, title: 'Diffraction' } });
    await creator.client.PublishEpisode({ id: third.id });
    await bell.filter({ hasText: new RegExp(`^${before + 1}$`) }).waitFor({ timeout: 30_000 });
    await inbox.getByText('New episode: Diffraction').waitFor();
    await shot(page, 'listener-notifications');
    expect(await page.getByRole('link', { name: `Notifications, ${before + 1} unread` }).count()).toBe(1);

    // one marked read, then all: the bell goes to zero, and the API agrees
    await page.getByRole('button', { name: 'Mark read: New episode: Diffraction' }).click();
    await bell.filter({ hasText: new RegExp(`^${before}$`) }).waitFor();
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await bell.filter({ hasText: /^0$/ }).waitFor();
    await page.getByText('0 unread').waitFor();
    expect((await listener.client.MyNotifications({ first: 5 })).me?.unreadNotificationCount).toBe(0);

    expect(await page.getByRole('alert').count()).toBe(0);
    expect(scenario.elsewhere()).toEqual([]);
    await context.close();
  }, 240_000);

  it('seeks with the waveform, which follows the playback, and keeps a comment thread live: replies nested, edited, deleted', async () => {
    const { web } = scenario;
    const { context, page } = await signedInListener();
    await page.goto(`${web.origin}/#/episodes/${episodes.first}`);
    await page.getByRole('heading', { name: 'Standing waves' }).waitFor();

    // the waveform is drawn under the player, as its seek bar
    const waveform = page.getByTestId('waveform');
    await eventually(async () => Number(await waveform.getAttribute('data-bars')) > 10, 30_000, 100);
    const seekBar = page.getByRole('slider', { name: 'Seek' });
    const duration = await eventually(async () => {
      const seconds = (await page.evaluate('document.querySelector(\'[data-testid="player"]\').duration')) as number;
      return Number.isFinite(seconds) && seconds > 25 && Number(await seekBar.getAttribute('aria-valuemax')) > 25 && seconds;
    }, 30_000, 100);
    // a click halfway along seeks the player to half the duration; the played part is drawn up to there
    const box = await seekBar.boundingBox();
    if (!box) throw new Error('the seek bar has no box');
    await seekBar.click({ position: { x: box.width / 2, y: box.height / 2 } });
    await eventually(async () => Math.abs((await currentTime(page)) - duration / 2) < 1.5, 20_000, 100);
    const halfway = await eventually(async () => {
      const played = Number(await waveform.getAttribute('data-played'));
      return played > 0.44 && played < 0.56 && played;
    }, 10_000, 100);
    expect(Number(await seekBar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(Math.floor(duration / 2) - 2);
    await shot(page, 'listener-waveform');
    // while it plays, the played part moves on
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await eventually(async () => Number(await waveform.getAttribute('data-played')) > halfway + 0.05, 30_000, 100);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    // from the keyboard too: the left arrow goes back five seconds
    const pausedAt = await currentTime(page);
    await seekBar.focus();
    await page.keyboard.press('ArrowLeft');
    await eventually(async () => Math.abs((await currentTime(page)) - (pausedAt - 5)) < 1, 10_000, 100);

    // the listener comments; someone else replies through the API: the reply shows nested under it, live, and the bell counts it
    const bell = page.getByTestId('unread-count');
    const unread = Number(await bell.textContent());
    await page.getByRole('form', { name: 'Comment' }).getByLabel('Your comment').fill('The nodes never move.');
    await page.getByRole('form', { name: 'Comment' }).getByRole('button', { name: 'Post comment' }).click();
    const mine = page.getByRole('article', { name: 'Comment by wavefan' }).filter({ hasText: 'The nodes never move.' });
    await mine.waitFor();
    const { episode } = await listener.client.EpisodeWithEngagement({ id: episodes.first });
    const parentId = episode?.comments?.edges.map((edge) => edge.node).find((node) => node.body === 'The nodes never move.')?.id;
    if (!parentId) throw new Error('the comment is not in the API');
    await eventually(async () => supergraph.engagement.pubSub.listeners(`COMMENT_ADDED:${episodes.first.toLowerCase()}`) >= 1, 20_000, 100);
    await eventually(async () => supergraph.notifications.pubSub.listeners(`NOTIFICATION_ADDED:${listener.userId.toLowerCase()}`) >= 1, 20_000, 100);
    const replier = await signUp(supergraph, 'echo');
    await replier.client.PostComment({ episodeId: episodes.first, body: 'The antinodes swing, though.', parentId });
    const repliesToMine = page.getByRole('list', { name: 'Replies to wavefan' });
    const theirs = repliesToMine.getByRole('article', { name: 'Comment by echo' }).filter({ hasText: 'The antinodes swing, though.' });
    await theirs.waitFor({ timeout: 30_000 });
    await bell.filter({ hasText: new RegExp(`^${unread + 1}$`) }).waitFor({ timeout: 30_000 });
    const notified = await eventually(async () => (await listener.client.MyNotifications({ first: 5, unreadOnly: true })).me?.notifications?.edges.find(({ node }) => node.kind === 'COMMENT_REPLY')?.node, 20_000, 100);
    expect(notified?.actor?.handle).toBe('echo');

    // the listener edits their comment: the new text, marked edited
    await mine.getByRole('button', { name: 'Edit' }).click();
    const editForm = page.getByRole('form', { name: 'Edit comment' });
    await editForm.getByLabel('Edited comment').fill('The nodes never move, the rest does.');
    await editForm.getByRole('button', { name: 'Save' }).click();
    const edited = page.getByRole('article', { name: 'Comment by wavefan' }).filter({ hasText: 'The nodes never move, the rest does.' });
    await editForm.waitFor({ state: 'detached' });
    await edited.getByText('edited', { exact: true }).waitFor();

    // answers the reply (a third level), then deletes that answer: "[deleted]" stays in its place
    await theirs.getByRole('button', { name: 'Reply' }).click();
    const replyForm = page.getByRole('form', { name: 'Reply to echo' });
    await replyForm.getByLabel('Your reply').fill('Swinging is moving.');
    await replyForm.getByRole('button', { name: 'Post reply' }).click();
    const repliesToTheirs = repliesToMine.getByRole('list', { name: 'Replies to echo' });
    const answer = repliesToTheirs.getByRole('article', { name: 'Comment by wavefan' });
    await answer.filter({ hasText: 'Swinging is moving.' }).waitFor();
    await answer.getByRole('button', { name: 'Delete' }).click();
    await answer.getByText('[deleted]').waitFor();
    expect(await answer.getByRole('button').count()).toBe(0);
    await shot(page, 'listener-thread', true);

    // after a reload the thread reads the same, from the API
    await page.reload();
    await repliesToMine.getByRole('list', { name: 'Replies to echo' }).getByRole('article').getByText('[deleted]').waitFor();
    expect(await page.getByRole('article', { name: 'Comment by wavefan' }).filter({ hasText: 'The nodes never move, the rest does.' }).getByText('edited', { exact: true }).count()).toBe(1);
    expect(await repliesToMine.getByRole('article', { name: 'Comment by echo' }).getByText('The antinodes swing, though.').count()).toBe(1);
    const thread = (await replier.client.CommentReplies({ id: parentId })).comment?.replies.edges.map(({ node }) => node);
    expect(thread?.map((node) => node.body)).toEqual(['The antinodes swing, though.']);
    const answers = (await replier.client.CommentReplies({ id: thread?.[0]?.id ?? '' })).comment?.replies.edges.map(({ node }) => [node.deleted, node.body]);
    expect(answers).toEqual([[true, null]]);
    // a listener may not delete someone else's comment: no button for it
    expect(await repliesToMine.getByRole('article', { name: 'Comment by echo' }).getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(scenario.elsewhere()).toEqual([]);

    // the show's owner moderates, in a browser of their own: a Delete button on others' comments, no Edit
    const owner = await scenario.open('/signin');
    const ownerSignIn = owner.page.getByRole('form', { name: 'Sign in' });
    await ownerSignIn.getByLabel('Email').fill('physicist@example.com');
    await ownerSignIn.getByLabel('Password').fill('physicist has a long password');
    await ownerSignIn.getByRole('button', { name: 'Sign in' }).click();
    await owner.page.getByTestId('signed-in-as').filter({ hasText: '@physicist' }).waitFor();
    await owner.page.goto(`${web.origin}/#/episodes/${episodes.first}`);
    const moderated = owner.page.getByRole('list', { name: 'Replies to wavefan' }).getByRole('article', { name: 'Comment by echo' });
    await moderated.getByText('The antinodes swing, though.').waitFor();
    expect(await moderated.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await moderated.getByRole('button', { name: 'Delete' }).click();
    await moderated.getByText('[deleted]').waitFor();
    // its own reply stays under it
    await owner.page.getByRole('list', { name: 'Replies to echo' }).getByRole('article', { name: 'Comment by wavefan' }).getByText('[deleted]').waitFor();
    expect((await replier.client.CommentReplies({ id: parentId })).comment?.replies.edges.map(({ node }) => [node.deleted, node.replyCount])).toEqual([[true, 1]]);
    expect(await owner.page.getByRole('alert').count()).toBe(0);
    await owner.context.close();

    // the listener's page still offers to answer it (deletions are not live): the API refuses, in words, in the form
    await repliesToMine.getByRole('article', { name: 'Comment by echo' }).getByRole('button', { name: 'Reply' }).click();
    const late = page.getByRole('form', { name: 'Reply to echo' });
    await late.getByLabel('Your reply').fill('Too late?');
    await late.getByRole('button', { name: 'Post reply' }).click();
    expect(await late.getByRole('alert').textContent()).toBe('Cannot reply to a deleted comment');
    expect(await late.getByLabel('Your reply').inputValue()).toBe('Too late?');
    await context.close();
  }, 240_000);
});
