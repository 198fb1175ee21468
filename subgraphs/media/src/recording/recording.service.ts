import { type Viewer, canManage, isStaff } from '@wavegraph/auth';
import { appError, badInput, conflict, forbidden, requireUuid, unauthenticated, type Logger, type SubgraphPubSub } from '@wavegraph/kit';
import { KnownEpisode, recordEvent, RecordingSessionStarted } from '@wavegraph/events';
import type { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import { MediaAsset } from '../asset/asset.entity';
import { MediaStatus } from '../asset/asset.enums';
import { episodeUnknown } from '../common/errors';
import { recordingLimitsOf, type MediaConfig } from '../media.config';
import { STEPS } from '../processing/processing.port';
import type { QuotaService } from '../quota/quota.service';
import { RecordingSession, RecordingStatus } from './recording.entity';
import type { RecordingFinisher } from './recording.finisher';
import { announceSession } from './recording.live';
import { issueRecordingToken } from './recording.token';
import { validRecordingMime, validSequence } from './recording.validation';

/** Starting, reading and finishing recording sessions (the chunks themselves: recording.chunks.ts). */
export class RecordingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly quotas: QuotaService,
    private readonly finisher: RecordingFinisher,
    private readonly config: MediaConfig,
    private readonly pubSub: SubgraphPubSub,
    private readonly log: Logger,
  ) {}

  /**
   * Creates the asset (AWAITING_UPLOAD, as an upload does), its steps and the session in one
   * transaction with RecordingSessionStarted. The session counts as one upload in progress
   * against the starter's quota from here on; its bytes count as they arrive.
   */
  async start(viewer: Viewer | null, episodeIdArg: string, mimeTypeArg: string): Promise<RecordingSession> {
    if (!viewer) throw unauthenticated();
    const episodeId = requireUuid('episodeId', episodeIdArg);
    const { mimeType, baseType } = validRecordingMime(mimeTypeArg);
    const createdAt = new Date();
    const expiresAt = new Date(createdAt.getTime() + recordingLimitsOf(this.config).ttlSeconds * 1000);
    const session = await this.dataSource.transaction(async (tx) => {
      const episode = await tx.findOne(KnownEpisode, { where: { episodeId }, lock: { mode: 'pessimistic_read' } });
      if (!episode) throw episodeUnknown();
      if (!canManage(viewer, episode.ownerId)) throw forbidden("Only the episode's owner, an editor or an admin can record its media");
      await this.quotas.reserve(tx, viewer, 0);
      const asset = await tx.save(
        tx.create(MediaAsset, { episodeId, ownerId: episode.ownerId, status: MediaStatus.AWAITING_UPLOAD, mimeType: baseType, outputs: {}, run: 0, updatedAt: createdAt }),
      );
      await tx.query('INSERT INTO media_steps (asset_id, step) SELECT $1, unnest($2::text[])', [asset.id, [...STEPS]]);
      const saved = await tx.save(
        tx.create(RecordingSession, {
          assetId: asset.id, episodeId, ownerId: episode.ownerId, uploaderId: viewer.id, uploaderPlan: isStaff(viewer) ? null : viewer.plan, mimeType,
          status: RecordingStatus.RECORDING, chunksReceived: 0, bytesReceived: 0, highestSequence: null, lastSequence: null, failureReason: null,
          createdAt, expiresAt, finishedAt: null,
        }),
      );
      await recordEvent(tx, RecordingSessionStarted, saved.id, { sessionId: saved.id, assetId: asset.id, episodeId, ownerId: episode.ownerId, mimeType });
      return saved;
    });
    this.log.info({ sessionId: session.id, assetId: session.assetId }, 'recording session started');
    return session;
  }

  /** The session, for the owner of its episode and staff; others get NOT_FOUND. */
  async get(viewer: Viewer | null, idArg: string): Promise<RecordingSession> {
    if (!viewer) throw unauthenticated();
    const session = await this.find(requireUuid('id', idArg));
    if (!session || !canManage(viewer, session.ownerId)) throw this.notFound();
    return session;
  }

  find(id: string): Promise<RecordingSession | null> {
    return this.dataSource.getRepository(RecordingSession).findOneBy({ id });
  }

  notFound(): GraphQLError {
    return appError('NOT_FOUND', 'Recording session not found', { field: 'id' });
  }

  /** Sequence numbers below the highest stored (or below `upTo`, inclusive) that were not stored, ascending. */
  async missing(session: Pick<RecordingSession, 'id' | 'highestSequence'>, upTo = session.highestSequence): Promise<number[]> {
    if (upTo === null || upTo < 0) return [];
    const [row] = (await this.dataSource.query(
      `SELECT coalesce(array_agg(g ORDER BY g), '{}') AS missing FROM generate_series(0, $2::int) g
       WHERE NOT EXISTS (SELECT 1 FROM recording_chunks c WHERE c.session_id = $1 AND c.sequence = g)`,
      [session.id, upTo],
    )) as { missing: number[] }[];
    return row.missing;
  }

  async assetEnded(assetId: string): Promise<boolean> {
    const [row] = (await this.dataSource.query('SELECT status FROM media_assets WHERE id = $1', [assetId])) as { status: MediaStatus }[];
    return !row || [MediaStatus.READY, MediaStatus.FAILED, MediaStatus.DELETED].includes(row.status);
  }

  chunkUrl(session: Pick<RecordingSession, 'id'>): string {
    return `${this.config.publicUrl}/recordings/${session.id}/chunks`;
  }

  token(session: Pick<RecordingSession, 'id'>): string {
    return issueRecordingToken(this.config.signingSecret, session.id);
  }

  /**
   * Refused (BAD_USER_INPUT, with `missing`) while a chunk up to lastSequence is absent, or when
   * chunks past it were stored. Otherwise the session becomes FINISHING (no chunk is accepted any
   * more) and the finisher stitches it. A finished session is returned as it is, and a FINISHING one
   * (a finish cut off half-way) is finished again: a repeated call is safe.
   */
  async finish(viewer: Viewer | null, idArg: string, lastSequenceArg: number): Promise<RecordingSession> {
    const current = await this.get(viewer, idArg);
    const lastSequence = validSequence(lastSequenceArg, 'lastSequence');
    const session = await this.dataSource.transaction(async (tx) => {
      const locked = await tx.findOne(RecordingSession, { where: { id: current.id }, lock: { mode: 'pessimistic_write' } });
      if (!locked) throw this.notFound();
      if (locked.status === RecordingStatus.FINISHED || locked.status === RecordingStatus.FINISHING) {
        if (locked.lastSequence !== lastSequence) throw conflict(`The session was finished with lastSequence ${locked.lastSequence}`, 'lastSequence');
        return locked;
      }
      if (locked.status === RecordingStatus.FAILED) throw conflict(`The recording failed: ${locked.failureReason ?? ''}`, 'id');
      if (locked.status === RecordingStatus.EXPIRED || locked.expiresAt.getTime() <= Date.now()) throw conflict('The recording session has expired', 'id');
      if (locked.highestSequence !== null && locked.highestSequence > lastSequence) {
        throw badInput(`Chunks after lastSequence ${lastSequence} were stored (the highest is ${locked.highestSequence})`, 'lastSequence');
      }
      const missing = await this.missing(locked, lastSequence);
      if (missing.length) {
        throw appError('BAD_USER_INPUT', `Chunks ${listed(missing)} are missing; send them, then finish again`, { field: 'lastSequence', missing });
      }
      locked.status = RecordingStatus.FINISHING;
      locked.lastSequence = lastSequence;
      // the sweep leaves a session alone while it is stitched
      await tx.query(`UPDATE recording_sessions SET status = 'FINISHING', last_sequence = $2, expires_at = greatest(expires_at, now() + make_interval(secs => $3)) WHERE id = $1`, [
        locked.id, lastSequence, recordingLimitsOf(this.config).ttlSeconds,
      ]);
      return locked;
    });
    if (session.status === RecordingStatus.FINISHED) return session;
    await announceSession(this.pubSub, { sessionId: session.id, status: session.status });
    await this.finisher.finish(session);
    return (await this.find(session.id)) ?? session;
  }
}

/** "3, 7, 8" (at most 20, then how many more). */
function listed(sequences: number[]): string {
  const shown = sequences.slice(0, 20).join(', ');
  return sequences.length > 20 ? `${shown} and ${sequences.length - 20} more` : shown;
}
