import { createHash } from 'node:crypto';
import type { Plan } from '@wavegraph/auth';
import { modifyReturning, type Logger, type SubgraphPubSub } from '@wavegraph/kit';
import { recordEvent, RecordingChunkStored } from '@wavegraph/events';
import type { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import { recordingLimitsOf, type MediaConfig } from '../media.config';
import type { QuotaService } from '../quota/quota.service';
import type { MediaStorage } from '../storage/storage.port';
import { chunkKey, RecordingStatus } from './recording.entity';
import { announceSession } from './recording.live';

/** A chunk refused: the HTTP status and a stable code, answered as JSON. */
export class ChunkRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface ChunkReceipt {
  /** False when this sequence was already stored with the same bytes: nothing changed. */
  created: boolean;
  sequence: number;
  sizeBytes: number;
  sha256: string;
  chunksReceived: number;
  bytesReceived: number;
}

interface LockedSession {
  status: RecordingStatus;
  expired: boolean;
  asset_id: string;
  uploader_id: string;
  uploader_plan: Plan | null;
  bytes_received: string;
  chunks_received: number;
}

/**
 * Stores one chunk of a session. Under the session's row lock (so chunks of one session, its
 * finish and its expiry are one after the other): refuse what the session cannot take, answer a
 * repeat of a stored sequence from its hash, else write the bytes to storage whole, and only
 * then commit the chunk's row, the session's counters and RecordingChunkStored. A chunk is
 * acknowledged only once that commit succeeded: what the client saw stored is stored.
 */
export class RecordingChunks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: MediaStorage,
    private readonly quotas: QuotaService,
    private readonly config: MediaConfig,
    private readonly pubSub: SubgraphPubSub,
    private readonly log: Logger,
  ) {}

  get maxChunkBytes(): number {
    return recordingLimitsOf(this.config).maxChunkBytes;
  }

  async store(sessionId: string, sequence: number, bytes: Buffer): Promise<ChunkReceipt> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const receipt = await this.dataSource.transaction(async (tx) => {
      const [session] = (await tx.query(
        `SELECT status, expires_at <= now() AS expired, asset_id, uploader_id, uploader_plan, bytes_received, chunks_received
         FROM recording_sessions WHERE id = $1 FOR UPDATE`,
        [sessionId],
      )) as LockedSession[];
      if (!session) throw new ChunkRefusal(404, 'NOT_FOUND', 'Unknown recording session');
      refuseClosed(session);
      const [stored] = (await tx.query('SELECT size_bytes, sha256 FROM recording_chunks WHERE session_id = $1 AND sequence = $2', [sessionId, sequence])) as {
        size_bytes: number;
        sha256: string;
      }[];
      const totals = { chunksReceived: session.chunks_received, bytesReceived: Number(session.bytes_received) };
      if (stored) {
        if (stored.sha256 !== sha256) {
          throw new ChunkRefusal(409, 'CHUNK_CONFLICT', `Chunk ${sequence} is already stored with different bytes`, { sequence, sha256: stored.sha256 });
        }
        return { created: false, sequence, sizeBytes: stored.size_bytes, sha256, ...totals };
      }
      if (totals.bytesReceived + bytes.length > this.config.maxUploadBytes) {
        throw new ChunkRefusal(413, 'RECORDING_TOO_LARGE', `A recording holds at most ${this.config.maxUploadBytes} bytes; ${totals.bytesReceived} are stored`, {
          limit: this.config.maxUploadBytes,
        });
      }
      await this.quotas.reserveChunk(tx, session.uploader_id, session.uploader_plan, bytes.length).catch((error: GraphQLError) => {
        throw new ChunkRefusal(413, 'QUOTA_EXCEEDED', error.message, error.extensions ?? {});
      });
      // durable before the row says so; a row-less object (the commit failed) is overwritten by the resend
      await this.storage.put(chunkKey(sessionId, sequence), bytes, 'application/octet-stream');
      await tx.query('INSERT INTO recording_chunks (session_id, sequence, size_bytes, sha256, stored_at) VALUES ($1, $2, $3, $4, now())', [
        sessionId, sequence, bytes.length, sha256,
      ]);
      const [updated] = await modifyReturning<{ chunks_received: number; bytes_received: string }>(
        tx,
        `UPDATE recording_sessions SET chunks_received = chunks_received + 1, bytes_received = bytes_received + $2,
           highest_sequence = greatest(highest_sequence, $3), expires_at = now() + make_interval(secs => $4)
         WHERE id = $1 RETURNING chunks_received, bytes_received`,
        [sessionId, bytes.length, sequence, recordingLimitsOf(this.config).ttlSeconds],
      );
      const after = { chunksReceived: updated.chunks_received, bytesReceived: Number(updated.bytes_received) };
      await recordEvent(tx, RecordingChunkStored, sessionId, { sessionId, assetId: session.asset_id, sequence, sizeBytes: bytes.length, sha256, ...after });
      return { created: true, sequence, sizeBytes: bytes.length, sha256, ...after };
    });
    if (receipt.created) {
      this.log.debug({ sessionId, sequence, bytes: bytes.length }, 'recording chunk stored');
      await announceSession(this.pubSub, { sessionId, status: RecordingStatus.RECORDING });
    }
    return receipt;
  }
}

function refuseClosed(session: LockedSession): void {
  switch (session.status) {
    case RecordingStatus.RECORDING:
      if (session.expired) throw new ChunkRefusal(410, 'SESSION_EXPIRED', 'The recording session has expired');
      return;
    case RecordingStatus.EXPIRED:
      throw new ChunkRefusal(410, 'SESSION_EXPIRED', 'The recording session has expired');
    case RecordingStatus.FAILED:
      throw new ChunkRefusal(409, 'SESSION_FAILED', 'The recording session failed; start a new one');
    default:
      throw new ChunkRefusal(409, 'SESSION_FINISHED', 'The recording session is finished and takes no more chunks', { status: session.status });
  }
}
