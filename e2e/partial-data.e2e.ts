import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configFromEnv } from '@wavegraph/gateway';
import { eventually, TEST_REDIS_URL } from '@wavegraph/testkit';
import { buildASTSchema, isNonNullType, isObjectType, parse } from 'graphql';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { postGraphQL, type RawResponse } from './support/graphql';
import { startTestSupergraph, type SubgraphName, type TestSupergraph } from './support/supergraph';

// Honest partial data: a field one subgraph contributes to another context's entity is nullable,
// so when that subgraph is away (gone, or slower than the gateway's deadline) only the field is
// null, with a SUBGRAPH_UNAVAILABLE error located at it; the list holding the entity still answers.

/** Who owns each entity (DESIGN.md's bounded contexts); every other subgraph that declares it contributes to it. */
const OWNERS: Record<string, SubgraphName> = {
  User: 'identity',
  Show: 'catalog',
  Episode: 'catalog',
  Comment: 'engagement',
  Playlist: 'engagement',
  MediaAsset: 'media',
  Upload: 'media',
  Notification: 'notifications',
};
const SUBGRAPHS: SubgraphName[] = ['identity', 'catalog', 'engagement', 'discovery', 'media', 'notifications'];

interface Seeded {
  commentId: string;
}

/**
 * One contribution scenario: a list owned by another subgraph, and at each of its items (`at`,
 * '*' for every element of a list) the fields `subgraph` contributes there. To prove a new
 * contribution, add a row (the first test fails until every contributed field has one).
 */
interface Row {
  subgraph: SubgraphName;
  /** The contributed fields this row proves, as `Type.field`. */
  covers: string[];
  query: string;
  variables?: (seeded: Seeded) => Record<string, unknown>;
  at: (string | number)[];
  fields: string[];
}

const PAGE = 'first: 5';
const ROWS: Row[] = [
  {
    subgraph: 'engagement',
    covers: ['Episode.likeCount', 'Episode.playCount', 'Episode.commentCount', 'Episode.viewerHasLiked', 'Episode.comments', 'Episode.viewerProgress'],
    query: `{ episodes(${PAGE}) { edges { node { title likeCount playCount commentCount viewerHasLiked
      comments(${PAGE}) { edges { node { body } } } viewerProgress { positionSeconds } } } } }`,
    at: ['episodes', 'edges', '*', 'node'],
    fields: ['likeCount', 'playCount', 'commentCount', 'viewerHasLiked', 'comments', 'viewerProgress'],
  },
  {
    subgraph: 'engagement',
    covers: ['Show.followerCount', 'Show.viewerFollows'],
    query: `{ shows(${PAGE}) { edges { node { title followerCount viewerFollows } } } }`,
    at: ['shows', 'edges', '*', 'node'],
    fields: ['followerCount', 'viewerFollows'],
  },
  {
    subgraph: 'engagement',
    covers: ['User.following', 'User.likedEpisodes', 'User.playlists', 'User.history', 'User.recentlyPlayed'],
    query: `{ shows(${PAGE}) { edges { node { title owner { handle
      following(${PAGE}) { edges { node { id } } } likedEpisodes(${PAGE}) { edges { node { id } } } playlists(${PAGE}) { edges { node { name } } }
      history(${PAGE}) { edges { node { positionSeconds } } } recentlyPlayed(${PAGE}) { edges { node { positionSeconds } } } } } } } }`,
    at: ['shows', 'edges', '*', 'node', 'owner'],
    fields: ['following', 'likedEpisodes', 'playlists', 'history', 'recentlyPlayed'],
  },
  {
    subgraph: 'catalog',
    covers: ['User.shows'],
    query: `query ($id: ID!) { comment(id: $id) { body replies(${PAGE}) { edges { node { body author { handle shows(${PAGE}) { edges { node { title } } } } } } } } }`,
    variables: (seeded) => ({ id: seeded.commentId }),
    at: ['comment', 'replies', 'edges', '*', 'node', 'author'],
    fields: ['shows'],
  },
  {
    subgraph: 'media',
    covers: ['Episode.media'],
    query: `{ browse(${PAGE}) { edges { node { title media { status } } } } }`,
    at: ['browse', 'edges', '*', 'node'],
    fields: ['media'],
  },
  {
    subgraph: 'notifications',
    covers: ['User.notifications', 'User.unreadNotificationCount'],
    query: `{ shows(${PAGE}) { edges { node { title owner { handle unreadNotificationCount notifications(${PAGE}) { edges { node { kind } } } } } } } }`,
    at: ['shows', 'edges', '*', 'node', 'owner'],
    fields: ['unreadNotificationCount', 'notifications'],
  },
];

/** Every field a subgraph's committed SDL adds to an entity it does not own: `Type.field` → nullable? */
function contributions(subgraph: SubgraphName): Map<string, boolean> {
  const sdl = readFileSync(path.resolve(__dirname, '../schema', `${subgraph}.graphql`), 'utf8');
  const schema = buildASTSchema(parse(sdl), { assumeValid: true, assumeValidSDL: true });
  const found = new Map<string, boolean>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.astNode?.directives?.some((d) => d.name.value === 'key')) continue;
    const owner = OWNERS[type.name];
    if (!owner) throw new Error(`${subgraph} declares the entity ${type.name}: add its owner to OWNERS`);
    if (owner === subgraph) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.name === 'id' || field.astNode?.directives?.some((d) => d.name.value === 'external')) continue;
      found.set(`${type.name}.${field.name}`, !isNonNullType(field.type));
    }
  }
  return found;
}

/** The concrete paths `at` reaches in `data` ('*' expanded to each index). */
function itemPaths(data: unknown, at: (string | number)[], prefix: (string | number)[] = []): (string | number)[][] {
  if (at.length === 0) return [prefix];
  const [head, ...rest] = at;
  if (head === '*') return Array.isArray(data) ? data.flatMap((item, index) => itemPaths(item, rest, [...prefix, index])) : [];
  const next = data && typeof data === 'object' ? (data as Record<string | number, unknown>)[head] : undefined;
  return next === undefined || next === null ? [] : itemPaths(next, rest, [...prefix, head]);
}

function valueAt(data: unknown, at: (string | number)[]): Record<string, unknown> {
  return at.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], data) as Record<string, unknown>;
}

/** The healthy answer with the contributed fields nulled: what an outage must answer, nothing more missing. */
function withFieldsNulled(data: unknown, paths: (string | number)[][], fields: string[]): unknown {
  const copy = structuredClone(data);
  for (const at of paths) for (const field of fields) valueAt(copy, at)[field] = null;
  return copy;
}

describe('honest partial data', () => {
  it('every field a subgraph contributes to another context’s entity is nullable and proved below', () => {
    const covered = new Set(ROWS.flatMap((row) => row.covers.map((field) => `${row.subgraph}:${field}`)));
    const contributed: string[] = [];
    for (const subgraph of SUBGRAPHS) {
      for (const [field, nullable] of contributions(subgraph)) {
        expect({ field: `${subgraph}:${field}`, nullable }).toEqual({ field: `${subgraph}:${field}`, nullable: true });
        contributed.push(`${subgraph}:${field}`);
      }
    }
    expect(contributed.filter((field) => !covered.has(field))).toEqual([]);
    // and no row claims a field nobody contributes (a renamed or moved field)
    expect([...covered].filter((field) => !contributed.includes(field))).toEqual([]);
    expect(new Set(ROWS.map((row) => row.subgraph))).toEqual(new Set(['engagement', 'catalog', 'media', 'notifications']));
  });

  describe('while a contributing subgraph is away', () => {
    const TIMEOUT_MS = 3_000;
    const proxies: Partial<Record<SubgraphName, FaultProxy>> = {};
    let supergraph: TestSupergraph;
    let token: string;
    const seeded: Seeded = { commentId: '' };

    const ask = (row: Row): Promise<RawResponse> => postGraphQL(supergraph.url, row.query, { token, variables: row.variables?.(seeded) });

    beforeAll(async () => {
      const front = (name: SubgraphName) => async (url: string) => (proxies[name] = await startFaultProxy(url)).url;
      supergraph = await startTestSupergraph(
        {
          subgraphTimeoutMs: TIMEOUT_MS,
          // what is proved is the answer without the subgraph, not one the entity cache kept from before
          entityCache: { ...configFromEnv().entityCache, enabled: false },
          // every outage here is one subgraph for one request; an open breaker would only answer faster, with the same errors
          resilience: { breakerThreshold: 1_000, breakerHalfOpenMs: 10_000, retryAttempts: 2, retryBaseDelayMs: 20, retryMaxDelayMs: 100 },
        },
        TEST_REDIS_URL,
        { front: { engagement: front('engagement'), catalog: front('catalog'), media: front('media'), notifications: front('notifications') } },
      );
      const { register } = await supergraph.client().Register({
        input: { email: 'partial@example.com', handle: 'partial', displayName: 'Partial', password: 'partial data pass' },
      });
      token = register.accessToken;
      const owner = supergraph.client(token);
      const { createShow } = await owner.CreateShow({ input: { slug: 'halves', title: 'Halves', category: 'NEWS', language: 'en' } });
      const { createEpisode } = await owner.CreateEpisode({ input: { showId: createShow.id, title: 'Half full' } });
      const episodeId = createEpisode.id;
      await owner.PublishEpisode({ id: episodeId });
      // engagement and discovery learn of the publication from catalog's events
      await eventually(async () => (await owner.LikeEpisode({ episodeId }).then(() => true, () => false)), 15_000);
      await owner.RecordPlay({ episodeId, positionSeconds: 42 });
      await owner.FollowShow({ showId: createShow.id });
      const { createPlaylist } = await owner.CreatePlaylist({ name: 'Keep', isPublic: true });
      await owner.AddToPlaylist({ playlistId: createPlaylist.id, episodeId });
      const { postComment } = await owner.PostComment({ episodeId, body: 'A question' });
      await owner.PostComment({ episodeId, body: 'An answer', parentId: postComment.id });
      seeded.commentId = postComment.id;
      await owner.CreateUpload({ input: { episodeId, filename: 'half.mp3', sizeBytes: 1024, mimeType: 'audio/mpeg' } });
      // every row's healthy answer has a value in each contributed field (browse and the inbox are fed by events)
      for (const row of ROWS) {
        await eventually(async () => {
          const { body } = await ask(row);
          const paths = itemPaths(body.data, row.at);
          return !body.errors && paths.length > 0 && paths.every((at) => row.fields.every((field) => valueAt(body.data, at)[field] != null));
        }, 15_000);
      }
    }, 120_000);

    afterAll(async () => {
      await supergraph?.stop();
      await Promise.all(Object.values(proxies).map((proxy) => proxy.stop()));
    });

    describe.each([
      ['gone (its connections reset)', 'drop'],
      ['slower than the gateway’s deadline', 'hang'],
    ] as const)('%s', (_how, mode) => {
      it.each(ROWS.map((row) => [`${row.subgraph}: ${row.covers.join(', ')}`, row] as const))(
        'answers the list with %s null on each item, each error located at its field',
        async (_name, row) => {
          const healthy = await ask(row);
          expect(healthy.body.errors).toBeUndefined();
          const paths = itemPaths(healthy.body.data, row.at);
          expect(paths.length).toBeGreaterThan(0);

          proxies[row.subgraph]!.outage(mode);
          try {
            const started = Date.now();
            const res = await ask(row);
            expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
            expect(res.status).toBe(200);
            expect(res.body.data).toEqual(withFieldsNulled(healthy.body.data, paths, row.fields));
            const expected = paths.flatMap((at) =>
              row.fields.map((field) => ({
                message: `The ${row.subgraph} service is unavailable`,
                path: [...at, field],
                extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: row.subgraph },
              })),
            );
            expect(res.body.errors).toHaveLength(expected.length);
            expect(res.body.errors).toEqual(expect.arrayContaining(expected));
          } finally {
            proxies[row.subgraph]!.outage(null);
          }
          // and back: the same answer as before once it is reachable again
          expect((await ask(row)).body).toEqual(healthy.body);
        },
        30_000,
      );
    });
  });
});
