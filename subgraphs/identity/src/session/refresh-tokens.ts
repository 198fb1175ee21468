import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A refresh token just issued, and the session (family) it belongs to. */
export interface IssuedToken {
  token: string;
  familyId: string;
}

export type Rotation = ({ ok: true; userId: string } & IssuedToken) | { ok: false; reused: boolean; revokedFamilyId?: string };

/** Opaque refresh tokens in families; the raw token is returned once and never stored. */
export class RefreshTokenStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlSeconds: number,
  ) {}

  /** A new family (one per register/login) with its first token. */
  async startFamily(userId: string): Promise<IssuedToken> {
    return this.dataSource.transaction(async (manager) => {
      const [family] = await manager.query<{ id: string }[]>('INSERT INTO session_family (user_id) VALUES ($1) RETURNING id', [userId]);
      return { token: await this.issue(manager, family.id), familyId: family.id };
    });
  }

  /**
   * Spends `token` and issues its successor in one transaction. The conditional UPDATE is the
   * arbiter: of two concurrent calls with the same token only one sees `used_at IS NULL`.
   * A token that was already spent is a replay: the whole family is revoked.
   */
  async rotate(token: string): Promise<Rotation> {
    const tokenHash = hashToken(token);
    const rotated = await this.dataSource.transaction(async (manager) => {
      const [rows] = await manager.query<[{ family_id: string; user_id: string }[], number]>(
        `UPDATE refresh_token t SET used_at = now()
           FROM session_family f
          WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > now()
            AND f.id = t.family_id AND f.revoked_at IS NULL
        RETURNING t.family_id, f.user_id`,
        [tokenHash],
      );
      if (!rows.length) return null;
      return { userId: rows[0].user_id, token: await this.issue(manager, rows[0].family_id), familyId: rows[0].family_id };
    });
    if (rotated) return { ok: true, ...rotated };

    const [known] = await this.dataSource.query<{ family_id: string; used_at: Date | null }[]>(
      'SELECT family_id, used_at FROM refresh_token WHERE token_hash = $1',
      [tokenHash],
    );
    if (!known?.used_at) return { ok: false, reused: false };
    await this.revokeFamily(known.family_id);
    return { ok: false, reused: true, revokedFamilyId: known.family_id };
  }

  /** Revokes the family `token` belongs to and returns its id; null when the token is unknown. */
  async revokeFamilyOf(token: string): Promise<string | null> {
    const [known] = await this.dataSource.query<{ family_id: string }[]>('SELECT family_id FROM refresh_token WHERE token_hash = $1', [
      hashToken(token),
    ]);
    if (!known) return null;
    await this.revokeFamily(known.family_id);
    return known.family_id;
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.dataSource.query('UPDATE session_family SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [familyId]);
  }

  private async issue(manager: EntityManager, familyId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await manager.query(
      `INSERT INTO refresh_token (token_hash, family_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
      [hashToken(token), familyId, this.ttlSeconds],
    );
    return token;
  }
}
