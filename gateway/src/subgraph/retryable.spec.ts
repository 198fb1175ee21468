import { OperationTypeNode, parse } from 'graphql';
import { isRetryable } from './retryable';

const ENTITIES = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { handle } } }';

describe('which subgraph fetches are retried', () => {
  it.each([
    ['a query\'s root fetch', OperationTypeNode.QUERY, '{ episodes(first: 5) { edges { node { id } } } }'],
    ['a query\'s _entities fetch', OperationTypeNode.QUERY, ENTITIES],
    ['the entity fetch completing a subscription event', OperationTypeNode.SUBSCRIPTION, ENTITIES],
  ])('retries %s', (_name, incomingOperation, query) => {
    expect(isRetryable({ incomingOperation, query })).toBe(true);
    expect(isRetryable({ incomingOperation, document: parse(query) })).toBe(true);
  });

  it.each([
    ['a mutation', OperationTypeNode.MUTATION, 'mutation { likeEpisode(id: "e1") { likeCount } }'],
    ['an _entities fetch planned for a mutation', OperationTypeNode.MUTATION, ENTITIES],
    ['a mutation fetch, whatever the client sent', OperationTypeNode.QUERY, 'mutation { likeEpisode(id: "e1") { likeCount } }'],
    ['a fetch serving no client operation (schema loading)', undefined, '{ _service { sdl } }'],
    ['an unparsable document', OperationTypeNode.QUERY, '{ nope'],
  ])('never retries %s', (_name, incomingOperation, query) => {
    expect(isRetryable({ incomingOperation, query })).toBe(false);
  });
});
