import { randomUUID } from 'node:crypto';
import { ChaptersPublished, MediaReady, TranscriptPublished } from '@wavegraph/events';
import { CatalogFeed } from '@wavegraph/testkit';
import type { FeedConfig } from '../feed/feed.config';
import type { CatalogHarness } from './harness';

export const FEED_CONFIG: FeedConfig = { publicUrl: 'https://pods.example.com', mediaUrl: 'https://media.example.com', cacheTtlSeconds: 3600 };

/** Plays media for catalog's feed specs: its events on the harness's media stream, applied before it returns. */
export class MediaEvents {
  private readonly stream: CatalogFeed;

  constructor(h: CatalogHarness) {
    this.stream = new CatalogFeed(h);
  }

  async ready(episodeId: string, ownerId: string, seed: { durationSeconds?: number; occurredAt?: string } = {}): Promise<string> {
    const assetId = randomUUID();
    await this.stream.emit(MediaReady, assetId, {
      assetId, episodeId, ownerId, durationSeconds: seed.durationSeconds ?? 1834.4, hasVideo: false, integratedLufs: -16, truePeakDbtp: -1.5,
      renditions: [
        { name: 'aac-128', mimeType: 'audio/mp4', sizeBytes: 29_350_000 },
        { name: 'aac-64', mimeType: 'audio/mp4', sizeBytes: 14_700_000 },
      ],
    }, seed.occurredAt ? { occurredAt: seed.occurredAt } : {});
    return assetId;
  }

  async transcript(episodeId: string, ownerId: string, revision: number, language = 'en-US', text = 'Hello and welcome'): Promise<void> {
    await this.stream.emit(TranscriptPublished, episodeId, {
      episodeId, ownerId, revision, language, engine: 'upload', segments: text ? [{ startSeconds: 0, endSeconds: 2, text }] : [],
    });
  }

  async chapters(episodeId: string, ownerId: string, revision: number, count: number): Promise<void> {
    await this.stream.emit(ChaptersPublished, episodeId, { episodeId, ownerId, revision, count });
  }

  close(): void {
    this.stream.close();
  }
}

/** The feed of a slug straight from the subgraph (the gateway passes /feeds through unchanged). */
export async function fetchFeed(h: CatalogHarness, slug: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  return fetch(`${h.running.url.replace(/\/graphql$/, '')}/feeds/${slug}.xml`, { headers, method });
}
