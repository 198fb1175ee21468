import { createHash } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import pino from 'pino';
import { FastGateway } from './executor';

// Every operation below runs through @apollo/gateway's own executor and through ours, over the
// same three real (in-memory) subgraphs: the answers must be the same, data and errors alike.

const shows = [
  { id: 's1', title: 'One', weight: 3, ownerId: 'u1' },
  { id: 's2', title: 'Two', weight: 5, ownerId: 'u2' },
  { id: 's3', title: 'Three', weight: 7, ownerId: 'missing' },
];
const episodes = [
  { id: 'e1', title: 'Pilot', showId: 's1' },
  { id: 'e2', title: 'Broken', showId: 's2' },
];

const definitions: Record<string, { typeDefs: string; resolvers: Record<string, Record<string, unknown>> }> = {
  catalog: {
    typeDefs: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { shows: [Show!]! show(id: ID!): Show search(text: String!): [Hit!]! }
      union Hit = Show | Episode
      type Show @key(fields: "id") { id: ID! title: String! weight: Int owner: User episodes: [Episode!]! }
      type Episode @key(fields: "id") { id: ID! title: String show: Show }
      type User @key(fields: "id", resolvable: false) { id: ID! }`,
    resolvers: {
      Query: { shows: () => shows, show: (_: unknown, { id }: { id: string }) => shows.find((s) => s.id === id), search: (_: unknown, { text }: { text: string }) => [...shows, ...episodes].filter((x) => x.title.includes(text)) },
      Hit: { __resolveType: (hit: { showId?: string }) => (hit.showId ? 'Episode' : 'Show') },
      Show: { __resolveReference: (ref: { id: string }) => shows.find((s) => s.id === ref.id), owner: (s: { ownerId: string }) => ({ id: s.ownerId }), episodes: (s: { id: string }) => episodes.filter((e) => e.showId === s.id) },
      Episode: { __resolveReference: (ref: { id: string }) => episodes.find((e) => e.id === ref.id), show: (e: { showId: string }) => shows.find((s) => s.id === e.showId) },
    },
  },
  engagement: {
    typeDefs: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])
      type Show @key(fields: "id") { id: ID! likes: Int weight: Int @external score: Int @requires(fields: "weight") }
      type Episode @key(fields: "id") { id: ID! plays: Int! }`,
    resolvers: {
      Show: { __resolveReference: (ref: { id: string; weight?: number }) => ref, likes: (s: { id: string }) => (s.id === 's2' ? (() => { throw new GraphQLError('likes are down', { extensions: { code: 'SERVICE_UNAVAILABLE' } }); })() : Number(s.id.slice(1)) * 10), score: (s: { weight: number }) => s.weight * 2 },
      // a non-null field answered null: the gateway nulls the episode with one error
      Episode: { __resolveReference: (ref: { id: string }) => ref, plays: (e: { id: string }) => (e.id === 'e2' ? null : 42) },
    },
  },
  identity: {
    typeDefs: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type User @key(fields: "id") { id: ID! handle: String! }`,
    resolvers: { User: { __resolveReference: (ref: { id: string }) => (ref.id === 'missing' ? null : { id: ref.id, handle: `@${ref.id}` }) } },
  },
};

const schemas: Record<string, GraphQLSchema> = Object.fromEntries(
  Object.entries(definitions).map(([name, d]) => [name, buildSubgraphSchema({ typeDefs: parse(d.typeDefs), resolvers: d.resolvers as never })]),
);

/** A data source that executes the subgraph operation on the subgraph's own schema, as its server would. */
const source = (name: string): GraphQLDataSource => ({
  process: async ({ request }) => {
    const result = await execute({ schema: schemas[name], document: parse(request.query!), variableValues: request.variables });
    return JSON.parse(JSON.stringify(result));
  },
});

const supergraphSdl = (() => {
  const composed = composeServices(Object.entries(definitions).map(([name, d]) => ({ name, url: `http://${name}.invalid`, typeDefs: parse(d.typeDefs) })));
  if (composed.errors) throw composed.errors[0];
  return composed.supergraphSdl;
})();

const OPERATIONS: [string, string, Record<string, unknown>?][] = [
  ['across three subgraphs with @requires', '{ shows { id title score likes owner { handle } } }'],
  ['a located subgraph error and a null entity', '{ show(id: "s2") { title likes owner { id handle } } other: show(id: "s3") { owner { handle } } }'],
  ['a union with fragments and nested entities', '{ search(text: "o") { __typename ... on Show { title score } ... on Episode { title plays show { likes } } } }'],
  ['a non-null field answered null bubbles to its nullable parent', '{ shows { title episodes { id plays } } }'],
  ['variables reach the subgraph and @include reads them', 'query($id: ID!, $more: Boolean!) { show(id: $id) { title likes @include(if: $more) owner @skip(if: $more) { handle } } }', { id: 's1', more: true }],
  ['aliases and __typename everywhere', '{ a: shows { k: __typename n: title o: owner { __typename h: handle } } }'],
  ['nothing found', '{ show(id: "nope") { title likes } }'],
];

function request(query: string, variables: Record<string, unknown> = {}) {
  const document: DocumentNode = parse(query);
  return {
    request: { query, variables },
    document,
    queryHash: createHash('sha256').update(query).digest('hex'),
    operationName: null,
    context: {},
    logger: console,
    metrics: {},
  } as never;
}

const plain = (result: { data?: unknown; errors?: readonly GraphQLError[]; extensions?: unknown }) =>
  JSON.parse(JSON.stringify({ data: result.data, errors: result.errors?.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions })), extensions: result.extensions }));

describe('our plan executor against @apollo/gateway executing the same plans', () => {
  let apollo: ApolloGateway;
  let ours: NonNullable<Awaited<ReturnType<FastGateway['load']>>['executor']>;

  beforeAll(async () => {
    apollo = new ApolloGateway({ supergraphSdl, buildService: ({ name }) => source(name) });
    const fast = new FastGateway(apollo, { maxOperations: 100 }, pino({ level: 'silent' }));
    ours = (await fast.load({ apollo: { key: undefined, keyHash: undefined, graphRef: undefined, graphId: undefined, graphVariant: 'current' } } as never)).executor!;
  });
  afterAll(() => apollo.stop());

  it.each(OPERATIONS.map(([name, query, variables]) => ({ name, query, variables })))('$name', async ({ query, variables }) => {
    const expected = plain(await apollo.executor(request(query, variables)));
    const actual = plain(await ours(request(query, variables)));
    expect(actual).toEqual(expected);
    // the same again, from the cached plan
    expect(plain(await ours(request(query, variables)))).toEqual(expected);
  });

  it('covers errors and partial data: some of the operations above have them', async () => {
    const withErrors = await Promise.all(OPERATIONS.map(async ([, query, variables]) => (await apollo.executor(request(query, variables))).errors?.length ?? 0));
    expect(withErrors.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
  });

  it('leaves introspection to @apollo/gateway, answering it the same', async () => {
    const query = '{ __schema { queryType { name } } __typename }';
    expect(plain(await ours(request(query)))).toEqual(plain(await apollo.executor(request(query))));
  });
});
