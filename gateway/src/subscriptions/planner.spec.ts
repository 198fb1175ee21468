import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import { DEFAULT_SUPERGRAPH_PATH } from '../config';
import { SubscriptionPlanner } from './planner';

const planner = new SubscriptionPlanner(readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'));
const QUERY = 'subscription($e: ID!) { commentAdded(episodeId: $e) { body author { handle } episode { title likeCount } } }';

/** Which file a package resolves to from a given package's own folder. */
const resolvedFrom = (pkg: string, from: string) => require.resolve(pkg, { paths: [path.dirname(require.resolve(`${from}/package.json`))] });

describe('subscription planning (contract with @apollo/gateway 2.14)', () => {
  it('plans with the very query planner and federation copies the gateway executes with', () => {
    for (const pkg of ['@apollo/query-planner', '@apollo/federation-internals']) {
      expect(require.resolve(pkg)).toBe(resolvedFrom(pkg, '@apollo/gateway'));
    }
    expect(require('@apollo/gateway/package.json').version).toBe('2.14.4');
  });

  it('splits a subscription into the owning subgraph and the fetches that complete each event', () => {
    const plan = planner.plan(parse(QUERY), undefined, QUERY);
    expect(plan.primary).toMatchObject({ kind: 'Fetch', serviceName: 'engagement', operationKind: 'subscription', variableUsages: ['e'] });
    expect(plan.primary.operation).toBe('subscription($e:ID!){commentAdded(episodeId:$e){body author{__typename id}episode{__typename id likeCount}}}');
    const services = JSON.stringify(plan.rest).match(/"serviceName":"(\w+)"/g)?.map((m) => m.split(':')[1].replace(/"/g, '')).sort();
    expect(services).toEqual(['catalog', 'identity']);
    // the same operation is planned once
    expect(planner.plan(parse(QUERY), undefined, QUERY)).toBe(plan);
  });

  it('knows every subgraph routing URL of the supergraph', () => {
    expect(Object.keys(planner.subgraphUrls)).toEqual(expect.arrayContaining(['identity', 'catalog', 'engagement', 'discovery', 'media']));
  });

  it('refuses to plan anything but a subscription', () => {
    const query = '{ __typename }';
    expect(() => planner.plan(parse(query), undefined, query)).toThrow('Only subscriptions run over WebSocket');
  });
});
