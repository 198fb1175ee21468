import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { SubgraphPayload } from '../subgraph/exchange';

/** An entity as events name it: `Episode:<id>`. */
export type EntityTag = string;

export const entityTag = (typename: string, id: string): EntityTag => `${typename}:${id.toLowerCase()}`;

/**
 * The tag of a representation, or undefined when it has none the cache can purge by: every
 * Wavegraph entity is keyed by `id`, and events name entities by it. An entity keyed otherwise
 * is never cached (nothing could purge it).
 */
export function tagOfRepresentation(representation: unknown): EntityTag | undefined {
  if (representation === null || typeof representation !== 'object') return undefined;
  const { __typename, id } = representation as { __typename?: unknown; id?: unknown };
  if (typeof __typename !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) return undefined;
  return entityTag(__typename, String(id));
}

/** JSON with object keys sorted, so two equal representations always give the same text. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`)
    .join(',')}}`;
}

const digest = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 22);

// the operation texts of a supergraph's fetches are few and repeat every request: hashed once each
const selections = new LRUCache<string, string>({ max: 5_000 });

/**
 * What one entity's answer depends on besides the entity: the subgraph, the fetch's operation
 * text and name (its selection) and every variable it uses other than the representations.
 */
export function selectionOf(subgraph: string, payload: SubgraphPayload): string {
  const { representations: _representations, ...others } = payload.variables ?? {};
  const text = `${subgraph}\n${payload.operationName ?? ''}\n${Object.keys(others).length > 0 ? stableJson(others) : ''}\n${payload.query}`;
  let selection = selections.get(text);
  if (selection === undefined) selections.set(text, (selection = digest(text)));
  return selection;
}

/** The representation as key text: `Episode#<id>` for the common `{ __typename, id }` (no JSON can start so), else its stable JSON. */
function representationKey(representation: unknown): string {
  if (representation !== null && typeof representation === 'object') {
    const record = representation as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 2 && typeof record.__typename === 'string' && typeof record.id === 'string') return `${record.__typename}#${record.id}`;
  }
  return stableJson(representation);
}

/**
 * The cache key of one representation under one selection: the whole representation counts
 * (key fields and any `@requires` values sent with them), so two fetches share an entry only
 * when the subgraph was asked exactly the same thing. Not hashed: a page of entities derives
 * hundreds of keys per request, and hashing each cost more than the rest of a lookup.
 */
export const entryKeyOf = (selection: string, representation: unknown): string => `${selection}:${representationKey(representation)}`;
