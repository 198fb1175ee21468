import type { Plan, Role } from '@wavegraph/auth';
import { badInput, isUuid, notFound, rethrowAsConflict } from '@wavegraph/kit';
import { UserPlanChanged, UserProfileUpdated, UserRegistered, recordEvent } from '@wavegraph/events';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import type { Revocations } from '../session/revocations';
import { hashPassword } from './password';
import { User } from './user.entity';
import { checkPassword, normalizeDisplayName, normalizeEmail, normalizeHandle } from './user.validation';

const TAKEN = {
  users_handle_key: { field: 'handle', message: 'This handle is already taken' },
};

/*
 * Registration is open to anyone, so its refusal must not tell whether an email has an account:
 * a taken email and a taken handle get the same CONFLICT, without a field. (Handles are public,
 * so a profile change may say which one is taken.)
 */
const CANNOT_REGISTER = { field: undefined, message: 'That email or handle cannot be used' };
const REGISTER_TAKEN = { users_email_key: CANNOT_REGISTER, users_handle_key: CANNOT_REGISTER };

export interface NewAccount {
  email: string;
  handle: string;
  displayName: string;
  password: string;
}

export interface ProfileChanges {
  displayName?: string | null;
  handle?: string | null;
}

/**
 * Use cases on user accounts. Validation happens before any write; uniqueness is enforced by
 * the database; registration and plan changes record their event in the same transaction.
 */
export class UserService {
  private readonly users: Repository<User>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly revocations: Revocations,
  ) {
    this.users = dataSource.getRepository(User);
  }

  findById(id: string): Promise<User | null> {
    return isUuid(id) ? this.users.findOneBy({ id }) : Promise.resolve(null);
  }

  /** One SQL query for any number of ids (reference batching). */
  findByIds(ids: readonly string[]): Promise<User[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.users.findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  findByHandle(handle: string): Promise<User | null> {
    return this.users.findOneBy({ handle: handle.trim().toLowerCase() });
  }

  /** The only read that loads the password hash. */
  findWithPasswordByEmail(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email: email.trim().toLowerCase() })
      .getOne();
  }

  async create(account: NewAccount): Promise<User> {
    const email = normalizeEmail(account.email);
    const handle = normalizeHandle(account.handle);
    const displayName = normalizeDisplayName(account.displayName);
    checkPassword(account.password, email, handle);
    const passwordHash = await hashPassword(account.password);
    try {
      const user = await this.dataSource.transaction(async (tx) => {
        const saved = await tx.save(tx.create(User, { email, handle, displayName, passwordHash, role: 'USER', plan: 'FREE' }));
        await recordEvent(tx, UserRegistered, saved.id, { userId: saved.id, handle, displayName, role: saved.role, plan: saved.plan });
        return saved;
      });
      delete (user as Partial<User>).passwordHash;
      return user;
    } catch (error) {
      rethrowAsConflict(error, REGISTER_TAKEN);
    }
  }

  async updateProfile(userId: string, changes: ProfileChanges): Promise<User> {
    const patch: Partial<User> = {};
    if (changes.displayName != null) patch.displayName = normalizeDisplayName(changes.displayName);
    if (changes.handle != null) patch.handle = normalizeHandle(changes.handle);
    if (Object.keys(patch).length) {
      try {
        // the event commits with the change: whoever shows or caches the profile hears of it
        await this.dataSource.transaction(async (tx) => {
          const result = await tx.update(User, { id: userId }, patch);
          if (!result.affected) throw notFound('User');
          const user = await tx.findOneByOrFail(User, { id: userId });
          await recordEvent(tx, UserProfileUpdated, userId, { userId, handle: user.handle, displayName: user.displayName });
        });
      } catch (error) {
        rethrowAsConflict(error, TAKEN);
      }
    }
    return this.require(userId);
  }

  setRole(userId: string, role: Role): Promise<User> {
    return this.revokingTokens(userId, () => this.setColumns(userId, { role }));
  }

  async setPlan(userId: string, plan: Plan): Promise<User> {
    if (!isUuid(userId)) throw badInput('userId is not a valid id', 'userId');
    await this.revokingTokens(userId, () => this.dataSource.transaction(async (tx) => {
      if ((await this.changePlanIn(tx, userId, plan)) === 'missing') throw notFound('User');
    }));
    return this.require(userId);
  }

  /**
   * The plan change itself, inside the caller's transaction (an admin's, or the consumer's of
   * billing's events): `UserPlanChanged` is recorded with it. The caller voids the user's tokens
   * around it (revokingTokens, or `beforeChange` and revokeTokensOf after the commit).
   */
  async changePlanIn(tx: EntityManager, userId: string, plan: Plan, beforeChange?: () => Promise<void>): Promise<'changed' | 'unchanged' | 'missing'> {
    // plain SQL: the event consumer's transactions carry no entity metadata
    // the row lock orders concurrent plan changes, so each event's previousPlan is true
    const [user]: Array<{ plan: Plan }> = await tx.query('SELECT plan FROM users WHERE id = $1 FOR UPDATE', [userId]);
    if (!user) return 'missing';
    if (user.plan === plan) return 'unchanged';
    await beforeChange?.();
    await tx.query('UPDATE users SET plan = $2, updated_at = now() WHERE id = $1', [userId, plan]);
    await recordEvent(tx, UserPlanChanged, userId, { userId, plan, previousPlan: user.plan });
    return 'changed';
  }

  /** Voids the user's access tokens: their next request must refresh, and the new token says the new plan. */
  revokeTokensOf(userId: string): Promise<void> {
    return this.revocations.revokeUser(userId.toLowerCase());
  }

  /**
   * A role or plan change voids the user's access tokens, so their next request carries the new
   * one (after a refresh). Written before the change, so there is no change while Redis cannot
   * take it, and again once it committed: a token refreshed while the change was in flight still
   * says the old role.
   */
  private async revokingTokens<T>(userId: string, change: () => Promise<T>): Promise<T> {
    if (isUuid(userId)) await this.revocations.revokeUser(userId.toLowerCase());
    const result = await change();
    await this.revocations.revokeUser(userId.toLowerCase());
    return result;
  }

  /** Bootstraps the first admin from the command line (cli/grant-role). */
  async grantRoleByEmail(email: string, role: Role): Promise<User> {
    const user = await this.users.findOneBy({ email: email.trim().toLowerCase() });
    if (!user) throw notFound('User');
    return this.setRole(user.id, role);
  }

  private async setColumns(userId: string, patch: Pick<Partial<User>, 'role'>): Promise<User> {
    if (!isUuid(userId)) throw badInput('userId is not a valid id', 'userId');
    const result = await this.users.update({ id: userId }, patch);
    if (!result.affected) throw notFound('User');
    return this.require(userId);
  }

  private async require(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw notFound('User');
    return user;
  }
}
