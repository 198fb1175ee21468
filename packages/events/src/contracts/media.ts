import { z } from 'zod';
import { defineEvent, id } from '../contract';

/** Aggregate: the asset. The file arrived whole and matched its declared size (and hash, when given). */
export const UploadCompleted = defineEvent(
  'media',
  'UploadCompleted',
  1,
  z.object({ uploadId: id(), assetId: id(), episodeId: id(), ownerId: id(), sizeBytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/), mimeType: z.string() }),
);

/** The downloadable files of an asset as readers outside media see them. */
const RenditionFacts = z.array(z.object({ name: z.string().min(1).max(40), mimeType: z.string().min(1).max(100), sizeBytes: z.number().int().nonnegative() })).max(20);

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
    /** The downloadable files (what a feed's enclosure needs); absent in events recorded before it was added. */
    renditions: RenditionFacts.optional(),
  }),
);

/**
 * Aggregate: the asset. A READY asset's renditions were rewritten (chapter marks embedded), so
 * their sizes changed; readers that keep them (a feed's enclosure length) take these.
 */
export const RenditionsReplaced = defineEvent(
  'media',
  'RenditionsReplaced',
  1,
  z.object({ assetId: id(), episodeId: id(), ownerId: id(), renditions: RenditionFacts }),
);

/** Aggregate: the asset. Processing gave up; `step` and `reason` say where and why. */
export const MediaFailed = defineEvent(
  'media',
  'MediaFailed',
  1,
  z.object({ assetId: id(), episodeId: id(), ownerId: id(), step: z.string(), reason: z.string() }),
);

/**
 * Aggregate: the episode (one transcript per episode). A transcript was produced, replaced
 * by an upload or edited: the whole text with its timings, so readers (discovery's index)
 * never need media's database. `revision` grows with every change; a reader keeps the
 * highest it saw, so redelivered or reordered events cannot bring back an older text. No
 * segments means the episode has no transcript any more.
 */
export const TranscriptPublished = defineEvent(
  'media',
  'TranscriptPublished',
  1,
  z.object({
    episodeId: id(),
    ownerId: id(),
    revision: z.number().int().positive(),
    /** BCP 47, e.g. en-US */
    language: z.string().min(2).max(35),
    /** Which engine produced it: pocketsphinx, script (text-to-speech), upload, edited… */
    engine: z.string().min(1).max(64),
    segments: z
      .array(
        z.object({
          startSeconds: z.number().nonnegative(),
          endSeconds: z.number().nonnegative(),
          text: z.string().max(10_000),
          /** When each word of the segment starts, where the engine timed them: a reader can point at the word, not its segment. */
          words: z.array(z.object({ text: z.string().max(200), startSeconds: z.number().nonnegative() })).max(2_000).optional(),
        }),
      )
      .max(20_000),
  }),
);

/**
 * Aggregate: the episode. Its chapters were set or replaced; `count` 0 means it has none any more.
 * `revision` grows with every replacement; a reader keeps the highest it saw.
 */
export const ChaptersPublished = defineEvent(
  'media',
  'ChaptersPublished',
  1,
  z.object({ episodeId: id(), ownerId: id(), revision: z.number().int().positive(), count: z.number().int().nonnegative() }),
);

/**
 * Aggregate: the episode. Media served a download of a rendition through the episode's stable
 * enclosure URL (answered with a redirect). `ipHash` is an HMAC of the client's IP address with
 * media's signing secret under its own purpose: requests from one address can be told apart from
 * another's, the address itself is stored nowhere. `rangeStart` is the first byte asked for when
 * the request carried a Range header.
 */
export const EnclosureRequested = defineEvent(
  'media',
  'EnclosureRequested',
  1,
  z.object({
    episodeId: id(),
    rendition: z.string().min(1).max(40),
    ipHash: z.string().regex(/^[0-9a-f]{64}$/),
    userAgent: z.string().max(512),
    rangeStart: z.number().int().nonnegative().optional(),
  }),
);

/** Aggregate: the recording session. A browser recording started for an episode; its asset waits for the chunks. */
export const RecordingSessionStarted = defineEvent(
  'media',
  'RecordingSessionStarted',
  1,
  z.object({ sessionId: id(), assetId: id(), episodeId: id(), ownerId: id(), mimeType: z.string().min(1).max(255) }),
);

/** Aggregate: the recording session. A new chunk (one not stored before) is durably stored. */
export const RecordingChunkStored = defineEvent(
  'media',
  'RecordingChunkStored',
  1,
  z.object({
    sessionId: id(),
    assetId: id(),
    sequence: z.number().int().nonnegative(),
    sizeBytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    chunksReceived: z.number().int().positive(),
    bytesReceived: z.number().int().nonnegative(),
  }),
);

/** Aggregate: the recording session. Its chunks were stitched into the asset's source; processing starts. */
export const RecordingSessionFinished = defineEvent(
  'media',
  'RecordingSessionFinished',
  1,
  z.object({
    sessionId: id(),
    assetId: id(),
    episodeId: id(),
    ownerId: id(),
    chunks: z.number().int().positive(),
    sizeBytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
);
