import { badInput, decodeCursor, encodeCursor } from '@wavegraph/kit';

export const encodePositionCursor = (position: number): string => encodeCursor([String(position)]);

/** Playlist items are ordered by their integer position. */
export function readPositionCursor(after: string | null | undefined): number | null {
  if (after === null || after === undefined) return null;
  const [raw] = decodeCursor(after, 1);
  const position = Number(raw);
  if (!Number.isInteger(position) || position < 0) throw badInput('after is not a valid cursor', 'after');
  return position;
}
