import type { EntityManager } from 'typeorm';
import { episodeUnavailable, showUnknown } from '../common/errors';
import { KnownEpisode, KnownShow, PUBLISHED } from '@wavegraph/events';

/**
 * Answers "may listeners engage with this?" from the catalog events we applied; engagement
 * never calls catalog. Rows are read FOR SHARE inside the caller's transaction, so an
 * unpublish being applied at the same moment waits for our write (or we wait for it).
 */
export class KnownCatalog {
  async requirePublishedEpisode(tx: EntityManager, episodeId: string, field = 'episodeId'): Promise<KnownEpisode> {
    const episode = await this.episode(tx, episodeId);
    if (!episode || episode.status !== PUBLISHED) throw episodeUnavailable(field);
    return episode;
  }

  /** Any status: taking something back (unlike) stays possible after an episode was unpublished. */
  async requireKnownEpisode(tx: EntityManager, episodeId: string): Promise<KnownEpisode> {
    const episode = await this.episode(tx, episodeId);
    if (!episode) throw episodeUnavailable();
    return episode;
  }

  async requireKnownShow(tx: EntityManager, showId: string): Promise<KnownShow> {
    const show = await tx.findOne(KnownShow, { where: { showId }, lock: { mode: 'pessimistic_read' } });
    if (!show) throw showUnknown();
    return show;
  }

  /** Whatever we know of the episode, any status (null when catalog never told us about it). */
  findEpisode(tx: EntityManager, episodeId: string): Promise<KnownEpisode | null> {
    return tx.findOneBy(KnownEpisode, { episodeId });
  }

  private episode(tx: EntityManager, episodeId: string): Promise<KnownEpisode | null> {
    return tx.findOne(KnownEpisode, { where: { episodeId }, lock: { mode: 'pessimistic_read' } });
  }
}
