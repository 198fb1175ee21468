import type { Viewer } from '@wavegraph/auth';
import type { ShowCategory, ShowSubcategory } from '@wavegraph/events';
import { signedGraphQL, SubgraphError } from '../api/signed-graphql';
import type { FeedEpisodeType, FeedPerson, FeedShowType } from '../feed/feed.types';

/**
 * Every call ingest makes to catalog, in one place: catalog's own GraphQL API at its subgraph
 * URL, signed like the gateway signs (the worker holds the gateway secret), acting for the
 * feed's owner, so catalog applies its usual validation, ownership rules and events. Ingest
 * never reads or writes catalog's database.
 */
export interface CatalogClientOptions {
  url: string;
  secret: string;
  /** How long catalog may take before the request must not run any more (the envelope's deadline). */
  timeoutMs?: number;
}

/** What catalog answered when it refused a call or could not be reached. */
export const CatalogError = SubgraphError;
export type CatalogError = SubgraphError;

export interface ShowInput {
  title: string;
  description: string;
  category: ShowCategory;
  /** Sent with the category on every update, so a feed that drops its subcategory clears it. */
  subcategory: ShowSubcategory | null;
  language: string;
  artworkUrl: string | null;
  explicit: boolean;
  author: string | null;
  showType: FeedShowType;
  people: FeedPerson[];
}

export interface EpisodeInput {
  title: string;
  description: string;
  seasonNumber: number | null;
  episodeNumber: number | null;
  explicit: boolean | null;
  episodeType: FeedEpisodeType;
  people: FeedPerson[];
}

/** One feed item for importEpisodes: created PUBLISHED with the feed's date. */
export interface ImportRow extends EpisodeInput {
  guid: string;
  publishedAt: Date | null;
}

export interface ImportedRow {
  episodeId: string;
  /** false: catalog had an episode with this guid already (returned as it is). */
  created: boolean;
  published: boolean;
}

/** Catalog's limit per importEpisodes call. */
export const IMPORT_CHUNK = 100;
/** A batch is a hundred episodes' work in one transaction: it gets at least this long. */
const IMPORT_TIMEOUT_MS = 30_000;

export class CatalogClient {
  constructor(private readonly options: CatalogClientOptions) {}

  private call<T>(viewer: Viewer, query: string, variables: Record<string, unknown>, timeoutMs = this.options.timeoutMs): Promise<T> {
    return signedGraphQL<T>(this.options.url, this.options.secret, viewer, query, variables, timeoutMs);
  }

  async createShow(viewer: Viewer, slug: string, show: ShowInput): Promise<string> {
    const data = await this.call<{ createShow: { id: string } }>(
      viewer,
      'mutation IngestCreateShow($input: CreateShowInput!) { createShow(input: $input) { id } }',
      { input: { slug, ...show } },
    );
    return data.createShow.id;
  }

  async updateShow(viewer: Viewer, id: string, show: ShowInput): Promise<void> {
    await this.call(viewer, 'mutation IngestUpdateShow($id: ID!, $input: UpdateShowInput!) { updateShow(id: $id, input: $input) { id } }', { id, input: show });
  }

  /**
   * Up to IMPORT_CHUNK new items in one call (one transaction in catalog), returned in input order;
   * a refused row fails the call with its index (CatalogError.row). Each episode keeps the feed's
   * guid, so podcast apps that follow the show here know its episodes.
   */
  async importEpisodes(viewer: Viewer, showId: string, rows: readonly ImportRow[]): Promise<ImportedRow[]> {
    const data = await this.call<{ importEpisodes: Array<{ created: boolean; episode: { id: string; status: string } }> }>(
      viewer,
      'mutation IngestImportEpisodes($showId: ID!, $episodes: [ImportEpisodeInput!]!) { importEpisodes(showId: $showId, episodes: $episodes) { created episode { id status } } }',
      { showId, episodes: rows.map(({ publishedAt, ...row }) => ({ ...row, published: true, publishedAt: publishedAt?.toISOString() ?? null })) },
      Math.max(this.options.timeoutMs ?? 0, IMPORT_TIMEOUT_MS),
    );
    return data.importEpisodes.map(({ created, episode }) => ({ episodeId: episode.id, created, published: episode.status === 'PUBLISHED' }));
  }

  async updateEpisode(viewer: Viewer, id: string, episode: EpisodeInput): Promise<void> {
    await this.call(viewer, 'mutation IngestUpdateEpisode($id: ID!, $input: UpdateEpisodeInput!) { updateEpisode(id: $id, input: $input) { id } }', { id, input: episode });
  }

  /** DRAFT → PUBLISHED; catalog does not require media for it. */
  async publishEpisode(viewer: Viewer, id: string): Promise<void> {
    await this.call(viewer, 'mutation IngestPublishEpisode($id: ID!) { publishEpisode(id: $id) { id } }', { id });
  }
}
