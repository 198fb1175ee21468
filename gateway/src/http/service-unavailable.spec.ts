import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { serviceUnavailablePlugin } from './service-unavailable';

const away = (retryAfter?: number) => new GraphQLError('Redis is away', { extensions: { code: 'SERVICE_UNAVAILABLE', ...(retryAfter !== undefined && { retryAfter }) } });

const typeDefs = `
  type Query { ok: String! fine: String away: String! maybe: String later: String! broken: String! }
  type Mutation { done: Boolean! notDone: Boolean! mightDo: Boolean }
`;
const resolvers = {
  Query: {
    ok: () => 'ok',
    fine: () => 'fine',
    away: () => Promise.reject(away()),
    maybe: () => Promise.reject(away()),
    later: () => Promise.reject(away(12)),
    broken: () => Promise.reject(new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })),
  },
  Mutation: { done: () => true, notDone: () => Promise.reject(away()), mightDo: () => Promise.reject(away()) },
};

/** Refuses, before execution, an operation named "Unpriced" (as the gateway's cost plugin does while it has no model). */
const refusesBeforeExecution: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operationName }) {
        if (operationName === 'Unpriced') throw new GraphQLError('Cannot price operations yet', { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });
      },
    };
  },
};

describe('the HTTP status of an operation a dependency kept from running', () => {
  let server: ApolloServer;
  beforeAll(async () => {
    server = new ApolloServer({ typeDefs, resolvers, plugins: [serviceUnavailablePlugin(), refusesBeforeExecution] });
    await server.start();
  });
  afterAll(() => server.stop());

  async function post(query: string): Promise<{ status: number; retryAfter: string | undefined; body: { data?: unknown; errors?: unknown[] } }> {
    const headers = new HeaderMap([['content-type', 'application/json']]);
    const response = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: 'POST', headers, search: '', body: { query } }, context: async () => ({}) });
    if (response.body.kind !== 'complete') throw new Error('expected a complete body');
    return { status: response.status ?? 200, retryAfter: response.headers.get('retry-after'), body: JSON.parse(response.body.string) };
  }

  it('is 503 with Retry-After when a read got no data for SERVICE_UNAVAILABLE alone, after its retryAfter or 5 s', async () => {
    expect(await post('{ away }')).toMatchObject({ status: 503, retryAfter: '5', body: { data: null } });
    expect(await post('{ later }')).toMatchObject({ status: 503, retryAfter: '12' });
    // a read has nothing to undo: its other field's value was lost with data anyway
    expect(await post('{ ok away }')).toMatchObject({ status: 503, retryAfter: '5', body: { data: null } });
  });

  it('is 503 with Retry-After when each mutation of the operation failed SERVICE_UNAVAILABLE itself', async () => {
    expect(await post('mutation { notDone }')).toMatchObject({ status: 503, retryAfter: '5', body: { data: null } });
    // a nullable result (a reference to another context's entity) is null itself, data is not
    expect(await post('mutation { mightDo }')).toMatchObject({ status: 503, retryAfter: '5', body: { data: { mightDo: null } } });
  });

  it('is 503 with Retry-After when the operation was refused SERVICE_UNAVAILABLE before it ran', async () => {
    expect(await post('query Unpriced { ok }')).toMatchObject({ status: 503, retryAfter: '5' });
  });

  it('stays 200 when something was done: partial data, or a mutation that ran although null emptied data', async () => {
    expect(await post('{ fine maybe }')).toMatchObject({ status: 200, retryAfter: undefined, body: { data: { fine: 'fine', maybe: null } } });
    expect(await post('mutation { done notDone }')).toMatchObject({ status: 200, retryAfter: undefined, body: { data: null } });
    expect(await post('mutation { done mightDo }')).toMatchObject({ status: 200, retryAfter: undefined, body: { data: { done: true, mightDo: null } } });
  });

  it('stays as it is when another error is among them', async () => {
    expect(await post('{ maybe broken }')).toMatchObject({ status: 200, retryAfter: undefined, body: { data: null } });
  });
});
