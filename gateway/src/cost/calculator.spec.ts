import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { isInputObjectType, parse } from 'graphql';
import { DEFAULT_SUPERGRAPH_PATH } from '../config';
import { MUTATION_WEIGHT, operationCost } from './calculator';
import { costModelOf, type CostModel } from './model';

// one subgraph importing the directives under other names: the model must follow the @link
const SUBGRAPH = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", { name: "@cost", as: "@weight" }, { name: "@listSize", as: "@size" }])
type Query {
  shows(first: Int = 20, last: Int): ShowConnection! @size(assumedSize: 100, slicingArguments: ["first", "last"], sizedFields: ["edges"], requireOneSlicingArgument: false)
  top(first: Int): [Show!]! @size(slicingArguments: ["first"], requireOneSlicingArgument: false)
  featured: [Show!]! @size(assumedSize: 3)
  tags: [String!]!
  search(text: String!): [Hit!]! @size(assumedSize: 5)
  heavy: Int! @weight(weight: 50)
}
type Mutation { like(id: ID!): Show!  rebuild: Boolean! @weight(weight: 500) }
type ShowConnection { edges: [ShowEdge!]! total: Int! }
type ShowEdge { node: Show! }
type Show @key(fields: "id") { id: ID! title: String! transcript: Transcript episodes(first: Int = 10): [Episode!]! @size(assumedSize: 100, slicingArguments: ["first"], requireOneSlicingArgument: false) }
type Episode { id: ID! title: String! }
type Transcript @weight(weight: 7) { text: String! }
union Hit = Show | Episode
`;

function model(): CostModel {
  const composed = composeServices([{ name: 'shows', url: 'http://shows', typeDefs: parse(SUBGRAPH) }]);
  if (composed.errors) throw composed.errors[0];
  return costModelOf(composed.supergraphSdl, 10);
}

const m = model();
const cost = (query: string, variables?: Record<string, unknown>, operationName?: string) => operationCost(m, parse(query), operationName, variables);

describe('operation cost (IBM cost spec, Federation @cost/@listSize)', () => {
  it('weighs objects 1 and scalars 0', () => {
    expect(cost('{ featured { id title } }')).toBe(3 * 1);
    expect(cost('{ heavy }')).toBe(50);
  });

  it('multiplies a sized field by its parent slicing argument, literal or variable', () => {
    // shows: 1 + edges: first × (edge 1 + node 1)
    expect(cost('{ shows(first: 5) { edges { node { id } } } }')).toBe(1 + 5 * 2);
    expect(cost('query($n: Int) { shows(first: $n) { edges { node { id } } } }', { n: 40 })).toBe(1 + 40 * 2);
    // the largest of several slicing arguments
    expect(cost('{ shows(first: 5, last: 30) { edges { node { id } } } }')).toBe(1 + 30 * 2);
  });

  it("uses the argument's default when the slicing argument is left out, and assumedSize when it is null", () => {
    expect(cost('{ shows { edges { node { id } } } }')).toBe(1 + 20 * 2);
    expect(cost('query($n: Int) { shows(first: $n) { edges { node { id } } } }', {})).toBe(1 + 20 * 2);
    expect(cost('{ shows(first: null) { edges { node { id } } } }')).toBe(1 + 100 * 2);
  });

  it('multiplies a list sliced by its own argument, else its assumedSize, else the default list size', () => {
    expect(cost('{ top(first: 7) { id } }')).toBe(7);
    expect(cost('{ top { id } }')).toBe(10);
    expect(cost('{ search(text: "a") { ... on Show { id } } }')).toBe(5);
    expect(cost('{ tags }')).toBe(0);
  });

  it('multiplies nested lists', () => {
    // 1 + 10 × (1 + 1 + 4 × 1)
    expect(cost('{ shows(first: 10) { edges { node { episodes(first: 4) { id } } } } }')).toBe(1 + 10 * (1 + 1 + 4));
    expect(cost('{ shows(first: 100) { edges { node { episodes(first: 100) { title } } } } }')).toBe(1 + 100 * (2 + 100));
  });

  it('counts a fragment each time it is spread, aliases included', () => {
    const fragment = 'fragment F on Query { a: top(first: 10) { id } b: top(first: 10) { id } }';
    expect(cost(`{ ...F } ${fragment}`)).toBe(20);
    expect(cost(`{ ...F x: featured { ...G } y: featured { ...G } } fragment G on Show { ...H } fragment H on Show { episodes(first: 2) { id } } ${fragment}`)).toBe(20 + 2 * 3 * (1 + 2));
    const spreads = Array.from({ length: 6 }, (_, i) => `s${i}: shows(first: 50) { edges { node { ...E } } }`).join(' ');
    expect(cost(`{ ${spreads} } fragment E on Show { a: episodes(first: 50) { id } b: episodes(first: 50) { id } }`)).toBe(6 * (1 + 50 * (2 + 100)));
  });

  it('counts inline fragments, typed by their condition', () => {
    expect(cost('{ search(text: "a") { ... on Show { transcript { text } } ... on Episode { id } } }')).toBe(5 * (1 + 7));
    expect(cost('{ featured { ... { transcript { text } } } }')).toBe(3 * (1 + 7));
  });

  it('applies @cost on a field and on its type', () => {
    expect(cost('{ featured { transcript { text } } }')).toBe(3 * (1 + 7));
  });

  it('weighs mutation root fields, with @cost overriding the base', () => {
    expect(cost('mutation { like(id: "1") { id } }')).toBe(MUTATION_WEIGHT);
    expect(cost('mutation { a: like(id: "1") { id } b: like(id: "2") { transcript { text } } }')).toBe(2 * MUTATION_WEIGHT + 7);
    expect(cost('mutation { rebuild }')).toBe(500);
  });

  it('honours @skip and @include, literal or variable', () => {
    expect(cost('{ heavy @skip(if: true) featured @include(if: false) { id } }')).toBe(0);
    expect(cost('query($on: Boolean!) { heavy @include(if: $on) }', { on: true })).toBe(50);
    expect(cost('query($on: Boolean!) { ... @skip(if: $on) { heavy } }', { on: true })).toBe(0);
  });

  it('prices the operation named, and introspection for free', () => {
    expect(cost('query A { heavy } query B { featured { id } }', undefined, 'B')).toBe(3);
    expect(cost('{ __typename __schema { types { name } } }')).toBe(0);
  });
});

describe('cost model of the served supergraph', () => {
  const served = costModelOf(readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'), 10);

  it('reads every paginated list with its maximum page size, as the subgraphs declared it', () => {
    expect(served.listSizes.get('Query.episodes')).toEqual({ assumedSize: 100, slicingArguments: ['first'], sizedFields: ['edges'], requireOneSlicingArgument: false });
    expect(served.listSizes.get('Query.trending')).toMatchObject({ assumedSize: 100, slicingArguments: ['first'], sizedFields: [] });
    expect(served.weights.get('Subscription.commentAdded')).toBe(10);
  });

  it('finds no list field left unsized', () => {
    const unsized: string[] = [];
    for (const type of Object.values(served.schema.getTypeMap())) {
      // input lists are what a caller sends, not selections the cost counts (@listSize is for output fields)
      if (type.name.startsWith('__') || !('getFields' in type) || isInputObjectType(type) || type.name.endsWith('Connection')) continue;
      for (const field of Object.values(type.getFields())) {
        if (String(field.type).startsWith('[') && !served.listSizes.has(`${type.name}.${field.name}`)) unsized.push(`${type.name}.${field.name}`);
      }
    }
    expect(unsized).toEqual([]);
  });
});

describe('operation cost of one parsed document used again', () => {
  it('is the same each time, per operation name, and follows a new model', () => {
    const document = parse('query A { featured { id } } query B { heavy }');
    expect(operationCost(m, document, 'A')).toBe(3);
    expect(operationCost(m, document, 'B')).toBe(50);
    expect(operationCost(m, document, 'A')).toBe(3);
    const heavier = costModelOf(
      composeServices([{ name: 'shows', url: 'http://shows', typeDefs: parse(SUBGRAPH.replace('featured: [Show!]! @size(assumedSize: 3)', 'featured: [Show!]! @size(assumedSize: 30)')) }]).supergraphSdl!,
      10,
    );
    expect(operationCost(heavier, document, 'A')).toBe(30);
  });

  it('with variables, is priced for the variables of each request', () => {
    const document = parse('query($n: Int) { top(first: $n) { id } }');
    expect(operationCost(m, document, undefined, { n: 2 })).toBe(2);
    expect(operationCost(m, document, undefined, { n: 7 })).toBe(7);
  });
});
