import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { INHERIT_CACHE } from './cache-hints';
import { badInput } from './errors';
import { REFERENCE } from './reference';
import { isUuid } from './validate';

// connections, edges and page information add no cache policy of their own: a page is cached as
// long as its nodes' type allows (an unhinted node type: not at all)
@ObjectType({ description: 'Relay page information' })
@Directive('@shareable')
@Directive(INHERIT_CACHE)
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field()
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount?: number;
}

export interface ConnectionOptions {
  /** The nodes are references to an entity another subgraph completes: `node` is nullable (see REFERENCE). */
  referenceNodes?: boolean;
}

/** Builds the `<Name>Edge` and `<Name>Connection` object types for a node type. */
export function connectionOf<T extends object>(node: ClassType<T>, name: string, options: ConnectionOptions = {}): ClassType<Page<T>> {
  @ObjectType(`${name}Edge`)
  @Directive(INHERIT_CACHE)
  class EdgeType {
    @Field()
    cursor: string;

    @Field(() => node, options.referenceNodes ? REFERENCE : {})
    node: T;
  }

  @ObjectType(`${name}Connection`)
  @Directive(INHERIT_CACHE)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }
  return ConnectionType;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/**
 * `@listSize` of a field returning a list sliced by `first`: the gateway prices it as `first`
 * items (its default when omitted), and as MAX_PAGE_SIZE when `first` is null, the most
 * pageSize lets through. Put it on the field with `@Directive(PAGED_LIST)`.
 */
export const PAGED_LIST = `@listSize(assumedSize: ${MAX_PAGE_SIZE}, slicingArguments: ["first"], requireOneSlicingArgument: false)`;

/** The same for a connection: `first` sizes its `edges`. */
export const PAGED_CONNECTION = `@listSize(assumedSize: ${MAX_PAGE_SIZE}, slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)`;

/** `@listSize` of a list that is not paginated but small by nature (an asset's steps, renditions). */
export const smallList = (atMost: number): string => `@listSize(assumedSize: ${atMost})`;

/** Validates `first`; pages are bounded so no query can ask for the whole table. */
export function pageSize(first: number | null | undefined, fallback = DEFAULT_PAGE_SIZE): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return first;
}

/** Cursors are opaque to clients: base64url of the sort key values of the row. */
export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string')) {
      return values as string[];
    }
  } catch {
    // fall through to the error below
  }
  throw badInput('after is not a valid cursor', 'after');
}

/** Turns `first + 1` fetched rows into a page: the extra row only tells there is a next page. */
export function toPage<T>(rows: readonly T[], first: number, cursorOf: (row: T) => string, hasPreviousPage: boolean): Page<T> {
  const visible = rows.slice(0, first);
  const edges = visible.map((row) => ({ cursor: cursorOf(row), node: row }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Keyset position of a row in a list sorted by (timestamp, id); the direction is the query's. */
export interface TimeCursor {
  at: Date;
  id: string;
}

export const encodeTimeCursor = (at: Date, id: string): string => encodeCursor([at.toISOString(), id]);

/** Reads `after`; anything that is not a cursor we issued is BAD_USER_INPUT. */
export function readTimeCursor(after: string | null | undefined): TimeCursor | null {
  if (after === null || after === undefined) return null;
  const [at, id] = decodeCursor(after, 2);
  const date = new Date(at);
  if (Number.isNaN(date.getTime()) || !isUuid(id)) throw badInput('after is not a valid cursor', 'after');
  return { at: date, id: id.toLowerCase() };
}

/** Relay forward pagination arguments; `first` is checked by pageSize (1..100, default 20). */
@ArgsType()
export class PageArgs {
  // the default is in the schema so that clients, and the gateway's cost of an operation, see it
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE, description: `1..${MAX_PAGE_SIZE}` })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}
