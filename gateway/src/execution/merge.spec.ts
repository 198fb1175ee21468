import { deepMerge, flattenAtPath } from './merge';

// @apollo/gateway's flattenResultsAtPath, as it is written, to compare against
function reference(value: unknown, path: readonly (string | number)[]): unknown {
  if (path.length === 0 || value === undefined || value === null) return value;
  const [current, ...rest] = path;
  if (current === '@') return (value as unknown[]).flatMap((element) => reference(element, rest) as never);
  const own = Object.prototype.hasOwnProperty.call(value, current) ? (value as Record<string, unknown>)[current as string] : undefined;
  return reference(own, rest);
}

describe('plan execution data helpers', () => {
  const data = {
    shows: [
      { id: 's1', episodes: [{ id: 'e1', author: { id: 'u1' } }, { id: 'e2', author: null }], tags: ['a', 'b'] },
      null,
      { id: 's2', episodes: [], tags: [] },
      { id: 's3', episodes: null, owner: { id: 'u3' } },
    ],
    me: { id: 'u9', friends: [{ id: 'u1' }, { id: 'u2' }] },
  };

  it.each([
    [['shows']],
    [['shows', '@']],
    [['shows', '@', 'episodes']],
    [['shows', '@', 'episodes', '@']],
    [['shows', '@', 'episodes', '@', 'author']],
    [['shows', '@', 'owner']],
    [['shows', '@', 'tags']],
    [['me']],
    [['me', 'friends', '@']],
    [['missing', '@', 'x']],
    [[]],
  ])('flattens %j as @apollo/gateway does', (path) => {
    expect(flattenAtPath(data, path)).toEqual(reference(data, path));
  });

  it('merges objects and same-length lists in place, never writing through inherited keys', () => {
    const target = { a: { b: 1 }, list: [{ x: 1 }, 2], constructor: undefined as unknown };
    deepMerge(target, JSON.parse('{"a":{"c":2},"list":[{"y":2},3],"__proto__":{"polluted":true},"constructor":{"z":1}}'));
    expect(target).toEqual({ a: { b: 1, c: 2 }, list: [{ x: 1, y: 2 }, 3], constructor: { z: 1 }, ['__proto__']: { polluted: true } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
