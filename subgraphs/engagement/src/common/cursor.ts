import { badInput, decodeCursor, encodeCursor, isUuid } from '@wavegraph/kit';

/** Keyset position of a row sorted by (timestamp, id); the direction is the query's business. */
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

export const encodePositionCursor = (position: number): string => encodeCursor([String(position)]);

/** Playlist items are ordered by their integer position. */
export function readPositionCursor(after: string | null | undefined): number | null {
  if (after === null || after === undefined) return null;
  const [raw] = decodeCursor(after, 1);
  const position = Number(raw);
  if (!Number.isInteger(position) || position < 0) throw badInput('after is not a valid cursor', 'after');
  return position;
}
