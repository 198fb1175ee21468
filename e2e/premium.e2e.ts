import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WavegraphClient } from '@wavegraph/client';
import { grantRole } from '@wavegraph/identity';
import { eventually, sendWithTusClient, sha256Of } from '@wavegraph/testkit';
import { parseFeed } from 'podcast-partytime';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { signUp, type SignedUp } from './support/users';

const VTT = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nOnly for members of zanzibar\n';
const TEASER_VTT = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nThe zanzibar teaser\n';

/*
 * Premium episodes: listed to everyone, played (signed media URLs, transcript, feed enclosure)
 * only by PREMIUM listeners, the owner and staff; a PREMIUM listener's private feed lists them
 * with enclosures that work with its token, until it is revoked or the listener leaves PREMIUM.
 */
describe('premium episodes through the gateway', () => {
  let supergraph: TestSupergraph;
  let dir: string;
  let creator: SignedUp;
  let listener: SignedUp;
  let admin: WavegraphClient;
  let showId: string;
  let premiumId: string;
  let publicId: string;

  const login = async (handle: string) =>
    (await supergraph.client().Login({ input: { email: `${handle}@example.com`, password: `${handle} has a long password` } })).login.accessToken;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    dir = mkdtempSync(path.join(tmpdir(), 'wgtest-premium-e2e-'));
    creator = await signUp(supergraph, 'patron');
    listener = await signUp(supergraph, 'member');
    await signUp(supergraph, 'cashier');
    await grantRole(supergraph.identity.services.users, 'cashier@example.com', 'ADMIN');
    admin = supergraph.client(await login('cashier'));
    showId = (await creator.client.CreateShow({ input: { slug: 'members-only', title: 'Members Only', category: 'TECHNOLOGY', language: 'en' } })).createShow.id;
    premiumId = (await creator.client.CreateEpisode({ input: { showId, title: 'The bonus', access: 'PREMIUM' } })).createEpisode.id;
    publicId = (await creator.client.CreateEpisode({ input: { showId, title: 'The teaser' } })).createEpisode.id;
    await Promise.all([readyMedia(premiumId), readyMedia(publicId)]);
    await creator.client.ReplaceTranscript({ episodeId: premiumId, format: 'VTT', content: VTT, language: 'en-US' });
    await creator.client.ReplaceTranscript({ episodeId: publicId, format: 'VTT', content: TEASER_VTT, language: 'en-US' });
    await creator.client.PublishEpisode({ id: premiumId });
    await creator.client.PublishEpisode({ id: publicId });
  }, 180_000);
  afterAll(async () => {
    await supergraph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function readyMedia(episodeId: string): Promise<void> {
    const source = path.join(dir, `${episodeId}.mp3`);
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-b:a', '96k', '-y', source]);
    const bytes = readFileSync(source);
    const { createUpload: ticket } = await eventually(() =>
      creator.client.CreateUpload({ input: { episodeId, filename: 'tone.mp3', sizeBytes: bytes.length, mimeType: 'audio/mpeg', sha256: sha256Of(bytes) } }),
    );
    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes).done).toBe('finished');
    await eventually(async () => (await creator.client.EpisodeMedia({ id: episodeId })).episode?.media?.status === 'READY', 90_000);
  }

  const stable = (episodeId: string, token?: string) => `${supergraph.origin}/media/episodes/${episodeId}/aac-128.m4a${token ? `?token=${token}` : ''}`;
  const status = async (url: string) => (await fetch(url, { redirect: 'manual' })).status;
  const premiumMedia = async (client: WavegraphClient) => (await client.EpisodeMedia({ id: premiumId })).episode?.media;

  it('lists a premium episode to everyone but signs its media and transcript only for PREMIUM listeners, the owner and staff', async () => {
    // everyone sees it listed, with its access
    const listed = await eventually(async () => {
      const { show } = await supergraph.client().Show({ id: showId });
      return show?.episodes.edges.length === 2 && show.episodes.edges.map((e) => [e.node.title, e.node.access]);
    }, 20_000);
    expect(listed).toEqual(expect.arrayContaining([['The bonus', 'PREMIUM'], ['The teaser', 'PUBLIC']]));

    // a FREE listener: the media is there, locked; the transcript FORBIDDEN with its reason
    await eventually(async () => (await premiumMedia(listener.client))?.locked === true, 20_000);
    const locked = await premiumMedia(listener.client);
    expect(locked).toMatchObject({ status: 'READY', locked: true, hls: null });
    expect(locked?.renditions.map((r) => r.url)).toEqual([null, null]);
    const transcript = await listener.client.EpisodeTranscript({ id: premiumId }).catch((error: { response: { errors: { extensions: unknown }[] } }) => error.response);
    expect('errors' in transcript && transcript.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PREMIUM_REQUIRED' });
    // anonymous too; the public episode plays for anyone
    expect(await premiumMedia(supergraph.client())).toMatchObject({ locked: true, hls: null });
    const teaser = (await supergraph.client().EpisodeMedia({ id: publicId })).episode?.media;
    expect(teaser).toMatchObject({ locked: false, hls: { masterUrl: expect.stringContaining('/media/') } });

    // the owner and staff play it
    for (const client of [creator.client, admin]) {
      const media = await premiumMedia(client);
      expect(media?.locked).toBe(false);
      expect(media?.renditions.every((r) => typeof r.url === 'string')).toBe(true);
    }
    expect((await creator.client.EpisodeTranscript({ id: premiumId })).episode?.transcript?.segments.edges[0].node.text).toBe('Only for members of zanzibar');

    // the stable URL without a private feed token: 403; the public episode's redirects
    expect(await status(stable(premiumId))).toBe(403);
    expect(await status(stable(publicId))).toBe(302);

    // the public feed lists only the public episode
    const feed = parseFeed(await (await fetch(`${supergraph.origin}/feeds/members-only.xml`)).text())!;
    expect(feed.items.map((item) => item.title)).toEqual(['The teaser']);

    // search quotes the public episode's transcript, never the premium one's
    const hits = await eventually(async () => {
      const { search } = await listener.client.Search({ query: 'zanzibar' });
      return search.edges.length > 0 && search.edges.map((e) => e.node);
    }, 20_000);
    expect(hits.map((hit) => [hit.episode?.title, hit.matches?.map((m) => m.text)])).toEqual([['The teaser', ['The <mark>zanzibar</mark> teaser']]]);

    // no private feed for a FREE listener
    const refused = await listener.client.CreatePrivateFeed({ showId }).catch((error: { response: { errors: { extensions: unknown }[] } }) => error.response);
    expect('errors' in refused && refused.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PREMIUM_REQUIRED' });
  }, 90_000);

  it("gives a PREMIUM listener the media and a private feed whose enclosures work with its token, until revoked or the plan ends", async () => {
    await admin.SetUserPlan({ userId: listener.userId, plan: 'PREMIUM' });
    const premium = supergraph.client(await login('member'));
    const media = await premiumMedia(premium);
    expect(media?.locked).toBe(false);
    const audio = await fetch(media!.renditions[0].url!);
    expect(audio.status).toBe(200);
    expect((await premium.EpisodeTranscript({ id: premiumId })).episode?.transcript?.segments.edges[0].node.text).toBe('Only for members of zanzibar');

    // the private feed: both episodes, the premium one's enclosure and transcript with the token
    const { createPrivateFeed } = await premium.CreatePrivateFeed({ showId });
    const token = /\/feeds\/members-only\/([A-Za-z0-9_-]+)\.xml$/.exec(createPrivateFeed.url)![1];
    const res = await fetch(createPrivateFeed.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    const privateFeed = parseFeed(await res.text())!;
    expect(privateFeed.items.map((item) => item.title).sort()).toEqual(['The bonus', 'The teaser']);
    const bonus = privateFeed.items.find((item) => item.title === 'The bonus')!;
    expect(bonus.enclosure.url).toBe(stable(premiumId, token));
    expect(bonus.podcastTranscripts?.[0].url).toContain(`?token=${token}`);
    // media heard of the token from catalog's event: the enclosure redirects to the audio
    await eventually(async () => (await status(bonus.enclosure.url)) === 302, 20_000);
    const redirected = await fetch(bonus.enclosure.url, { redirect: 'manual' });
    const file = Buffer.from(await (await fetch(redirected.headers.get('location')!)).arrayBuffer());
    expect(file.subarray(4, 8).toString('latin1')).toBe('ftyp');
    // a made-up token, or the token of another show, lets nothing through
    expect(await status(stable(premiumId, 'A'.repeat(43)))).toBe(403);
    expect((await fetch(`${supergraph.origin}/feeds/members-only/${'A'.repeat(43)}.xml`)).status).toBe(404);

    // asking again replaces the feed: the old URL and token stop
    const { createPrivateFeed: second } = await premium.CreatePrivateFeed({ showId });
    const secondToken = /\/([A-Za-z0-9_-]+)\.xml$/.exec(second.url)![1];
    expect(secondToken).not.toBe(token);
    expect((await fetch(createPrivateFeed.url)).status).toBe(404);
    await eventually(async () => (await status(stable(premiumId, token))) === 403 && (await status(stable(premiumId, secondToken))) === 302, 20_000);

    // revoked by the listener
    expect((await premium.RevokePrivateFeed({ showId })).revokePrivateFeed).toBe(true);
    expect((await fetch(second.url)).status).toBe(404);
    await eventually(async () => (await status(stable(premiumId, secondToken))) === 403, 20_000);
    expect((await premium.RevokePrivateFeed({ showId })).revokePrivateFeed).toBe(false);

    // a new feed, then the plan ends: catalog hears identity.UserPlanChanged and ends it
    const { createPrivateFeed: third } = await premium.CreatePrivateFeed({ showId });
    const thirdToken = /\/([A-Za-z0-9_-]+)\.xml$/.exec(third.url)![1];
    await eventually(async () => (await status(stable(premiumId, thirdToken))) === 302, 20_000);
    await admin.SetUserPlan({ userId: listener.userId, plan: 'FREE' });
    await eventually(async () => (await fetch(third.url)).status === 404, 20_000);
    await eventually(async () => (await status(stable(premiumId, thirdToken))) === 403, 20_000);
  }, 120_000);
});
