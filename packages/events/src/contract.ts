import { z } from 'zod';

/** The contexts that publish events; each has one stream. */
export const PRODUCERS = ['identity', 'catalog', 'engagement', 'media', 'ingest', 'billing'] as const;
export type Producer = (typeof PRODUCERS)[number];

/**
 * One versioned event type. A change that breaks consumers gets a new contract with the
 * same name and the next version; the old one stays registered so old events stay readable.
 */
export interface EventContract<P> {
  producer: Producer;
  /** Past tense: `EpisodePublished`. */
  name: string;
  version: number;
  /** `catalog.EpisodePublished` */
  type: string;
  payload: z.ZodType<P>;
}

export type PayloadOf<C> = C extends EventContract<infer P> ? P : never;

export function defineEvent<S extends z.ZodType>(producer: Producer, name: string, version: number, payload: S): EventContract<z.output<S>> {
  if (!/^[A-Z][A-Za-z]+$/.test(name)) throw new Error(`event names are PascalCase facts: ${name}`);
  return { producer, name, version, type: `${producer}.${name}`, payload: payload as unknown as z.ZodType<z.output<S>> };
}

export const id = () => z.uuid();
export const timestamp = () => z.iso.datetime({ offset: true });
