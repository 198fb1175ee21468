import { z } from 'zod';
import { defineEvent, id } from '../contract';

/** Aggregate: the feed source. One import or poll of a feed ended; the counts are this run's. */
export const IngestCompleted = defineEvent(
  'ingest',
  'IngestCompleted',
  1,
  z.object({
    jobId: id(),
    sourceId: id(),
    ownerId: id(),
    showId: id(),
    feedUrl: z.string().url(),
    found: z.number().int().nonnegative(),
    created: z.number().int().nonnegative(),
    updated: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    /** Why items were skipped or failed, as creators read it (at most 100). */
    reasons: z.array(z.string()).max(100),
  }),
);

/** Aggregate: the feed source. The feed could not be imported at all (unreachable, refused, malformed). */
export const IngestFailed = defineEvent(
  'ingest',
  'IngestFailed',
  1,
  z.object({
    jobId: id(),
    sourceId: id(),
    ownerId: id(),
    feedUrl: z.string(),
    reason: z.string(),
    httpStatus: z.number().int().optional(),
  }),
);
