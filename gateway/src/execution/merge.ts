// Plain-data helpers of plan execution, with @apollo/gateway's semantics (its utilities are not
// exported): own properties only, so a subgraph's "__proto__" or "constructor" key stays data.

export type Data = Record<string, unknown>;

export const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

export const getOwn = (object: object, key: string): unknown => (hasOwn(object, key) ? (object as Data)[key] : undefined);

export const isObject = (value: unknown): value is Data => value !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value);

/** Makes `key` an own property before it is written, so an inherited one is never assigned through. */
function defineOwn(object: Data, key: string): void {
  if (!hasOwn(object, key) && key in object) Object.defineProperty(object, key, { configurable: true, enumerable: true, value: undefined, writable: true });
}

/** Merges `source` into `target` in place: objects recursively, same-length lists element by element. */
export function deepMerge(target: Data, source: unknown): Data {
  if (source === undefined || source === null) return target;
  const from = source as Data;
  for (const key of Object.keys(from)) {
    const value = from[key];
    if (value === undefined) continue;
    defineOwn(target, key);
    const existing = target[key];
    if (existing && isObject(value)) {
      deepMerge(existing as Data, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let i = 0; i < value.length; i += 1) {
        if (isObject(existing[i]) && isObject(value[i])) deepMerge(existing[i] as Data, value[i]);
        else existing[i] = value[i];
      }
    } else {
      target[key] = value;
    }
  }
  return target;
}

/** The values at `path` below `value`, '@' stepping into every element of a list. */
export function flattenAtPath(value: unknown, path: readonly (string | number)[], from = 0): unknown {
  if (from === path.length || value === undefined || value === null) return value;
  const current = path[from];
  if (current === '@') return (value as unknown[]).flatMap((element) => flattenAtPath(element, path, from + 1) as never);
  if (typeof current !== 'string') throw new Error(`Unexpected ${typeof current} found in path`);
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${current}`);
  return flattenAtPath(getOwn(value as object, current), path, from + 1);
}
