import { conflict } from '@wavegraph/kit';
import type { GraphQLError } from 'graphql';

/** Turns a Postgres unique violation (23505) on users' email/handle index into CONFLICT naming the field. */
export function uniqueViolationToConflict(error: unknown): GraphQLError | null {
  const e = error as { code?: string; constraint?: string };
  if (e?.code !== '23505') return null;
  if (e.constraint === 'users_email_key') return conflict('An account with this email already exists', 'email');
  if (e.constraint === 'users_handle_key') return conflict('This handle is already taken', 'handle');
  return null;
}
