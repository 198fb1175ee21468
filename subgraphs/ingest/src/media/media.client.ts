import type { Viewer } from '@wavegraph/auth';
import { signedGraphQL, SubgraphError } from '../api/signed-graphql';

/** Every call ingest makes to media's GraphQL API, acting for the feed's owner like catalog.client.ts. */
export interface UploadTicket {
  uploadUrl: string;
  token: string;
  chunkSize: number;
  assetId: string;
}

export const MediaError = SubgraphError;
export type MediaError = SubgraphError;

/** A chapter as media's setEpisodeChapters takes it (ChapterInput). */
export interface ChapterInput {
  startSeconds: number;
  title: string;
  url: string | null;
  imageUrl: string | null;
}

export class MediaClient {
  constructor(private readonly options: { url: string; secret: string; timeoutMs?: number }) {}

  private call<T>(viewer: Viewer, query: string, variables: Record<string, unknown>): Promise<T> {
    return signedGraphQL<T>(this.options.url, this.options.secret, viewer, query, variables, this.options.timeoutMs);
  }

  /** Needs the episode's media READY: CONFLICT until then. */
  async replaceTranscript(viewer: Viewer, episodeId: string, format: 'VTT' | 'SRT', content: string, language: string | null): Promise<void> {
    await this.call(
      viewer,
      'mutation IngestReplaceTranscript($episodeId: ID!, $format: TranscriptFileFormat!, $content: String!, $language: String) { replaceTranscript(episodeId: $episodeId, format: $format, content: $content, language: $language) { status } }',
      { episodeId, format, content, language },
    );
  }

  /** Replaces the episode's chapters; BAD_USER_INPUT names the chapter at fault (extensions.chapter, 1-based). */
  async setEpisodeChapters(viewer: Viewer, episodeId: string, chapters: readonly ChapterInput[]): Promise<void> {
    await this.call(viewer, 'mutation IngestSetChapters($episodeId: ID!, $chapters: [ChapterInput!]!) { setEpisodeChapters(episodeId: $episodeId, chapters: $chapters) { id } }', { episodeId, chapters });
  }

  /** A tus upload for the episode; media must know the episode already (from catalog's events): NOT_FOUND until then. */
  async createUpload(viewer: Viewer, input: { episodeId: string; filename: string; sizeBytes: number; mimeType: string; sha256: string }): Promise<UploadTicket> {
    const data = await signedGraphQL<{ createUpload: { uploadUrl: string; token: string; chunkSize: number; upload: { asset: { id: string } } } }>(
      this.options.url,
      this.options.secret,
      viewer,
      'mutation IngestCreateUpload($input: CreateUploadInput!) { createUpload(input: $input) { uploadUrl token chunkSize upload { asset { id } } } }',
      { input },
      this.options.timeoutMs,
    );
    const { uploadUrl, token, chunkSize, upload } = data.createUpload;
    return { uploadUrl, token, chunkSize, assetId: upload.asset.id };
  }
}
