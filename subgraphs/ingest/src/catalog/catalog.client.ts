import { randomUUID } from 'node:crypto';
import { signEnvelope, type Viewer } from '@wavegraph/auth';
import type { ShowCategory } from '@wavegraph/events';

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

export class CatalogError extends Error {
  constructor(message: string, readonly code: string, readonly field?: string) {
    super(message);
    this.name = 'CatalogError';
  }

  /** Catalog or the network failing, as opposed to catalog refusing what was sent. */
  get transient(): boolean {
    return this.code === 'NETWORK' || this.code === 'SERVICE_UNAVAILABLE' || this.code === 'INTERNAL_SERVER_ERROR' || this.code === 'DEADLINE_EXCEEDED';
  }
}

export interface ShowInput {
  title: string;
  description: string;
  category: ShowCategory;
  language: string;
  artworkUrl: string | null;
}

export interface EpisodeInput {
  title: string;
  description: string;
  seasonNumber: number | null;
  episodeNumber: number | null;
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
}

export class CatalogClient {
  constructor(private readonly options: CatalogClientOptions) {}

  private async call<T>(viewer: Viewer, query: string, variables: Record<string, unknown>): Promise<T> {
    const body = JSON.stringify({ query, variables });
    const now = Date.now();
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const headers = signEnvelope(this.options.secret, { viewer, requestId: randomUUID(), timestamp: now, body, deadline: now + timeoutMs });
    let answer: GraphQLAnswer<T>;
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      answer = (await response.json()) as GraphQLAnswer<T>;
    } catch (error) {
      throw new CatalogError(`catalog could not be reached: ${(error as Error).message}`, 'NETWORK');
    }
    const first = answer.errors?.[0];
    if (first || !answer.data) throw new CatalogError(first?.message ?? 'catalog answered nothing', first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first?.extensions?.field);
    return answer.data;
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

  async createEpisode(viewer: Viewer, showId: string, episode: EpisodeInput): Promise<string> {
    const data = await this.call<{ createEpisode: { id: string } }>(
      viewer,
      'mutation IngestCreateEpisode($input: CreateEpisodeInput!) { createEpisode(input: $input) { id } }',
      { input: { showId, ...episode } },
    );
    return data.createEpisode.id;
  }

  async updateEpisode(viewer: Viewer, id: string, episode: EpisodeInput): Promise<void> {
    await this.call(viewer, 'mutation IngestUpdateEpisode($id: ID!, $input: UpdateEpisodeInput!) { updateEpisode(id: $id, input: $input) { id } }', { id, input: episode });
  }

  /** DRAFT → PUBLISHED; catalog does not require media for it. */
  async publishEpisode(viewer: Viewer, id: string): Promise<void> {
    await this.call(viewer, 'mutation IngestPublishEpisode($id: ID!) { publishEpisode(id: $id) { id } }', { id });
  }
}
