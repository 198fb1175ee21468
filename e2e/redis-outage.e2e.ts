import { randomBytes } from 'node:crypto';
import type { MediaServices } from '@wavegraph/media';
import { eventually, startPrivateRedis, tusRequest, type PrivateRedis } from '@wavegraph/testkit';
import { postGraphQL, type RawResponse } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

// What needs Redis while it is away (scheduling, revoking a session, the upload lock) answers a
// retryable SERVICE_UNAVAILABLE, HTTP 503 with Retry-After, never a masked internal error; what
// does not need it answers as usual (signed playback among them); and the same requests
// succeed once Redis is back.

const SCHEDULE = 'mutation ($id: ID!, $at: DateTimeISO!) { scheduleEpisode(id: $id, publishAt: $at) { id status } }';
const LOGOUT = 'mutation ($refreshToken: String!) { logout(refreshToken: $refreshToken) }';

const unavailable = (path: string, serviceName: string) => ({
  message: 'This service is temporarily unavailable; retry in 5 s',
  path: [path],
  extensions: { code: 'SERVICE_UNAVAILABLE', serviceName, retryAfter: 5 },
});

function expectRetryable(res: RawResponse, path: string, serviceName: string): void {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(res.body).toEqual({ data: null, errors: [unavailable(path, serviceName)] });
}

describe('while Redis is away', () => {
  let redis: PrivateRedis;
  let supergraph: TestSupergraph;
  let token: string;
  let refreshToken: string;
  let draftId: string;
  let publishedId: string;
  let upload: { uploadUrl: string; token: string };
  let playbackUrl: string;
  const audio = randomBytes(50_000);
  const publishAt = new Date(Date.now() + 24 * 3600_000).toISOString();

  beforeAll(async () => {
    redis = await startPrivateRedis();
    supergraph = await startTestSupergraph({}, redis.url);
    const { register } = await supergraph.client().Register({
      input: { email: 'outage@example.com', handle: 'outage', displayName: 'Outage', password: 'outage pass 12' },
    });
    ({ accessToken: token, refreshToken } = register);
    const owner = supergraph.client(token);
    const { createShow } = await owner.CreateShow({ input: { slug: 'weather', title: 'Weather', category: 'NEWS', language: 'en' } });
    draftId = (await owner.CreateEpisode({ input: { showId: createShow.id, title: 'Later' } })).createEpisode.id;
    publishedId = (await owner.CreateEpisode({ input: { showId: createShow.id, title: 'Now' } })).createEpisode.id;
    await owner.PublishEpisode({ id: publishedId });
    // engagement learns of the publication from catalog's events (Redis is still there)
    await eventually(async () => (await owner.LikeEpisode({ episodeId: publishedId }).then(() => true, () => false)), 15_000);
    await owner.UnlikeEpisode({ episodeId: publishedId });
    const { createUpload } = await owner.CreateUpload({ input: { episodeId: draftId, filename: 'storm.mp3', sizeBytes: 20, mimeType: 'audio/mpeg' } });
    upload = { uploadUrl: createUpload.uploadUrl, token: createUpload.token };
    playbackUrl = await readyRendition(publishedId, register.user.id);
    await redis.stop();
  }, 90_000);

  /** A READY asset of the episode as processing leaves it (its rendition in storage), and the signed URL its owner gets for it. */
  async function readyRendition(episodeId: string, ownerId: string): Promise<string> {
    const media = supergraph.media.db.dataSource;
    // media knows the episode once catalog's events told it
    await eventually(async () => ((await media.query('SELECT 1 FROM known_episodes WHERE episode_id = $1', [episodeId])) as unknown[]).length === 1, 15_000);
    const [{ id }] = (await media.query(
      `INSERT INTO media_assets (episode_id, owner_id, status, mime_type, outputs, has_video, source_key, created_at, updated_at, ready_at)
       VALUES ($1, $2, 'READY', 'audio/mpeg', '{}', false, 'unused', now(), now(), now()) RETURNING id`,
      [episodeId, ownerId],
    )) as { id: string }[];
    const key = `assets/${id}/renditions/aac-128.m4a`;
    await (supergraph.media.services as MediaServices).storage.put(key, audio);
    const outputs = { renditions: [{ name: 'aac-128', bitrateKbps: 128, mimeType: 'audio/mp4', key, sizeBytes: audio.length }] };
    await media.query('UPDATE media_assets SET outputs = $2 WHERE id = $1', [id, JSON.stringify(outputs)]);
    const { body } = await postGraphQL(supergraph.url, 'query ($id: ID!) { episode(id: $id) { media { renditions { url } } } }', { token, variables: { id: episodeId } });
    const url = (body.data as { episode: { media: { renditions: { url: string }[] } } }).episode.media.renditions[0].url;
    expect(url).toContain(supergraph.origin);
    return url;
  }

  // eight subgraphs and three workers wind down while Redis is away: on a loaded machine that outlasts Jest's default hook time
  afterAll(async () => {
    await supergraph?.stop();
    await redis?.destroy();
  }, 60_000);

  it('answers a mutation that needs it SERVICE_UNAVAILABLE with HTTP 503 and Retry-After (catalog’s scheduling, identity’s revocations)', async () => {
    expectRetryable(await postGraphQL(supergraph.url, SCHEDULE, { token, variables: { id: draftId, at: publishAt } }), 'scheduleEpisode', 'catalog');
    expectRetryable(await postGraphQL(supergraph.url, LOGOUT, { token, variables: { refreshToken } }), 'logout', 'identity');
  });

  it('keeps the status of an operation that got something done: a mutation beside it ran', async () => {
    const res = await postGraphQL(
      supergraph.url,
      'mutation ($e: ID!, $id: ID!, $at: DateTimeISO!) { likeEpisode(episodeId: $e) { id } scheduleEpisode(id: $id, publishAt: $at) { id } }',
      { token, variables: { e: publishedId, id: draftId, at: publishAt } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('retry-after')).toBeNull();
    // scheduleEpisode is non-null: its null empties data, yet the like was recorded
    expect(res.body).toEqual({ data: null, errors: [unavailable('scheduleEpisode', 'catalog')] });
    const { body } = await postGraphQL(supergraph.url, 'query ($id: ID!) { episode(id: $id) { likeCount viewerHasLiked } }', { token, variables: { id: publishedId } });
    expect(body).toEqual({ data: { episode: { likeCount: 1, viewerHasLiked: true } } });
  });

  it('answers what does not need it as usual', async () => {
    const res = await postGraphQL(supergraph.url, '{ me { handle } episodes(first: 5) { edges { node { title } } } }', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { me: { handle: 'outage' }, episodes: { edges: [{ node: { title: 'Now' } }] } } });
  });

  it('serves signed playback through the gateway as usual: it never needs Redis', async () => {
    const whole = await fetch(playbackUrl);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(audio)).toBe(true);
    const ranged = await fetch(playbackUrl, { headers: { range: 'bytes=0-9' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(audio.subarray(0, 10))).toBe(true);
  });

  it('answers tus requests through the gateway 503 with Retry-After, so tus clients retry them', async () => {
    for (const method of ['HEAD', 'PATCH'] as const) {
      const res = await tusRequest(upload.uploadUrl, method, upload.token, method === 'PATCH' ? { offset: 0, body: Buffer.alloc(10, 1) } : {});
      expect({ method, status: res.status, retryAfter: res.headers.get('retry-after') }).toEqual({ method, status: 503, retryAfter: '5' });
      expect(res.headers.get('tus-resumable')).toBe('1.0.0');
      if (method === 'PATCH') expect(await res.text()).toBe('Uploads are temporarily unavailable; retry shortly\n');
    }
  });

  it('answers the very same requests once Redis is back', async () => {
    await redis.start();
    const scheduled = await eventually(async () => {
      const res = await postGraphQL(supergraph.url, SCHEDULE, { token, variables: { id: draftId, at: publishAt } });
      return res.status === 200 ? res : false;
    }, 15_000);
    expect(scheduled.body).toEqual({ data: { scheduleEpisode: { id: draftId, status: 'SCHEDULED' } } });
    const patched = await tusRequest(upload.uploadUrl, 'PATCH', upload.token, { offset: 0, body: Buffer.alloc(10, 1) });
    expect(patched.status).toBe(204);
    expect(patched.headers.get('upload-offset')).toBe('10');
    const loggedOut = await postGraphQL(supergraph.url, LOGOUT, { token, variables: { refreshToken } });
    expect(loggedOut.body).toEqual({ data: { logout: true } });
  });
});
