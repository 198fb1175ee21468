import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configFromEnv } from '@wavegraph/gateway';
import { eventually, TEST_REDIS_URL } from '@wavegraph/testkit';
import { buildASTSchema, getNamedType, isListType, isNonNullType, isObjectType, Kind, parse, type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { postGraphQL, type RawResponse } from './support/graphql';
import { startTestSupergraph, type SubgraphName, type TestSupergraph } from './support/supergraph';

// Honest partial data: a field one subgraph contributes to another context's entity is nullable,
// so when that subgraph is away (gone, or slower than the gateway's deadline) only the field is
// null, with a SUBGRAPH_UNAVAILABLE error located at it; the list holding the entity still answers.
// Likewise a reference to an entity another subgraph completes (`Show.owner: User`, a connection's
// `node: Episode`) is nullable: when that subgraph is away the reference is null, with an error at
// each field it could not get, instead of a non-null field of it nulling the list or the answer.

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
const SUBGRAPHS: SubgraphName[] = ['identity', 'catalog', 'engagement', 'discovery', 'media', 'notifications', 'analytics'];

interface Seeded {
  /** A listener's comment on the first episode, answered by the show's owner. */
  commentId: string;
  playlistId: string;
  uploadId: string;
  /** A recording session the owner started on the second episode (no chunk sent). */
  recordingId: string;
  episodeId: string;
}

type Path = (string | number)[];

/** Where to look in the answer: at each item `at` reaches ('*' for every element of a list), these fields. */
interface Target {
  at: Path;
  fields: string[];
}

/**
 * One scenario: a query, the subgraph made unreachable, and what it must null. A contribution row
 * names at each item (`at`) the fields `subgraph` contributes there: each is null with an error at
 * it. A reference row (`references`) names reference fields to entities `subgraph` completes: each
 * that pointed somewhere is null, with an error at each field the query asked of it. To prove a new
 * contribution or reference, add a row (the first test fails until every one has a row).
 */
interface Row {
  subgraph: SubgraphName;
  /** The contributed fields (`Type.field`, of `subgraph`) or references (`subgraph:Type.field`, of the subgraph declaring them) it proves. */
  covers: string[];
  query: string;
  variables?: (seeded: Seeded) => Record<string, unknown>;
  /** Whose token asks (default: the show's owner). */
  as?: 'owner' | 'listener';
  /** Contributed fields: each is asked of `subgraph` at every item, so each is null with its error. */
  targets?: Target[];
  /** References to an entity `subgraph` completes: those that were not null become null, errors at their fields. */
  references?: Target[];
}

const PAGE = 'first: 5';
/** Analytics' figures from yesterday through tomorrow: every play of the seed falls inside. */
const RANGE = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
const ANALYTICS = '(range: $range) { totals { downloads uniqueListeners sessions } series { start downloads } }';
const ROWS: Row[] = [
  {
    subgraph: 'engagement',
    covers: ['Episode.likeCount', 'Episode.playCount', 'Episode.commentCount', 'Episode.viewerHasLiked', 'Episode.comments', 'Episode.viewerProgress'],
    query: `{ episodes(${PAGE}) { edges { node { title likeCount playCount commentCount viewerHasLiked
      comments(${PAGE}) { edges { node { body } } } viewerProgress { positionSeconds } } } } }`,
    targets: [{ at: ['episodes', 'edges', '*', 'node'], fields: ['likeCount', 'playCount', 'commentCount', 'viewerHasLiked', 'comments', 'viewerProgress'] }],
  },
  {
    subgraph: 'engagement',
    covers: ['Show.followerCount', 'Show.viewerFollows'],
    query: `{ shows(${PAGE}) { edges { node { title followerCount viewerFollows } } } }`,
    targets: [{ at: ['shows', 'edges', '*', 'node'], fields: ['followerCount', 'viewerFollows'] }],
  },
  {
    subgraph: 'engagement',
    covers: ['User.following', 'User.likedEpisodes', 'User.playlists', 'User.history', 'User.recentlyPlayed'],
    query: `{ shows(${PAGE}) { edges { node { title owner { handle
      following(${PAGE}) { edges { node { id } } } likedEpisodes(${PAGE}) { edges { node { id } } } playlists(${PAGE}) { edges { node { name } } }
      history(${PAGE}) { edges { node { positionSeconds } } } recentlyPlayed(${PAGE}) { edges { node { positionSeconds } } } } } } } }`,
    targets: [{ at: ['shows', 'edges', '*', 'node', 'owner'], fields: ['following', 'likedEpisodes', 'playlists', 'history', 'recentlyPlayed'] }],
  },
  {
    subgraph: 'catalog',
    covers: ['User.shows'],
    query: `query ($id: ID!) { comment(id: $id) { body replies(${PAGE}) { edges { node { body author { handle shows(${PAGE}) { edges { node { title } } } } } } } } }`,
    variables: (seeded) => ({ id: seeded.commentId }),
    targets: [{ at: ['comment', 'replies', 'edges', '*', 'node', 'author'], fields: ['shows'] }],
  },
  {
    subgraph: 'media',
    covers: ['Episode.media', 'Episode.transcript', 'Episode.chapters', 'Episode.chaptersUrl'],
    query: `{ browse(${PAGE}) { edges { node { title media { status } transcript { status } chapters { title } chaptersUrl } } } }`,
    targets: [{ at: ['browse', 'edges', '*', 'node'], fields: ['media', 'transcript', 'chapters', 'chaptersUrl'] }],
  },
  {
    subgraph: 'notifications',
    covers: ['User.notifications', 'User.unreadNotificationCount'],
    query: `{ shows(${PAGE}) { edges { node { title owner { handle unreadNotificationCount notifications(${PAGE}) { edges { node { kind } } } } } } } }`,
    targets: [{ at: ['shows', 'edges', '*', 'node', 'owner'], fields: ['unreadNotificationCount', 'notifications'] }],
  },
  {
    subgraph: 'analytics',
    covers: ['Show.analytics'],
    query: `query ($range: AnalyticsRange!) { shows(${PAGE}) { edges { node { title followerCount analytics${ANALYTICS} } } } }`,
    variables: () => ({ range: RANGE }),
    targets: [{ at: ['shows', 'edges', '*', 'node'], fields: ['analytics'] }],
  },
  {
    subgraph: 'analytics',
    covers: ['Episode.analytics', 'Episode.listenersAlsoLiked'],
    query: `query ($range: AnalyticsRange!) { episodes(${PAGE}) { edges { node { title likeCount
      analytics${ANALYTICS} listenersAlsoLiked(${PAGE}) { sharedListeners episode { title } } } } } }`,
    variables: () => ({ range: RANGE }),
    targets: [{ at: ['episodes', 'edges', '*', 'node'], fields: ['analytics', 'listenersAlsoLiked'] }],
  },
  // references: the owning subgraph away nulls the reference only
  {
    subgraph: 'identity',
    covers: ['catalog:Show.owner'],
    query: `{ shows(${PAGE}) { edges { node { title owner { handle displayName } } } } }`,
    references: [{ at: ['shows', 'edges', '*', 'node'], fields: ['owner'] }],
  },
  {
    subgraph: 'identity',
    covers: ['engagement:Comment.author', 'engagement:Playlist.owner', 'notifications:Notification.actor'],
    // the listener's inbox through the comment's author, a path that needs no identity field
    query: `query ($comment: ID!, $playlist: ID!) {
      comment(id: $comment) { body author { notifications(${PAGE}) { edges { node { kind actor { handle } } } } } replies(${PAGE}) { edges { node { body author { handle } } } } }
      playlist(id: $playlist) { name owner { handle displayName } } }`,
    variables: (seeded) => ({ comment: seeded.commentId, playlist: seeded.playlistId }),
    as: 'listener',
    references: [
      { at: ['comment', 'replies', 'edges', '*', 'node'], fields: ['author'] },
      { at: ['playlist'], fields: ['owner'] },
      { at: ['comment', 'author', 'notifications', 'edges', '*', 'node'], fields: ['actor'] },
    ],
  },
  {
    subgraph: 'catalog',
    covers: ['engagement:Comment.episode', 'engagement:PlaylistEpisodeEdge.node'],
    query: `query ($comment: ID!, $playlist: ID!) {
      comment(id: $comment) { body episode { title } }
      playlist(id: $playlist) { name episodes(${PAGE}) { edges { cursor node { title status } } } } }`,
    variables: (seeded) => ({ comment: seeded.commentId, playlist: seeded.playlistId }),
    references: [
      { at: ['comment'], fields: ['episode'] },
      { at: ['playlist', 'episodes', 'edges', '*'], fields: ['node'] },
    ],
  },
  {
    subgraph: 'catalog',
    covers: ['engagement:LikedEpisodeEdge.node', 'engagement:FollowedShowEdge.node', 'engagement:PlayProgress.episode'],
    query: `{ me { handle likedEpisodes(${PAGE}) { edges { cursor node { title } } } following(${PAGE}) { edges { cursor node { title } } }
      history(${PAGE}) { edges { node { positionSeconds episode { title } } } } recentlyPlayed(${PAGE}) { edges { node { positionSeconds episode { title } } } } } }`,
    references: [
      { at: ['me', 'likedEpisodes', 'edges', '*'], fields: ['node'] },
      { at: ['me', 'following', 'edges', '*'], fields: ['node'] },
      { at: ['me', 'history', 'edges', '*', 'node'], fields: ['episode'] },
      { at: ['me', 'recentlyPlayed', 'edges', '*', 'node'], fields: ['episode'] },
    ],
  },
  {
    subgraph: 'catalog',
    // idempotent, so the healthy answer, the one during the outage and the one after are comparable
    covers: ['engagement:Mutation.likeEpisode'],
    query: `mutation ($episode: ID!) { likeEpisode(episodeId: $episode) { title } }`,
    variables: (seeded) => ({ episode: seeded.episodeId }),
    references: [{ at: [], fields: ['likeEpisode'] }],
  },
  {
    subgraph: 'catalog',
    covers: ['discovery:BrowseEdge.node', 'discovery:SearchHit.episode', 'discovery:SearchHit.show', 'discovery:TrendingEpisode.episode', 'discovery:SimilarEpisode.episode'],
    query: `query ($episode: ID!) { browse(${PAGE}) { edges { cursor node { title } } }
      episodes: search(query: "half", filter: { kind: EPISODE }) { edges { node { kind episode { title } } } }
      shows: search(query: "halves", filter: { kind: SHOW }) { edges { node { kind show { title } } } }
      trending(${PAGE}) { episode { title } } similarEpisodes(episodeId: $episode) { sharedListeners episode { title } } }`,
    variables: (seeded) => ({ episode: seeded.episodeId }),
    references: [
      { at: ['browse', 'edges', '*'], fields: ['node'] },
      { at: ['episodes', 'edges', '*', 'node'], fields: ['episode'] },
      { at: ['shows', 'edges', '*', 'node'], fields: ['show'] },
      { at: ['trending', '*'], fields: ['episode'] },
      { at: ['similarEpisodes', '*'], fields: ['episode'] },
    ],
  },
  {
    subgraph: 'catalog',
    covers: ['notifications:Notification.episode', 'notifications:Notification.show'],
    query: `{ me { handle notifications(${PAGE}) { edges { node { kind episode { title } show { title } } } } } }`,
    as: 'listener',
    references: [{ at: ['me', 'notifications', 'edges', '*', 'node'], fields: ['episode', 'show'] }],
  },
  {
    subgraph: 'catalog',
    covers: ['media:Upload.episode', 'media:MediaAsset.episode'],
    query: `query ($upload: ID!) { upload(id: $upload) { filename episode { title } asset { status episode { title } } } }`,
    variables: (seeded) => ({ upload: seeded.uploadId }),
    references: [
      { at: ['upload'], fields: ['episode'] },
      { at: ['upload', 'asset'], fields: ['episode'] },
    ],
  },
  {
    subgraph: 'catalog',
    covers: ['media:RecordingSession.episode'],
    query: `query ($recording: ID!) { recordingSession(id: $recording) { status chunksReceived episode { title } } }`,
    variables: (seeded) => ({ recording: seeded.recordingId }),
    references: [{ at: ['recordingSession'], fields: ['episode'] }],
  },
  {
    subgraph: 'catalog',
    covers: ['analytics:EpisodeRecommendation.episode'],
    query: `{ forYou(${PAGE}) { sharedListeners episode { title } } }`,
    as: 'listener',
    references: [{ at: ['forYou', '*'], fields: ['episode'] }],
  },
  {
    subgraph: 'catalog',
    // the show reached through engagement (no catalog field of it asked): analytics' figures stay, their episodes go
    covers: ['analytics:TopEpisode.episode'],
    query: `query ($range: AnalyticsRange!) { me { handle following(${PAGE}) { edges { cursor node {
      analytics(range: $range) { totals { sessions } topEpisodes(${PAGE}) { uniqueListeners episode { title status } } } } } } } }`,
    variables: () => ({ range: RANGE }),
    references: [{ at: ['me', 'following', 'edges', '*', 'node', 'analytics', 'topEpisodes', '*'], fields: ['episode'] }],
  },
  {
    subgraph: 'engagement',
    covers: ['notifications:Notification.comment'],
    query: `{ me { handle notifications(${PAGE}) { edges { node { kind comment { body deleted } } } } } }`,
    as: 'listener',
    references: [{ at: ['me', 'notifications', 'edges', '*', 'node'], fields: ['comment'] }],
  },
];

function committedSchema(subgraph: SubgraphName): GraphQLSchema {
  const sdl = readFileSync(path.resolve(__dirname, '../schema', `${subgraph}.graphql`), 'utf8');
  return buildASTSchema(parse(sdl), { assumeValid: true, assumeValidSDL: true });
}
const SCHEMAS = new Map(SUBGRAPHS.map((subgraph) => [subgraph, committedSchema(subgraph)]));

const hasDirective = (node: { directives?: readonly { name: { value: string } }[] } | null | undefined, name: string): boolean =>
  node?.directives?.some((d) => d.name.value === name) ?? false;

/** An entity's key fields, as its `@key(fields: "...")` directives name them. */
function keyFields(type: GraphQLObjectType): Set<string> {
  const keys = new Set<string>();
  for (const directive of type.astNode?.directives ?? []) {
    if (directive.name.value !== 'key') continue;
    const fields = directive.arguments?.find((a) => a.name.value === 'fields')?.value;
    if (fields?.kind === Kind.STRING) for (const name of fields.value.split(/[\s{}]+/)) if (name) keys.add(name);
  }
  return keys;
}

/** Every field a subgraph's committed SDL adds to an entity it does not own: `Type.field` → nullable? */
function contributions(subgraph: SubgraphName): Map<string, boolean> {
  const schema = SCHEMAS.get(subgraph)!;
  const found = new Map<string, boolean>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !hasDirective(type.astNode, 'key')) continue;
    const owner = OWNERS[type.name];
    if (!owner) throw new Error(`${subgraph} declares the entity ${type.name}: add its owner to OWNERS`);
    if (owner === subgraph) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.name === 'id' || hasDirective(field.astNode, 'external')) continue;
      found.set(`${type.name}.${field.name}`, !isNonNullType(field.type));
    }
  }
  return found;
}

/** The subgraphs other than `subgraph` that resolve a non-null field of the entity `typename` (an outage of any of them nulls such a field). */
function completers(typename: string, subgraph: SubgraphName): SubgraphName[] {
  return SUBGRAPHS.filter((other) => {
    if (other === subgraph) return false;
    const type = SCHEMAS.get(other)!.getType(typename);
    if (!isObjectType(type) || !hasDirective(type.astNode, 'key')) return false;
    const keys = keyFields(type);
    return Object.values(type.getFields()).some((field) => !keys.has(field.name) && !hasDirective(field.astNode, 'external') && isNonNullType(field.type));
  });
}

/** Whether `type` and, for a list, each of its items (at any depth) may be null. */
function nullableThroughout(type: GraphQLOutputType): boolean {
  if (isNonNullType(type)) return false;
  return isListType(type) ? nullableThroughout(type.ofType) : true;
}

/**
 * Every field of a subgraph's committed SDL whose type is (a list of) an entity another subgraph
 * completes with a non-null field: `subgraph:Type.field` → is it, and each item, nullable? A
 * connection's `node` is such a field of its edge type.
 */
function references(subgraph: SubgraphName): Map<string, boolean> {
  const schema = SCHEMAS.get(subgraph)!;
  const found = new Map<string, boolean>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (hasDirective(field.astNode, 'external')) continue;
      const target = getNamedType(field.type);
      if (!isObjectType(target) || !hasDirective(target.astNode, 'key') || completers(target.name, subgraph).length === 0) continue;
      found.set(`${subgraph}:${type.name}.${field.name}`, nullableThroughout(field.type));
    }
  }
  return found;
}

/** The concrete paths `at` reaches in `data` ('*' expanded to each index). */
function itemPaths(data: unknown, at: Path, prefix: Path = []): Path[] {
  if (at.length === 0) return [prefix];
  const [head, ...rest] = at;
  if (head === '*') return Array.isArray(data) ? data.flatMap((item, index) => itemPaths(item, rest, [...prefix, index])) : [];
  const next = data && typeof data === 'object' ? (data as Record<string | number, unknown>)[head] : undefined;
  return next === undefined || next === null ? [] : itemPaths(next, rest, [...prefix, head]);
}

function valueAt(data: unknown, at: Path): Record<string, unknown> {
  return at.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], data) as Record<string, unknown>;
}

/** What an outage of the row's subgraph must null in the healthy answer: each path and field, and where its errors are. */
function missing(row: Row, data: unknown): { at: Path; field: string; errorPaths: Path[] }[] {
  const contributed = (row.targets ?? []).flatMap((target) =>
    itemPaths(data, target.at).flatMap((at) => target.fields.map((field) => ({ at, field, errorPaths: [[...at, field]] }))),
  );
  // a reference that is null asks nothing of its subgraph; one that is not loses each field asked of it
  const referenced = (row.references ?? []).flatMap((target) =>
    itemPaths(data, target.at).flatMap((at) =>
      target.fields
        .filter((field) => valueAt(data, at)[field] != null)
        .map((field) => ({ at, field, errorPaths: Object.keys(valueAt(data, at)[field] as object).map((key) => [...at, field, key]) })),
    ),
  );
  return [...contributed, ...referenced];
}

/** Whether the healthy answer shows every case the row proves: each contributed field with a value, each reference set somewhere. */
function seededFor(row: Row, data: unknown): boolean {
  const contributed = (row.targets ?? []).every((target) => {
    const paths = itemPaths(data, target.at);
    return paths.length > 0 && paths.every((at) => target.fields.every((field) => valueAt(data, at)[field] != null));
  });
  const referenced = (row.references ?? []).every((target) =>
    target.fields.every((field) => itemPaths(data, target.at).some((at) => valueAt(data, at)[field] != null)),
  );
  return contributed && referenced;
}

/** The healthy answer with the missing fields nulled: what an outage must answer, nothing more missing. */
function withFieldsNulled(data: unknown, nulled: { at: Path; field: string }[]): unknown {
  const copy = structuredClone(data);
  for (const { at, field } of nulled) valueAt(copy, at)[field] = null;
  return copy;
}

/**
 * References a root mutation or subscription returns are nullable like the others, but need no row
 * each: the likeEpisode row shows how one answers (the others run through the same plan), and a
 * subscription's event is completed by the same plan execution (subscriptions.e2e.ts).
 */
const ROOT_RESULT = /:(Mutation|Subscription)\./;

/** The entity a reference (`subgraph:Type.field`) points at. */
function referencedEntity(reference: string): string {
  const [subgraph, coordinate] = reference.split(':') as [SubgraphName, string];
  const [typename, name] = coordinate.split('.');
  const type = SCHEMAS.get(subgraph)!.getType(typename);
  if (!isObjectType(type)) throw new Error(`${reference} is not a field of an object type`);
  return getNamedType(type.getFields()[name]!.type).name;
}

describe('honest partial data', () => {
  it('every field a subgraph contributes to another context’s entity is nullable and proved below', () => {
    const covered = new Set(ROWS.filter((row) => row.targets).flatMap((row) => row.covers.map((field) => `${row.subgraph}:${field}`)));
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
    expect(new Set(ROWS.filter((row) => row.targets).map((row) => row.subgraph))).toEqual(new Set(['engagement', 'catalog', 'media', 'notifications', 'analytics']));
  });

  it('every reference to an entity another subgraph completes is nullable, list items included, and proved below', () => {
    const rowsFor = new Map<string, Row[]>();
    for (const row of ROWS) if (row.references) for (const field of row.covers) rowsFor.set(field, [...(rowsFor.get(field) ?? []), row]);
    const found: string[] = [];
    for (const subgraph of SUBGRAPHS) {
      for (const [field, nullable] of references(subgraph)) {
        expect({ field, nullable }).toEqual({ field, nullable: true });
        found.push(field);
      }
    }
    expect(found.filter((field) => !rowsFor.has(field) && !ROOT_RESULT.test(field))).toEqual([]);
    // and no row claims a reference that is not one (renamed, moved, or to an entity its own subgraph completes)
    expect([...rowsFor.keys()].filter((field) => !found.includes(field))).toEqual([]);
    // each row makes unreachable a subgraph that completes what it covers
    for (const [field, rows] of rowsFor) {
      const subgraph = field.split(':')[0] as SubgraphName;
      for (const row of rows) expect({ field, completers: completers(referencedEntity(field), subgraph) }).toEqual({ field, completers: expect.arrayContaining([row.subgraph]) });
    }
    // and every subgraph that completes what others point at is made unreachable by some row
    const owners = new Set(found.flatMap((field) => completers(referencedEntity(field), field.split(':')[0] as SubgraphName)));
    expect(new Set(ROWS.filter((row) => row.references).map((row) => row.subgraph))).toEqual(owners);
  });

  describe('while a subgraph is away', () => {
    const TIMEOUT_MS = 3_000;
    const proxies: Partial<Record<SubgraphName, FaultProxy>> = {};
    let supergraph: TestSupergraph;
    const tokens = { owner: '', listener: '' };
    const seeded: Seeded = { commentId: '', playlistId: '', uploadId: '', recordingId: '', episodeId: '' };

    // a signed URL's expiry moves on each minute: answers are compared with their signatures set aside
    const unsigned = (body: RawResponse['body']): RawResponse['body'] => JSON.parse(JSON.stringify(body).replace(/\?exp=\d+&sig=[0-9a-f]+/g, '?exp=…&sig=…'));
    const ask = async (row: Row): Promise<RawResponse> => {
      const answer = await postGraphQL(supergraph.url, row.query, { token: tokens[row.as ?? 'owner'], variables: row.variables?.(seeded) });
      return { ...answer, body: unsigned(answer.body) };
    };

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
        {
          front: {
            identity: front('identity'), engagement: front('engagement'), catalog: front('catalog'), media: front('media'), notifications: front('notifications'),
            analytics: front('analytics'),
          },
        },
      );
      const register = async (handle: string) =>
        (await supergraph.client().Register({ input: { email: `${handle}@example.com`, handle, displayName: handle, password: 'partial data pass' } })).register.accessToken;
      tokens.owner = await register('partial');
      tokens.listener = await register('listener');
      const owner = supergraph.client(tokens.owner);
      const listener = supergraph.client(tokens.listener);
      const { createShow } = await owner.CreateShow({ input: { slug: 'halves', title: 'Halves', category: 'NEWS', language: 'en' } });
      const { createEpisode } = await owner.CreateEpisode({ input: { showId: createShow.id, title: 'Half full' } });
      const episodeId = createEpisode.id;
      await owner.PublishEpisode({ id: episodeId });
      // engagement and discovery learn of the publication from catalog's events
      await eventually(async () => (await owner.LikeEpisode({ episodeId }).then(() => true, () => false)), 15_000);
      await owner.RecordPlay({ episodeId, positionSeconds: 42 });
      await owner.FollowShow({ showId: createShow.id });
      await listener.FollowShow({ showId: createShow.id });
      await listener.LikeEpisode({ episodeId });
      const { createPlaylist } = await owner.CreatePlaylist({ name: 'Keep', isPublic: true });
      await owner.AddToPlaylist({ playlistId: createPlaylist.id, episodeId });
      // the owner answers the listener: a COMMENT_REPLY (episode, comment, actor) in the listener's inbox
      const { postComment } = await listener.PostComment({ episodeId, body: 'A question' });
      await owner.PostComment({ episodeId, body: 'An answer', parentId: postComment.id });
      // a second episode of the show the listener follows: a NEW_EPISODE (episode, show), and one they also like (similar episodes)
      const second = (await owner.CreateEpisode({ input: { showId: createShow.id, title: 'Half empty' } })).createEpisode.id;
      await owner.PublishEpisode({ id: second });
      await eventually(async () => (await listener.LikeEpisode({ episodeId: second }).then(() => true, () => false)), 15_000);
      // the contribution rows see a value of every field on each episode
      await owner.RecordPlay({ episodeId: second, positionSeconds: 7 });
      // the listener shares the first with the owner, who also played the second: analytics recommends it to them (forYou)
      await listener.RecordPlay({ episodeId, positionSeconds: 3 });
      const { createUpload } = await owner.CreateUpload({ input: { episodeId, filename: 'half.mp3', sizeBytes: 1024, mimeType: 'audio/mpeg' } });
      // the second episode's source is being recorded instead (an upload in progress too, for the FREE quota)
      const { startRecordingSession } = await owner.StartRecordingSession({ episodeId: second, mimeType: 'audio/webm' });
      // READY media with a transcript and chapters on each episode: audio made from a line of text takes seconds
      for (const id of [episodeId, second]) await owner.CreateEpisodeAudioFromScript({ episodeId: id, script: 'Half of it.', voice: 'flite:slt' });
      for (const id of [episodeId, second]) {
        await eventually(async () => (await owner.EpisodeMedia({ id })).episode?.media?.status === 'READY', 90_000);
        await owner.SetEpisodeChapters({ episodeId: id, chapters: [{ startSeconds: 0, title: 'All of it' }] });
      }
      Object.assign(seeded, { commentId: postComment.id, playlistId: createPlaylist.id, uploadId: createUpload.upload.id, recordingId: startRecordingSession.id, episodeId });
      // every row's healthy answer shows what it proves (browse, search, trending and the inboxes are fed by events)
      for (const row of ROWS) {
        let last: unknown;
        await eventually(async () => {
          const { body } = await ask(row);
          last = body;
          return !body.errors && seededFor(row, body.data);
        }, 20_000).catch((error: Error) => {
          throw new Error(`${error.message}: ${row.covers.join(', ')} answered ${JSON.stringify(last)}`);
        });
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
        'answers with %s null where it is missing, nothing else, each error located at the missing field',
        async (_name, row) => {
          const healthy = await ask(row);
          expect(healthy.body.errors).toBeUndefined();
          const nulled = missing(row, healthy.body.data);
          expect(nulled.length).toBeGreaterThan(0);

          proxies[row.subgraph]!.outage(mode);
          try {
            const started = Date.now();
            const res = await ask(row);
            expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
            expect(res.status).toBe(200);
            expect(res.body.data).toEqual(withFieldsNulled(healthy.body.data, nulled));
            const expected = nulled.flatMap(({ errorPaths }) =>
              errorPaths.map((at) => ({
                message: `The ${row.subgraph} service is unavailable`,
                path: at,
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
