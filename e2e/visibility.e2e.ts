import { randomUUID } from 'node:crypto';
import { eventually, subscribeOverWebSocket } from '@wavegraph/testkit';
import { postGraphQL, type RawResponse } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';

/*
 * An episode's fields come from catalog, engagement and media, and notifications and discovery
 * point at it: once it is unpublished, none of them shows anything of it to anyone but its owner
 * and staff, whichever path reaches it; republished, everyone sees it again.
 */
const CONTRIBUTED = 'id likeCount viewerHasLiked commentCount playCount comments(first: 5) { edges { node { id body } } } media { id hls { masterUrl } }';
const EPISODE = `query($id: ID!) { episode(id: $id) { title ${CONTRIBUTED} } }`;
// pages as small as a client would ask for: the defaults nested this deep cost more than a FREE budget
const LIBRARY = `{ me {
  likedEpisodes(first: 5) { edges { node { ${CONTRIBUTED} } } }
  history(first: 5) { edges { node { positionSeconds episode { ${CONTRIBUTED} } } } }
  playlists(first: 2) { edges { node { episodes(first: 5) { edges { node { ${CONTRIBUTED} } } } } } }
  unreadNotificationCount
  notifications(first: 10) { edges { node { kind message episode { ${CONTRIBUTED} } } } }
} }`;
const ASSET = 'query($id: ID!) { mediaAsset(id: $id) { id status hls { masterUrl } } }';
const SEARCH = 'query($q: String!) { search(query: $q) { edges { node { highlight episode { id likeCount } } } } }';

type Who = { token?: string; userId: string };

/** The inbox's messages, newest first (the welcome is the oldest). */
const messagesOf = (me: { notifications: { edges: { node: { message: string } }[] } }): string[] => me.notifications.edges.map((e) => e.node.message);
const WELCOME = 'Welcome to Wavegraph, fan!';

describe('visibility travels with the episode', () => {
  let supergraph: TestSupergraph;
  let creator: Who;
  let listener: Who;
  let editor: Who;
  let admin: Who;
  let episodeId: string;
  let assetId: string;
  let commentId: string;
  const anonymous: Who = { userId: '' };

  const gql = (query: string, variables: object = {}, who: Who = anonymous): Promise<RawResponse> =>
    postGraphQL(supergraph.url, query, { token: who.token, variables });
  const data = async (query: string, variables: object = {}, who: Who = anonymous) => {
    const res = await gql(query, variables, who);
    if (res.body.errors?.length) throw new Error(JSON.stringify(res.body.errors));
    return res.body.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  async function signUp(handle: string): Promise<Who> {
    const reg = await data('mutation($i: RegisterInput!) { register(input: $i) { accessToken user { id } } }', {
      i: { email: `${handle}@example.com`, handle, displayName: handle, password: `${handle} has a long password` },
    });
    return { token: reg.register.accessToken, userId: reg.register.user.id };
  }
  async function staff(handle: string, role: 'EDITOR' | 'ADMIN'): Promise<Who> {
    const who = await signUp(handle);
    await supergraph.identity.services.users.grantRoleByEmail(`${handle}@example.com`, role);
    const login = await data('mutation($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { email: `${handle}@example.com`, password: `${handle} has a long password` } });
    return { ...who, token: login.login.accessToken };
  }
  /** Every context that shows something of the episode has applied catalog's last word on it. */
  const allKnow = (status: string) =>
    eventually(async () => {
      for (const subgraph of [supergraph.engagement, supergraph.media, supergraph.notifications]) {
        const rows = (await subgraph.db.dataSource.query('SELECT status FROM known_episodes WHERE episode_id = $1', [episodeId])) as { status: string }[];
        if (rows[0]?.status !== status) return false;
      }
      return true;
    }, 15_000);

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    [creator, listener, editor, admin] = [await signUp('maker'), await signUp('fan'), await staff('editor', 'EDITOR'), await staff('root', 'ADMIN')];
    const show = await data('mutation($i: CreateShowInput!) { createShow(input: $i) { id } }', { i: { slug: 'hidden-things', title: 'Hidden things', category: 'NEWS', language: 'en' } }, creator);
    const showId = show.createShow.id as string;
    await eventually(() => gql('mutation($s: ID!) { followShow(showId: $s) { id } }', { s: showId }, listener).then((r) => !r.body.errors));
    // follows and episodes come on different streams: the follow must be known before the publish to be notified
    await eventually(async () => {
      const rows = (await supergraph.notifications.db.dataSource.query('SELECT 1 FROM show_followers WHERE show_id = $1 AND following', [showId])) as unknown[];
      return rows.length === 1;
    }, 15_000);
    const created = await data('mutation($i: CreateEpisodeInput!) { createEpisode(input: $i) { id } }', { i: { showId, title: 'Quasars explained' } }, creator);
    episodeId = created.createEpisode.id;
    await data('mutation($id: ID!) { publishEpisode(id: $id) { id } }', { id: episodeId }, creator);
    await allKnow('PUBLISHED');

    await data('mutation($e: ID!) { likeEpisode(episodeId: $e) { id } }', { e: episodeId }, listener);
    commentId = (await data('mutation($e: ID!) { postComment(episodeId: $e, body: "lovely") { id } }', { e: episodeId }, listener)).postComment.id;
    await data('mutation($e: ID!) { recordPlay(episodeId: $e, positionSeconds: 30) { completed } }', { e: episodeId }, listener);
    const playlist = await data('mutation { createPlaylist(name: "Mine") { id } }', {}, listener);
    await data('mutation($p: ID!, $e: ID!) { addToPlaylist(playlistId: $p, episodeId: $e) { id } }', { p: playlist.createPlaylist.id, e: episodeId }, listener);
    // a READY asset as processing leaves it (processing itself is covered by e2e/media)
    assetId = randomUUID();
    await supergraph.media.db.dataSource.query(
      `INSERT INTO media_assets (id, episode_id, owner_id, status, mime_type, outputs, has_video, ready_at) VALUES ($1, $2, $3, 'READY', 'audio/mpeg', $4, false, now())`,
      [assetId, episodeId, creator.userId, JSON.stringify({ hls: { masterKey: `assets/${assetId}/hls/master.m3u8`, variants: [] } })],
    );
    await eventually(async () => messagesOf((await data(LIBRARY, {}, listener)).me).includes('New episode: Quasars explained'), 15_000);
    await eventually(async () => (await data(SEARCH, { q: 'quasars' })).search.edges.length === 1, 15_000);
  }, 120_000);
  afterAll(() => supergraph?.stop());

  /** What a user who may see the episode gets, wherever it is read from. */
  const expectShown = (episode: Record<string, unknown> | null | undefined) =>
    expect(episode).toMatchObject({ id: episodeId, commentCount: 1, playCount: 1, media: { id: assetId, hls: { masterUrl: expect.stringContaining('/media/') } } });

  it('shows everything while the episode is published', async () => {
    expectShown((await data(EPISODE, { id: episodeId })).episode);
    const library = (await data(LIBRARY, {}, listener)).me;
    expectShown(library.likedEpisodes.edges[0].node);
    expectShown(library.history.edges[0].node.episode);
    expectShown(library.playlists.edges[0].node.episodes.edges[0].node);
    expect(messagesOf(library)).toEqual(['New episode: Quasars explained', WELCOME]);
    expectShown(library.notifications.edges[0].node.episode);
    expect(library.unreadNotificationCount).toBe(2);
    expect((await data(ASSET, { id: assetId })).mediaAsset.id).toBe(assetId);
  });

  describe('once unpublished', () => {
    beforeAll(async () => {
      await data('mutation($id: ID!) { unpublishEpisode(id: $id) { id } }', { id: episodeId }, creator);
      await allKnow('DRAFT');
    }, 30_000);

    it.each([['anonymous'], ['the listener']])('gives %s nothing of it through queries, and no media asset', async (name) => {
      const who = name === 'anonymous' ? anonymous : listener;
      expect((await gql(EPISODE, { id: episodeId }, who)).body.data).toEqual({ episode: null });
      const asset = await gql(ASSET, { id: assetId }, who);
      expect(asset.body.data?.mediaAsset ?? null).toBeNull();
      // one per field the asset would have shown, all NOT_FOUND
      expect(new Set(asset.body.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['NOT_FOUND']));
      expect(JSON.stringify(asset.body)).not.toContain('masterUrl":"');
      const hits = await eventually(async () => {
        const { search } = await data(SEARCH, { q: 'quasars' }, who);
        return search.edges.length === 0 ? search.edges : false;
      });
      expect(hits).toEqual([]);
    });

    it("gives the listener nothing of it in their library or inbox", async () => {
      const me = (await data(LIBRARY, {}, listener)).me;
      expect(me.likedEpisodes.edges).toEqual([]);
      expect(me.history.edges).toEqual([]);
      expect(me.playlists.edges[0].node.episodes.edges).toEqual([]);
      expect(messagesOf(me)).toEqual([WELCOME]);
      expect(me.unreadNotificationCount).toBe(1);
    });

    it('answers mutations and subscriptions that return it with nothing of it', async () => {
      const live = subscribeOverWebSocket<{ episodeLikeCountChanged: Record<string, unknown> | null }>(
        supergraph.url,
        'subscription($e: ID!) { episodeLikeCountChanged(episodeId: $e) { id likeCount } }',
        { e: episodeId },
      );
      await eventually(async () => supergraph.engagement.pubSub.listeners(`EPISODE_LIKE_COUNT:${episodeId}`) === 1);
      const unliked = await gql(`mutation($e: ID!) { unlikeEpisode(episodeId: $e) { ${CONTRIBUTED} } }`, { e: episodeId }, listener);
      expect(unliked.body.data?.unlikeEpisode).toEqual({ id: episodeId, likeCount: null, viewerHasLiked: null, commentCount: null, playCount: null, comments: null, media: null });
      expect(new Set(unliked.body.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['NOT_FOUND']));
      const [pushed] = await live.received(1);
      expect(pushed.data?.episodeLikeCountChanged?.likeCount ?? null).toBeNull();
      expect(pushed.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      await live.close();

      const edited = await gql('mutation($c: ID!) { editComment(id: $c, body: "edited") { id body episode { id commentCount } } }', { c: commentId }, listener);
      expect(edited.body.data?.editComment ?? null).toBeNull();
      expect(edited.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(JSON.stringify(edited.body)).not.toMatch(/lovely|edited/);
      const played = await gql('mutation($e: ID!) { recordPlay(episodeId: $e, positionSeconds: 40) { episode { id playCount } } }', { e: episodeId }, listener);
      expect(played.body.data?.recordPlay ?? null).toBeNull();
      expect(played.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    });

    it.each([['the owner'], ['an editor'], ['an admin']])('still shows %s everything', async (name) => {
      const who = { 'the owner': creator, 'an editor': editor, 'an admin': admin }[name]!;
      const res = await gql(EPISODE, { id: episodeId }, who);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.episode).toMatchObject({ title: 'Quasars explained', commentCount: 1, comments: { edges: [{ node: { id: commentId, body: 'lovely' } }] } });
      expectShown(res.body.data?.episode as Record<string, unknown>);
      expect((await data(ASSET, { id: assetId }, who)).mediaAsset.id).toBe(assetId);
    });

    it('shows everything to everyone again once republished', async () => {
      await data('mutation($id: ID!) { publishEpisode(id: $id) { id } }', { id: episodeId }, creator);
      await allKnow('PUBLISHED');
      expectShown((await data(EPISODE, { id: episodeId })).episode);
      expect((await data(ASSET, { id: assetId })).mediaAsset.id).toBe(assetId);
      const me = (await data(LIBRARY, {}, listener)).me;
      expectShown(me.history.edges[0].node.episode);
      expectShown(me.playlists.edges[0].node.episodes.edges[0].node);
      expect(messagesOf(me)).toEqual(['New episode: Quasars explained', WELCOME]);
      expect(me.unreadNotificationCount).toBe(2);
      await eventually(async () => (await data(SEARCH, { q: 'quasars' })).search.edges.length === 1, 15_000);
    });
  });

  it("shows a user's role, plan and email to nobody but themself and staff", async () => {
    const query = `{ userByHandle(handle: "fan") { handle role plan email } }`;
    expect((await data(query)).userByHandle).toEqual({ handle: 'fan', role: null, plan: null, email: null });
    expect((await data(query, {}, creator)).userByHandle).toEqual({ handle: 'fan', role: null, plan: null, email: null });
    expect((await data(query, {}, listener)).userByHandle).toEqual({ handle: 'fan', role: 'USER', plan: 'FREE', email: 'fan@example.com' });
    expect((await data(query, {}, editor)).userByHandle).toEqual({ handle: 'fan', role: 'USER', plan: 'FREE', email: 'fan@example.com' });
  });
});
