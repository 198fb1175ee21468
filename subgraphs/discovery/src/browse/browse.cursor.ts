import { badInput, decodeCursor, encodeCursor, isUuid } from '@wavegraph/kit';

/** Keyset position in a list sorted by (publishedAt DESC, id DESC). */
export interface TimeCursor {
  at: Date;
  id: string;
}

export const encodeTimeCursor = (at: Date, id: string): string => encodeCursor([at.toISOString(), id]);

/** Reads `after`; anything that is not a cursor we issued is BAD_USER_INPUT. */
export function readTimeCursor(after: string | null | undefined): TimeCursor | null {
  if (after === null || after === undefined) return null;
  const [at, id] = decodeCursor(after, 2);
  const date = new Date(at);
  if (Number.isNaN(date.getTime()) || !isUuid(id)) throw badInput('after is not a valid cursor', 'after');
  return { at: date, id: id.toLowerCase() };
}
