import type { EventContract } from '../contract';
import * as billing from './billing';
import * as catalog from './catalog';
import * as engagement from './engagement';
import * as identity from './identity';
import * as ingest from './ingest';
import * as media from './media';

export * from './billing';
export * from './catalog';
export * from './engagement';
export * from './identity';
export * from './ingest';
export * from './media';

const isContract = (value: unknown): value is EventContract<unknown> =>
  typeof value === 'object' && value !== null && 'type' in value && 'version' in value && 'payload' in value;

/** Every contract, old versions included, by `type@version`. */
export const CONTRACTS: ReadonlyMap<string, EventContract<unknown>> = new Map(
  [identity, catalog, engagement, media, ingest, billing].flatMap((module) => Object.values(module).filter(isContract)).map((c) => [`${c.type}@${c.version}`, c]),
);
