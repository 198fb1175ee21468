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

export class MediaClient {
  constructor(private readonly options: { url: string; secret: string; timeoutMs?: number }) {}

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
