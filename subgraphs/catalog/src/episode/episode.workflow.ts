import { type Viewer, canManage } from '@wavegraph/auth';
import { badInput, forbidden, notFound, requireUuid, unauthenticated } from '@wavegraph/kit';
import { EpisodeArchived, EpisodePublished, EpisodeUnpublished, EpisodeUpdated } from '@wavegraph/events';
import type { DataSource, EntityManager } from 'typeorm';
import { recordEpisodeEvent } from '../events/catalog.events';
import { Show } from '../show/show.entity';
import { Episode, EpisodeStatus } from './episode.entity';

const { DRAFT, SCHEDULED, PUBLISHED, ARCHIVED } = EpisodeStatus;

/** Puts a delayed "publish this episode at that time" job on the queue. */
export interface PublishScheduler {
  schedule(episodeId: string, publishAt: Date): Promise<void>;
}

/**
 * The publishing workflow: DRAFT → SCHEDULED → PUBLISHED, back to DRAFT, and ARCHIVED from anywhere.
 * Each change locks the row, so two concurrent changes (or a change and the worker) cannot interleave.
 */
export class EpisodeWorkflow {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scheduler: PublishScheduler,
  ) {}

  publish(viewer: Viewer | null, id: string): Promise<Episode> {
    return this.change(viewer, id, 'published', [DRAFT, SCHEDULED], (episode) => {
      markPublished(episode);
    });
  }

  schedule(viewer: Viewer | null, id: string, publishAt: Date): Promise<Episode> {
    if (!viewer) throw unauthenticated();
    if (Number.isNaN(publishAt.getTime()) || publishAt.getTime() <= Date.now()) {
      throw badInput('publishAt must be in the future', 'publishAt');
    }
    const at = new Date(publishAt.getTime());
    return this.change(viewer, id, 'scheduled', [DRAFT, SCHEDULED], async (episode) => {
      Object.assign(episode, { status: SCHEDULED, scheduledAt: at, publishedAt: null });
      // inside the transaction: if Redis refuses the job, the episode is not left SCHEDULED without one
      await this.scheduler.schedule(episode.id, at);
    });
  }

  unpublish(viewer: Viewer | null, id: string): Promise<Episode> {
    return this.change(viewer, id, 'unpublished', [PUBLISHED, SCHEDULED], (episode) => {
      Object.assign(episode, { status: DRAFT, publishedAt: null, scheduledAt: null });
    });
  }

  archive(viewer: Viewer | null, id: string): Promise<Episode> {
    return this.change(viewer, id, 'archived', [DRAFT, SCHEDULED, PUBLISHED, ARCHIVED], (episode) => {
      Object.assign(episode, { status: ARCHIVED, scheduledAt: null });
    });
  }

  private async change(
    viewer: Viewer | null,
    id: string,
    verb: string,
    from: EpisodeStatus[],
    apply: (episode: Episode) => void | Promise<void>,
  ): Promise<Episode> {
    if (!viewer) throw unauthenticated();
    const episodeId = requireUuid('id', id);
    return this.dataSource.transaction(async (manager: EntityManager) => {
      const episode = await manager.findOne(Episode, { where: { id: episodeId }, lock: { mode: 'pessimistic_write' } });
      if (!episode) throw notFound('Episode');
      const show = await manager.findOneBy(Show, { id: episode.showId });
      if (!show || !canManage(viewer, show.ownerId)) throw forbidden('Only the owner of the show or an editor can change its episodes');
      if (!from.includes(episode.status)) {
        throw badInput(`Episode is ${episode.status} and cannot be ${verb}; only ${from.join(' or ')} episodes can`, 'id');
      }
      const before = episode.status;
      await apply(episode);
      const saved = await manager.save(episode);
      // archiving what is already archived changes nothing anyone needs to hear about
      if (!(before === ARCHIVED && saved.status === ARCHIVED)) await recordEpisodeEvent(manager, eventOf(before, saved.status), saved, show.ownerId);
      return saved;
    });
  }
}

/** The change publishing makes to an episode (by hand, on schedule, or imported with the feed's date). */
export function markPublished(episode: Episode, at: Date = new Date()): Episode {
  return Object.assign(episode, { status: PUBLISHED, publishedAt: at, scheduledAt: null });
}

/** Which event a status change is, from the point of view of listeners. */
function eventOf(before: EpisodeStatus, after: EpisodeStatus) {
  if (after === PUBLISHED) return EpisodePublished;
  if (after === ARCHIVED) return EpisodeArchived;
  if (before === PUBLISHED) return EpisodeUnpublished;
  return EpisodeUpdated;
}

/**
 * What the publish job does, and what reconciliation does for a due episode whose job Redis
 * lost: publish only if the episode is still SCHEDULED for exactly this time. The row is locked,
 * so of two callers at once (a job and a reconciler, two replicas) one publishes and records the
 * event, the other then finds it PUBLISHED and does nothing. A job left behind by a reschedule,
 * unpublish or archive matches nothing and does nothing.
 */
export function publishIfStillScheduled(dataSource: DataSource, episodeId: string, scheduledAt: Date): Promise<boolean> {
  return dataSource.transaction(async (tx) => {
    const episode = await tx.findOne(Episode, { where: { id: episodeId, status: SCHEDULED, scheduledAt }, lock: { mode: 'pessimistic_write' } });
    if (!episode) return false;
    const show = await tx.findOneByOrFail(Show, { id: episode.showId });
    const saved = await tx.save(markPublished(episode));
    await recordEpisodeEvent(tx, EpisodePublished, saved, show.ownerId);
    return true;
  });
}
