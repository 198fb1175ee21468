import { canManage, type Viewer } from '@wavegraph/auth';
import { PrivateFeedIssued, PrivateFeedRevoked, recordEvent } from '@wavegraph/events';
import { appError, badInput, isUuid, modifyReturning, notFound, unauthenticated } from '@wavegraph/kit';
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { FeedConfig } from '../feed/feed.config';
import type { ShowService } from '../show/show.service';

/** A private feed as the listener gets it at creation: the URL holds the token, shown this once. */
export interface IssuedPrivateFeed {
  url: string;
  createdAt: Date;
}

/** The listener and show a live token belongs to. */
export interface PrivateFeedGrant {
  feedId: string;
  showId: string;
  listenerId: string;
}

/** 32 random bytes, base64url: what the URL carries. Only its SHA-256 is stored and sent to media. */
const newToken = (): string => randomBytes(32).toString('base64url');
export const tokenHashOf = (token: string): string => createHash('sha256').update(token).digest('hex');
/** The shape of a token in a URL: anything else is no token, without a database read. */
export const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Private feeds, as paid-podcast hosts give them: one URL per listener and show, listing the
 * show's PREMIUM episodes too, with enclosures media lets through for that token. A PREMIUM
 * listener (or the show's owner, or staff) gets one; asking again replaces it; revoking it, or
 * the listener leaving PREMIUM (identity.UserPlanChanged), ends it at once in catalog and, by
 * PrivateFeedRevoked, in media.
 */
export class PrivateFeedService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shows: ShowService,
    private readonly config: Pick<FeedConfig, 'publicUrl'>,
  ) {}

  async create(viewer: Viewer | null, showId: string): Promise<IssuedPrivateFeed> {
    if (!viewer) throw unauthenticated();
    if (!isUuid(showId)) throw badInput('showId is not a valid id', 'showId');
    const [show] = await this.shows.findByIds([showId.toLowerCase()]);
    if (!show) throw notFound('Show');
    if (viewer.plan !== 'PREMIUM' && !canManage(viewer, show.ownerId)) {
      throw appError('FORBIDDEN', 'A private feed is for Premium listeners', { reason: 'PREMIUM_REQUIRED' });
    }
    const token = newToken();
    const createdAt = await this.dataSource.transaction(async (tx) => {
      await this.revokeLive(tx, { showId: show.id, listenerId: viewer.id });
      const [row]: { id: string; created_at: Date }[] = await tx.query(
        'INSERT INTO private_feeds (show_id, listener_id, token_hash) VALUES ($1, $2, $3) RETURNING id, created_at',
        [show.id, viewer.id, tokenHashOf(token)],
      );
      await recordEvent(tx, PrivateFeedIssued, row.id, { feedId: row.id, showId: show.id, listenerId: viewer.id, tokenHash: tokenHashOf(token) });
      return row.created_at;
    });
    return { url: `${this.config.publicUrl}/feeds/${show.slug}/${token}.xml`, createdAt };
  }

  /** Ends the viewer's private feed of the show; false when there was none. */
  async revoke(viewer: Viewer | null, showId: string): Promise<boolean> {
    if (!viewer) throw unauthenticated();
    if (!isUuid(showId)) throw badInput('showId is not a valid id', 'showId');
    return this.dataSource.transaction(async (tx) => (await this.revokeLive(tx, { showId: showId.toLowerCase(), listenerId: viewer.id })) > 0);
  }

  /** Ends every private feed of a listener who is no longer PREMIUM (in the consumer's transaction). */
  revokeAllOf(tx: EntityManager, listenerId: string): Promise<number> {
    return this.revokeLive(tx, { listenerId });
  }

  /** The live grant of a token, or null (unknown, revoked, or not a token at all). */
  async grantOf(token: string): Promise<PrivateFeedGrant | null> {
    if (!TOKEN.test(token)) return null;
    const [row]: { id: string; show_id: string; listener_id: string }[] = await this.dataSource.query(
      'SELECT id, show_id, listener_id FROM private_feeds WHERE token_hash = $1 AND revoked_at IS NULL',
      [tokenHashOf(token)],
    );
    return row ? { feedId: row.id, showId: row.show_id, listenerId: row.listener_id } : null;
  }

  private async revokeLive(tx: EntityManager, where: { listenerId: string; showId?: string }): Promise<number> {
    const rows = await modifyReturning<{ id: string; show_id: string; listener_id: string }>(
      tx,
      `UPDATE private_feeds SET revoked_at = now()
        WHERE listener_id = $1 AND ($2::uuid IS NULL OR show_id = $2) AND revoked_at IS NULL
        RETURNING id, show_id, listener_id`,
      [where.listenerId, where.showId ?? null],
    );
    for (const row of rows) await recordEvent(tx, PrivateFeedRevoked, row.id, { feedId: row.id, showId: row.show_id, listenerId: row.listener_id });
    return rows.length;
  }
}
