import { z } from 'zod';
import { defineEvent, id } from '../contract';

/** Aggregate: the asset. The file arrived whole and matched its declared size (and hash, when given). */
export const UploadCompleted = defineEvent(
  'media',
  'UploadCompleted',
  1,
  z.object({ uploadId: id(), assetId: id(), episodeId: id(), ownerId: id(), sizeBytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/), mimeType: z.string() }),
);

/** Aggregate: the asset. Every rendition exists; the episode's duration is now known. */
export const MediaReady = defineEvent(
  'media',
  'MediaReady',
  1,
  z.object({
    assetId: id(),
    episodeId: id(),
    ownerId: id(),
    durationSeconds: z.number().nonnegative(),
    hasVideo: z.boolean(),
    integratedLufs: z.number(),
    truePeakDbtp: z.number(),
  }),
);

/** Aggregate: the asset. Processing gave up; `step` and `reason` say where and why. */
export const MediaFailed = defineEvent(
  'media',
  'MediaFailed',
  1,
  z.object({ assetId: id(), episodeId: id(), ownerId: id(), step: z.string(), reason: z.string() }),
);
