import { isStaff, type Plan, type Viewer } from '@wavegraph/auth';
import { appError } from '@wavegraph/kit';
import type { GraphQLError } from 'graphql';
import type { DataSource, EntityManager } from 'typeorm';
import type { PlanQuota, UploadQuotas } from '../media.config';

/** What one user's uploads hold right now. */
export interface QuotaUsage {
  pendingUploads: number;
  pendingBytes: number;
  storedBytes: number;
}

/** The caps that apply to a viewer; null: no cap (staff, or a cap configured as 0). */
export interface QuotaLimits {
  pendingUploads: number | null;
  pendingBytes: number | null;
  storedBytes: number | null;
}

export type QuotaName = 'PENDING_UPLOADS' | 'PENDING_BYTES' | 'STORED_BYTES';

// an arbitrary constant that keeps these advisory locks apart from any other use of them
const QUOTA_LOCK_SPACE = 0x5175;

/**
 * Pending: not finished, not past its expiry (even before the sweep marks it EXPIRED), not
 * cancelled or rejected. Stored: finished, and its asset not deleted. A recording session counts
 * like an upload: open (RECORDING, FINISHING) it is pending with the bytes received so far,
 * FINISHED it is stored. One query, over the uploads and sessions the user started.
 */
const USAGE_SQL = `
  WITH items AS (
    SELECT u.status = 'PENDING' AND u.expires_at > now() AS pending, u.status = 'COMPLETED' AND a.status <> 'DELETED' AS stored, u.size_bytes AS bytes
    FROM uploads u JOIN media_assets a ON a.id = u.asset_id
    WHERE u.uploader_id = $1 AND u.status IN ('PENDING', 'COMPLETED')
    UNION ALL
    SELECT s.status IN ('RECORDING', 'FINISHING') AND s.expires_at > now(), s.status = 'FINISHED' AND a.status <> 'DELETED', s.bytes_received
    FROM recording_sessions s JOIN media_assets a ON a.id = s.asset_id
    WHERE s.uploader_id = $1 AND s.status IN ('RECORDING', 'FINISHING', 'FINISHED'))
  SELECT count(*) FILTER (WHERE pending) AS pending_uploads,
         coalesce(sum(bytes) FILTER (WHERE pending), 0) AS pending_bytes,
         coalesce(sum(bytes) FILTER (WHERE stored), 0) AS stored_bytes
  FROM items`;

interface UsageRow {
  pending_uploads: string;
  pending_bytes: string;
  stored_bytes: string;
}

/**
 * Upload quotas. The quota is the uploader's: it counts the uploads a user created, with that
 * user's plan (media knows the caller's plan, not the episode owner's). Staff have no caps, and
 * what they upload for a creator does not count against the creator.
 */
export class QuotaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly quotas: UploadQuotas,
    private readonly maxUploadBytes: number,
  ) {}

  limitsFor(viewer: Viewer): QuotaLimits {
    if (isStaff(viewer)) return { pendingUploads: null, pendingBytes: null, storedBytes: null };
    const plan: PlanQuota = this.quotas[viewer.plan];
    const cap = (value: number): number | null => (value > 0 ? value : null);
    return { pendingUploads: cap(plan.pendingUploads), pendingBytes: cap(plan.pendingBytes), storedBytes: cap(plan.storedBytes) };
  }

  async usage(userId: string, tx: EntityManager = this.dataSource.manager): Promise<QuotaUsage> {
    const [row] = (await tx.query(USAGE_SQL, [userId])) as UsageRow[];
    return { pendingUploads: Number(row.pending_uploads), pendingBytes: Number(row.pending_bytes), storedBytes: Number(row.stored_bytes) };
  }

  /**
   * Inside createUpload's transaction, before anything is written: takes the user's quota lock
   * (held to commit, so concurrent createUploads of one user run this check one after the other
   * and each sees the uploads the previous one committed) and refuses what would exceed a cap.
   */
  async reserve(tx: EntityManager, viewer: Viewer, sizeBytes: number): Promise<void> {
    const limits = this.limitsFor(viewer);
    if (limits.pendingUploads === null && limits.pendingBytes === null && limits.storedBytes === null) return;
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [QUOTA_LOCK_SPACE, viewer.id]);
    const used = await this.usage(viewer.id, tx);
    const refusal = exceeded(viewer.plan, limits, used, sizeBytes);
    if (refusal) throw refusal;
  }

  /**
   * Inside the transaction that stores a recording's chunk: the session already counts as one
   * pending upload, so only the bytes are checked, with the plan the uploader had when the
   * session started (null: staff, no caps). Refuses what would exceed a cap.
   */
  async reserveChunk(tx: EntityManager, uploaderId: string, plan: Plan | null, sizeBytes: number): Promise<void> {
    if (plan === null) return;
    const limits = { ...this.limitsFor({ id: uploaderId, role: 'USER', plan }), pendingUploads: null };
    if (limits.pendingBytes === null && limits.storedBytes === null) return;
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [QUOTA_LOCK_SPACE, uploaderId]);
    const refusal = exceeded(plan, limits, await this.usage(uploaderId, tx), sizeBytes);
    if (refusal) throw refusal;
  }

  /** The largest file createUpload would accept now: what every cap (and the size limit) leaves. */
  largestUpload(limits: QuotaLimits, used: QuotaUsage): number {
    if (limits.pendingUploads !== null && used.pendingUploads >= limits.pendingUploads) return 0;
    const room = [this.maxUploadBytes];
    if (limits.pendingBytes !== null) room.push(limits.pendingBytes - used.pendingBytes);
    if (limits.storedBytes !== null) room.push(limits.storedBytes - used.storedBytes - used.pendingBytes);
    return Math.max(0, Math.min(...room));
  }
}

/**
 * The first cap the upload would exceed. Bytes still uploading count towards storage too: once
 * they finish they are stored, so used (for STORED_BYTES) is stored plus pending bytes.
 */
function exceeded(plan: Plan, limits: QuotaLimits, used: QuotaUsage, sizeBytes: number): GraphQLError | null {
  if (limits.pendingUploads !== null && used.pendingUploads + 1 > limits.pendingUploads) {
    return quotaExceeded('PENDING_UPLOADS', limits.pendingUploads, used.pendingUploads, 1,
      `The ${plan} plan allows ${limits.pendingUploads} uploads in progress at once; finish or cancel one first`);
  }
  if (limits.pendingBytes !== null && used.pendingBytes + sizeBytes > limits.pendingBytes) {
    return quotaExceeded('PENDING_BYTES', limits.pendingBytes, used.pendingBytes, sizeBytes,
      `The ${plan} plan allows ${limits.pendingBytes} bytes of uploads in progress; ${used.pendingBytes} are in progress and this file is ${sizeBytes}`);
  }
  const committed = used.storedBytes + used.pendingBytes;
  if (limits.storedBytes !== null && committed + sizeBytes > limits.storedBytes) {
    return quotaExceeded('STORED_BYTES', limits.storedBytes, committed, sizeBytes,
      `The ${plan} plan stores up to ${limits.storedBytes} bytes of source media; ${committed} are stored or uploading and this file is ${sizeBytes}; delete media to make room`);
  }
  return null;
}

const quotaExceeded = (quota: QuotaName, limit: number, used: number, requested: number, message: string): GraphQLError =>
  appError('QUOTA_EXCEEDED', message, { quota, limit, used, requested });
