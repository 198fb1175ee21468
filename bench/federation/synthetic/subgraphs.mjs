// Shape (b)'s four small in-memory subgraphs (users, products, reviews, inventory): SDL and
// resolvers over generated data, shared by the composition (compose.mjs) and the servers (serve.mjs).
import { GraphQLError, parse } from 'graphql';

const gql = (strings, ...values) => parse(String.raw({ raw: strings }, ...values));

const PRODUCTS = 60;
const USERS = 60;
const REVIEWS_PER_PRODUCT = 3;

const products = Array.from({ length: PRODUCTS }, (_, i) => ({ upc: `p${i}`, name: `Product ${i}`, price: 10 + ((i * 7) % 90), weight: 1 + (i % 7) }));
const users = Array.from({ length: USERS }, (_, i) => ({ id: `u${i}`, name: `User ${i}`, username: `user${i}` }));
const reviews = products.flatMap((product, p) =>
  Array.from({ length: REVIEWS_PER_PRODUCT }, (_, k) => {
    const n = p * REVIEWS_PER_PRODUCT + k;
    return { id: `r${n}`, body: `Review ${n} of ${product.name}`, authorId: `u${n % USERS}`, upc: product.upc };
  }),
);
const byUpc = new Map(products.map((p) => [p.upc, p]));
const byUser = new Map(users.map((u) => [u.id, u]));
const groupBy = (items, key) => {
  const groups = new Map();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};
const reviewsOfProduct = groupBy(reviews, (r) => r.upc);
const reviewsOfUser = groupBy(reviews, (r) => r.authorId);
const index = (upc) => Number(upc.slice(1));

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires", "@listSize"])';

export const SUBGRAPHS = [
  {
    name: 'users',
    typeDefs: gql`
      ${LINK}
      type Query { user(id: ID!): User }
      type User @key(fields: "id") { id: ID! name: String! username: String! }
    `,
    resolvers: {
      Query: { user: (_, { id }) => byUser.get(id) ?? null },
      User: { __resolveReference: ({ id }) => byUser.get(id) ?? null },
    },
  },
  {
    name: 'products',
    typeDefs: gql`
      ${LINK}
      type Query { topProducts(first: Int = 5): [Product!]! @listSize(slicingArguments: ["first"]) }
      type Product @key(fields: "upc") { upc: String! name: String! price: Int! weight: Int! }
    `,
    resolvers: {
      Query: { topProducts: (_, { first }) => products.slice(0, first) },
      Product: { __resolveReference: ({ upc }) => byUpc.get(upc) ?? null },
    },
  },
  {
    name: 'reviews',
    typeDefs: gql`
      ${LINK}
      type Review @key(fields: "id") { id: ID! body: String! author: User! product: Product! }
      type User @key(fields: "id") { id: ID! reviews: [Review!]! @listSize(assumedSize: 4) }
      type Product @key(fields: "upc") { upc: String! reviews: [Review!]! @listSize(assumedSize: ${REVIEWS_PER_PRODUCT}) }
    `,
    resolvers: {
      Review: {
        author: (review) => ({ __typename: 'User', id: review.authorId }),
        product: (review) => ({ __typename: 'Product', upc: review.upc }),
      },
      User: { __resolveReference: ({ id }) => ({ id }), reviews: ({ id }) => reviewsOfUser.get(id) ?? [] },
      Product: { __resolveReference: ({ upc }) => ({ upc }), reviews: ({ upc }) => reviewsOfProduct.get(upc) ?? [] },
    },
  },
  {
    name: 'inventory',
    typeDefs: gql`
      ${LINK}
      type Product @key(fields: "upc") {
        upc: String!
        price: Int! @external
        weight: Int! @external
        inStock: Boolean!
        shippingEstimate: Float! @requires(fields: "price weight")
        """Fails for every third product: partial data with located errors, compared across gateways"""
        stockAlert: String
      }
    `,
    resolvers: {
      Product: {
        __resolveReference: (reference) => reference,
        inStock: ({ upc }) => index(upc) % 4 !== 0,
        shippingEstimate: ({ price, weight }) => (price > 50 ? 0 : weight * 0.5),
        stockAlert: ({ upc }) => {
          // a code Wavegraph's gateway shows clients as is (unknown codes it masks, by design)
          if (index(upc) % 3 === 0) throw new GraphQLError(`no stock record for ${upc}`, { extensions: { code: 'NOT_FOUND' } });
          return index(upc) % 4 === 0 ? 'out of stock' : null;
        },
      },
    },
  },
];
