import { createHash } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { QueryPlanner } from '@apollo/query-planner';
import { parse } from 'graphql';
import pino from 'pino';
import { FastGateway } from './executor';

// Two in-memory subgraphs behind @apollo/gateway's loading and planning, run by FastGateway.
const shows = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { shows: [Show!]! }
  type Show @key(fields: "id") { id: ID! title: String! }`;
const counts = (extra: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Show @key(fields: "id") { id: ID! likes: Int ${extra} }`;

function supergraph(extra = ''): string {
  const result = composeServices([
    { name: 'catalog', url: 'http://catalog.invalid/graphql', typeDefs: parse(shows) },
    { name: 'engagement', url: 'http://engagement.invalid/graphql', typeDefs: parse(counts(extra)) },
  ]);
  if (result.errors) throw result.errors[0];
  return result.supergraphSdl;
}

const services: Record<string, GraphQLDataSource> = {
  catalog: { process: async () => ({ data: { shows: [{ __typename: 'Show', id: 's1', title: 'One' }, { __typename: 'Show', id: 's2', title: 'Two' }] } }) },
  engagement: {
    process: async ({ request }) => {
      const representations = request.variables?.representations as { id: string }[];
      return {
        data: { _entities: representations.map((r) => (r.id === 's2' ? null : { likes: 7, followers: 3 })) },
        errors: [{ message: 'no counts for s2', path: ['_entities', 1, 'likes'] }],
      };
    },
  },
};

async function started(maxOperations = 10) {
  let update: (sdl: string) => void = () => undefined;
  const gateway = new ApolloGateway({
    supergraphSdl: async (options) => {
      update = options.update;
      return { supergraphSdl: supergraph() };
    },
    buildService: ({ name }) => services[name],
  });
  const fast = new FastGateway(gateway, { maxOperations }, pino({ level: 'silent' }));
  const { executor } = await fast.load({ apollo: { key: undefined, keyHash: undefined, graphRef: undefined, graphId: undefined, graphVariant: 'current' } } as never);
  const run = (query: string, operationName?: string) =>
    executor!({
      request: { query, operationName, variables: {} },
      document: parse(query),
      queryHash: createHash('sha256').update(query).digest('hex'),
      operationName: operationName ?? null,
      context: {},
      logger: console,
      metrics: {},
    } as never);
  return { gateway, fast, run, reload: (sdl: string) => update(sdl) };
}

const SHOWS = '{ shows { title likes } }';
const TITLES = '{ shows { id title } }';

describe('our plan executor', () => {
  let planned: jest.SpyInstance;
  beforeEach(() => {
    planned = jest.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
  });
  afterEach(() => planned.mockRestore());

  it('answers across subgraphs with located, attributed subgraph errors', async () => {
    const { gateway, run } = await started();
    const result = await run(SHOWS);
    expect(JSON.parse(JSON.stringify(result.data))).toEqual({ shows: [{ title: 'One', likes: 7 }, { title: 'Two', likes: null }] });
    expect(result.errors?.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code, serviceName: e.extensions?.serviceName }))).toEqual([
      { message: 'no counts for s2', path: ['shows', 1, 'likes'], code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'engagement' },
    ]);
    await gateway.stop();
  });

  it('plans an operation once, keyed by its text and name', async () => {
    const { gateway, run } = await started();
    await run(SHOWS);
    await run(SHOWS);
    await run(`query A ${TITLES} query B ${SHOWS}`, 'A');
    await run(`query A ${TITLES} query B ${SHOWS}`, 'A');
    await run(`query A ${TITLES} query B ${SHOWS}`, 'B');
    expect(planned).toHaveBeenCalledTimes(3);
    await gateway.stop();
  });

  it('keeps at most the configured number of plans, evicting the least recently used', async () => {
    const { gateway, run } = await started(2);
    await run(SHOWS);
    await run(TITLES);
    await run(SHOWS);
    await run('{ shows { likes } }'); // evicts TITLES
    await run(SHOWS);
    expect(planned).toHaveBeenCalledTimes(3);
    await run(TITLES);
    expect(planned).toHaveBeenCalledTimes(4);
    await gateway.stop();
  });

  it('plans again after the supergraph is reloaded, over the new supergraph', async () => {
    const { gateway, run, reload } = await started();
    await run(SHOWS);
    reload(supergraph('followers: Int'));
    await new Promise((resolve) => setImmediate(resolve));
    await run(SHOWS);
    expect(planned).toHaveBeenCalledTimes(2);
    const followers = await run('{ shows { followers } }');
    expect(JSON.parse(JSON.stringify(followers.data))).toEqual({ shows: [{ followers: 3 }, { followers: null }] });
    await gateway.stop();
  });
});
