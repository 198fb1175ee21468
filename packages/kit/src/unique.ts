import { conflict } from './errors';
import type { GraphQLError } from 'graphql';

interface PgError {
  code?: string;
  constraint?: string;
}

/** Name of the unique index a Postgres error (23505) violated, or null for any other error. */
export function violatedUniqueIndex(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const pg: PgError = (error as { driverError?: PgError }).driverError ?? (error as PgError);
  return pg.code === '23505' ? (pg.constraint ?? '') : null;
}

/** Turns a unique violation on one of `indexes` into CONFLICT on the matching field; rethrows anything else. */
export function rethrowAsConflict(error: unknown, indexes: Record<string, { field?: string; message: string }>): never {
  const index = violatedUniqueIndex(error);
  const known = index === null ? undefined : indexes[index];
  if (known) throw conflict(known.message, known.field) as GraphQLError;
  throw error;
}
