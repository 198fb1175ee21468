import {
  ChaptersPublished, EpisodeArchived, EpisodeCreated, EpisodePublished, EpisodeUnpublished, EpisodeUpdated, MediaReady, on, RenditionsReplaced, ShowCreated,
  ShowUpdated,
  TranscriptPublished, type EventEnvelope, type EventHandler,
} from '@wavegraph/events';
import type { EntityManager } from 'typeorm';

/** The consumer group of catalog's feeds: media facts for the items, and every change that alters a feed. */
export const FEEDS_GROUP = 'catalog-feeds';
export const FEEDS_PRODUCERS = ['catalog', 'media'] as const;

/**
 * The feeds each applied event changed, noted by its handler inside the consumer's transaction
 * (on the consumer's own connections, so requests never wait on, or count, these lookups) and
 * taken once the batch committed: only then may the cache forget them, or a render between the
 * two could store what is about to change. A rolled-back event is noted again when retried.
 */
export class TouchedFeeds {
  private readonly slugs = new Map<string, string[]>();

  note(eventId: string, slugs: readonly string[]): void {
    if (slugs.length) this.slugs.set(eventId, [...slugs]);
  }

  take(events: readonly EventEnvelope[]): string[] {
    const found = new Set<string>();
    for (const { id } of events) {
      for (const slug of this.slugs.get(id) ?? []) found.add(slug);
      this.slugs.delete(id);
    }
    return [...found];
  }
}

async function slugOfShow(tx: EntityManager, showId: string): Promise<string[]> {
  const rows = (await tx.query('SELECT slug FROM shows WHERE id = $1', [showId])) as { slug: string }[];
  return rows.map((row) => row.slug);
}

async function slugOfEpisode(tx: EntityManager, episodeId: string): Promise<string[]> {
  const rows = (await tx.query('SELECT s.slug FROM episodes e JOIN shows s ON s.id = e.show_id WHERE e.id = $1', [episodeId])) as { slug: string }[];
  return rows.map((row) => row.slug);
}

/**
 * What catalog knows of an episode's media (feed_media), from media's events alone: the newest
 * READY media (by when it became ready, since assets' events arrive in any order), whether it has
 * a transcript and chapters (the highest revision seen wins, so redelivery cannot bring back an
 * older state). Catalog's own events change nothing here: they are consumed so that the feeds
 * they alter are invalidated after the commit, the scheduled publishing of the worker included.
 */
export function feedHandlers(touched: TouchedFeeds): EventHandler[] {
  const noteEpisode = async (eventId: string, episodeId: string, tx: EntityManager) => touched.note(eventId, await slugOfEpisode(tx, episodeId));
  return [
    on(MediaReady, async (event, tx) => {
      const { episodeId, assetId, durationSeconds, renditions } = event.payload;
      await tx.query(
        `INSERT INTO feed_media (episode_id, asset_id, ready_at, duration_seconds, renditions) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (episode_id) DO UPDATE
           SET asset_id = EXCLUDED.asset_id, ready_at = EXCLUDED.ready_at, duration_seconds = EXCLUDED.duration_seconds,
               renditions = EXCLUDED.renditions, updated_at = now()
           WHERE feed_media.ready_at IS NULL OR feed_media.ready_at <= EXCLUDED.ready_at`,
        [episodeId, assetId, event.occurredAt, durationSeconds, JSON.stringify(renditions ?? [])],
      );
      await noteEpisode(event.id, episodeId, tx);
    }),
    // chapter marks embedded into a READY asset's files: same files, new lengths (only for the asset the feed points at)
    on(RenditionsReplaced, async (event, tx) => {
      const { episodeId, assetId, renditions } = event.payload;
      await tx.query('UPDATE feed_media SET renditions = $3::jsonb, updated_at = now() WHERE episode_id = $1 AND asset_id = $2', [episodeId, assetId, JSON.stringify(renditions)]);
      await noteEpisode(event.id, episodeId, tx);
    }),
    on(TranscriptPublished, async (event, tx) => {
      const { episodeId, revision, language, segments } = event.payload;
      await tx.query(
        `INSERT INTO feed_media (episode_id, transcript_revision, transcript_language) VALUES ($1, $2, $3)
         ON CONFLICT (episode_id) DO UPDATE
           SET transcript_revision = EXCLUDED.transcript_revision, transcript_language = EXCLUDED.transcript_language, updated_at = now()
           WHERE feed_media.transcript_revision < EXCLUDED.transcript_revision`,
        [episodeId, revision, segments.length ? language : null],
      );
      await noteEpisode(event.id, episodeId, tx);
    }),
    on(ChaptersPublished, async (event, tx) => {
      const { episodeId, revision, count } = event.payload;
      await tx.query(
        `INSERT INTO feed_media (episode_id, chapters_revision, chapters_count) VALUES ($1, $2, $3)
         ON CONFLICT (episode_id) DO UPDATE
           SET chapters_revision = EXCLUDED.chapters_revision, chapters_count = EXCLUDED.chapters_count, updated_at = now()
           WHERE feed_media.chapters_revision < EXCLUDED.chapters_revision`,
        [episodeId, revision, count],
      );
      await noteEpisode(event.id, episodeId, tx);
    }),
    // a show event names its slug; an episode event its show
    ...[ShowCreated, ShowUpdated].map((contract) => on(contract, async (event) => touched.note(event.id, [event.payload.slug]))),
    ...[EpisodeCreated, EpisodeUpdated, EpisodePublished, EpisodeUnpublished, EpisodeArchived].map((contract) =>
      on(contract, async (event, tx) => touched.note(event.id, await slugOfShow(tx, event.payload.showId))),
    ),
  ];
}
