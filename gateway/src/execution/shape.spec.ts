import { buildSchema, operationFromDocument } from '@apollo/federation-internals';
import { computeResponse } from '@apollo/gateway/dist/resultShaping';
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { compileShaper } from './shape';

// Our compiled shaping must answer exactly what @apollo/gateway's computeResponse answers, data
// and errors, for the same operation, variables and fetched data: each case runs through both.

const schema = buildSchema(`
  type Query { show(id: ID!): Show  shows: [Show!]!  feed: [Item]  me: User  count: Int  strict: Show! }
  interface Node { id: ID! }
  union Item = Episode | Show
  type Show implements Node { id: ID! title: String! episodes: [Episode!] owner: User rating: Float category: Category }
  type Episode implements Node { id: ID! title: String number: Int! show: Show }
  type User implements Node { id: ID! handle: String! }
  enum Category { NEWS COMEDY }
`);
const graphqlSchema = schema.toGraphQLJSSchema();

function both(query: string, input: Record<string, unknown>, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const apollo = computeResponse({
    operation: operationFromDocument(schema, document, { validate: false }),
    variables,
    input: structuredClone(input),
    introspectionHandling: () => null,
  });
  const ours = compileShaper(graphqlSchema, operation, fragments)(structuredClone(input), variables);
  const plain = (result: { data: unknown; errors: readonly { message: string; path?: readonly unknown[]; extensions?: unknown }[] }) => ({
    data: JSON.parse(JSON.stringify(result.data ?? null)),
    errors: result.errors.map((e) => ({ message: e.message, path: e.path, code: (e.extensions as { code?: unknown } | undefined)?.code })),
  });
  return { apollo: plain(apollo), ours: plain(ours) };
}

const cases: [string, string, Record<string, unknown>, Record<string, unknown>?][] = [
  ['aliases and __typename from the data', '{ s: show(id: 1) { t: title kind: __typename __typename id } }', { s: { t: 'A', __typename: 'Show', id: '1' } }],
  ['__typename of the root, and of an object without one in the data', '{ __typename me { __typename handle } }', { me: { handle: 'h' } }],
  ['a union with type conditions read from __typename', '{ feed { __typename ... on Episode { title number } ... on Show { title rating } } }', {
    feed: [{ __typename: 'Episode', title: 'E', number: 3 }, { __typename: 'Show', title: 'S', rating: 4.5 }, null],
  }],
  ['an interface fragment and named fragments', 'query { feed { ...N ... on Show { ...T } } } fragment N on Node { id } fragment T on Show { title }', {
    feed: [{ __typename: 'Episode', id: 'e' }, { __typename: 'Show', id: 's', title: 'S' }],
  }],
  ['what the data lacks is null', '{ show(id: 1) { title rating owner { handle } } count }', { show: { title: 'T' } }],
  ['a null for a non-null field nulls its parent, once', '{ show(id: 1) { id title owner { handle } } }', { show: { id: '1', title: null, owner: { handle: 'h' } } }],
  ['a null in a non-null list element nulls the list', '{ shows { id title } }', { shows: [{ id: '1', title: 'a' }, { id: '2', title: null }] }],
  ['a non-null root nulls all data', '{ strict { title } count }', { strict: null, count: 1 }],
  ['a non-null violation deep inside a nullable list', '{ show(id: 1) { episodes { number title } } }', { show: { episodes: [{ number: 1, title: 'a' }, { number: null, title: 'b' }] } }],
  ['leaves of the wrong type', '{ count show(id: 1) { id title rating category } }', { count: 1.5, show: { id: 2, title: 3, rating: 'x', category: 'SPORTS' } }],
  ['valid enums, floats given as integers and integer IDs', '{ show(id: 1) { id rating category } }', { show: { id: 7, rating: 4, category: 'NEWS' } }],
  ['an unknown __typename', '{ me { handle } }', { me: { __typename: 'Nope', handle: 'h' } }],
  ['@skip and @include from variables and literals', 'query($a: Boolean!, $b: Boolean = true) { show(id: 1) { id @skip(if: $a) title @include(if: $b) rating @include(if: false) } }', { show: { id: '1', title: 'T', rating: 1 } }, { a: true }],
  ['the same field selected twice merges', '{ show(id: 1) { owner { id } owner { handle } ... on Show { owner { id handle } } } }', { show: { owner: { id: 'u', handle: 'h' } } }],
  ['an empty input', '{ show(id: 1) { id } me { id } }', {}],
  ['aliases that Object.prototype also has stay data', '{ constructor: show(id: 1) { __proto__: title toString: id hasOwnProperty: __typename } }', {
    constructor: JSON.parse('{"__proto__": "T", "toString": "1", "hasOwnProperty": "Show"}'),
  }],
];

describe('compiled result shaping', () => {
  it.each(cases.map(([name, query, input, variables]) => ({ name, query, input, variables })))('$name: same data and errors as @apollo/gateway', ({ query, input, variables }) => {
    const { apollo, ours } = both(query, input, variables);
    expect(ours).toEqual(apollo);
  });

  it('really covers errors: the cases above produce some', () => {
    const withErrors = cases.filter(([, query, input, variables]) => both(query, input, variables).apollo.errors.length > 0);
    expect(withErrors.length).toBeGreaterThanOrEqual(5);
  });
});
