import type { Producer } from './contract';

/** Redis key names of the event backbone, all under the deployment's prefix. */
export const streamOf = (prefix: string, producer: Producer | string): string => `${prefix}:events:${producer}`;
/** Messages that failed too often or could not be read, per consuming context. */
export const deadLetterStreamOf = (prefix: string, group: string): string => `${prefix}:events:dead:${group}`;
/** Dead letters an operator replays go here, read only by the group they came from. */
export const retryStreamOf = (prefix: string, group: string): string => `${prefix}:events:retry:${group}`;
/** Where a producer advertises the address of its durable log (see log.ts). */
export const logRegistryKey = (prefix: string, producer: Producer | string): string => `${prefix}:events:log:${producer}`;
/** Operator requests to re-read producers' logs, per consuming context (see `wavegraph-events recover`). */
export const recoverRequestKey = (prefix: string, group: string): string => `${prefix}:events:recover:${group}`;
