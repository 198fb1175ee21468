import { readdir } from 'node:fs/promises';
import type { Viewer } from '@wavegraph/auth';
import type { GraphQLResponse } from '@wavegraph/testkit';
import { tusRequest } from '@wavegraph/testkit';
import type { UploadQuotas } from '../media.config';
import { uploadsDir } from '../storage/storage.factory';
import { counts, CREATE_UPLOAD, type MediaHarness, type Ticket } from './harness';

/** Small caps, so specs reach them with a few bytes. */
export const TEST_QUOTAS: UploadQuotas = {
  FREE: { pendingUploads: 2, pendingBytes: 1000, storedBytes: 3000 },
  PREMIUM: { pendingUploads: 4, pendingBytes: 5000, storedBytes: 20000 },
};

export const MY_QUOTA = 'query { myUploadQuota { plan pendingUploads pendingBytes storedBytes largestUploadBytes limits { pendingUploads pendingBytes storedBytes } } }';

export interface QuotaView {
  plan: string;
  pendingUploads: number;
  pendingBytes: number;
  storedBytes: number;
  largestUploadBytes: number;
  limits: { pendingUploads: number | null; pendingBytes: number | null; storedBytes: number | null };
}

export async function myQuota(h: MediaHarness, as: Viewer): Promise<QuotaView> {
  const res = await h.call<{ myUploadQuota: QuotaView }>(MY_QUOTA, {}, as);
  if (res.errors) throw new Error(`myUploadQuota failed: ${JSON.stringify(res.errors)}`);
  return res.data!.myUploadQuota;
}

/** Sends createUpload and returns the raw response (to look at a refusal). */
export const tryUpload = (h: MediaHarness, as: Viewer, episodeId: string, sizeBytes: number): Promise<GraphQLResponse<{ createUpload: Ticket }>> =>
  h.call<{ createUpload: Ticket }>(CREATE_UPLOAD, { input: { episodeId, sizeBytes, filename: 'episode.mp3', mimeType: 'audio/mpeg' } }, as);

/** The refusal's code and the extensions a client reads. */
export function quotaRefusal(res: GraphQLResponse<unknown>): Record<string, unknown> | undefined {
  const extensions = res.errors?.[0]?.extensions;
  if (!extensions) return undefined;
  const { code, quota, limit, used, requested } = extensions as Record<string, unknown>;
  return { code, quota, limit, used, requested };
}

/** Sends the whole file in one PATCH; the upload completes (and its bytes are stored) before the answer. */
export async function finishUpload(ticket: Ticket): Promise<void> {
  const res = await tusRequest(ticket.uploadUrl, 'PATCH', ticket.token, { offset: 0, body: Buffer.alloc(ticket.upload.sizeBytes, 1) });
  if (res.status !== 204) throw new Error(`PATCH answered ${res.status}`);
}

/** Rows of every media table and the files in the tus directory: what a refused createUpload must not change. */
export async function footprint(h: MediaHarness): Promise<{ rows: Record<string, number>; staged: string[] }> {
  return { rows: await counts(h), staged: (await readdir(uploadsDir(h.services.config))).sort() };
}
