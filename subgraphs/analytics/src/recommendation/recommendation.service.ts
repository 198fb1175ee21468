import type { Viewer } from '@wavegraph/auth';
import { requireUuid, unauthenticated } from '@wavegraph/kit';
import type { CatalogFacts } from '../report/catalog.facts';
import type { AnalyticsStore, SharedListeners } from '../store/analytics.store';

/** Candidates asked of the store per result wanted: some of them are not published. */
const OVERFETCH = 3;

/**
 * Recommendations from the same store as the figures: who listened to what (plays only, one
 * row per listener and episode). Published episodes only: what the store suggests is checked
 * against catalog's status as analytics last heard it.
 */
export class RecommendationService {
  constructor(
    private readonly store: AnalyticsStore,
    private readonly catalog: CatalogFacts,
  ) {}

  private async publishedOnly(candidates: SharedListeners[], first: number): Promise<SharedListeners[]> {
    const published = new Set(await this.catalog.published(candidates.map((c) => c.episodeId)));
    return candidates.filter((c) => published.has(c.episodeId)).slice(0, first);
  }

  /** Episodes whose listeners also listened to `episodeId`, most shared listeners first. */
  async alsoLiked(episodeId: string, first: number): Promise<SharedListeners[]> {
    const id = requireUuid('id', episodeId);
    return this.publishedOnly(await this.store.alsoListened(id, first * OVERFETCH + 10), first);
  }

  /** For the viewer: what listeners who share episodes with them played, which they have not. */
  async forYou(viewer: Viewer | null, first: number): Promise<SharedListeners[]> {
    if (!viewer) throw unauthenticated();
    return this.publishedOnly(await this.store.forListener(viewer.id.toLowerCase(), first * OVERFETCH + 10), first);
  }
}
