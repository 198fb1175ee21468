import type { Producer } from './contract';

/** Redis key names of the event backbone, all under the deployment's prefix. */
export const streamOf = (prefix: string, producer: Producer | string): string => `${prefix}:events:${producer}`;
/** Messages that failed too often or could not be read, per consuming context. */
export const deadLetterStreamOf = (prefix: string, group: string): string => `${prefix}:events:dead:${group}`;
/** Dead letters an operator replays go here, read only by the group they came from. */
export const retryStreamOf = (prefix: string, group: string): string => `${prefix}:events:retry:${group}`;
