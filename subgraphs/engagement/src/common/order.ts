/** Sort helpers matching the SQL orderings, for rows a window query returns in no particular order. */
type Keyed = { at: Date; id: string };

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const newestFirst = <T>(key: (row: T) => Keyed) => (a: T, b: T): number => {
  const ka = key(a);
  const kb = key(b);
  return kb.at.getTime() - ka.at.getTime() || compareIds(kb.id, ka.id);
};

export const oldestFirst = <T>(key: (row: T) => Keyed) => (a: T, b: T): number => -newestFirst(key)(a, b);
