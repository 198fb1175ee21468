import type { EntityManager } from 'typeorm';

/**
 * TypeORM's Postgres driver answers UPDATE and DELETE with `[rows, rowCount]` but every other
 * statement with `rows`; this reads the rows of an UPDATE/DELETE ... RETURNING either way.
 */
export async function modifyReturning<T>(tx: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result: unknown = await tx.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/** bigint columns arrive as strings; sizes stay far below 2^53, so a number is exact. */
export const bigintAsNumber = {
  to: (value: number | null | undefined): number | null | undefined => value,
  from: (value: string | null): number | null => (value === null ? null : Number(value)),
};
