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
    const existing = hasOwn(target, key) ? target[key] : undefined;
    if (existing === undefined) {
      // the common case: a field this fetch adds
      defineOwn(target, key);
      target[key] = value;
      continue;
    }
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

/** The value at `path[from…]` below `value`, walking field names only, up to the next '@'; its index is returned with it. */
function walk(value: unknown, path: readonly (string | number)[], from: number): [unknown, number] {
  let current = value;
  let i = from;
  for (; i < path.length && path[i] !== '@'; i += 1) {
    if (current === undefined || current === null) return [current, path.length];
    const key = path[i];
    if (typeof key !== 'string') throw new Error(`Unexpected ${typeof key} found in path`);
    if (Array.isArray(current)) throw new Error(`Unexpected array in result for path element ${key}`);
    current = getOwn(current as object, key);
  }
  return [current, i];
}

/** Appends what `path[from…]` reaches below `value` to `out`, a list reached being spread into it. */
function collect(value: unknown, path: readonly (string | number)[], from: number, out: unknown[]): void {
  const [reached, at] = walk(value, path, from);
  if (at < path.length && reached !== undefined && reached !== null) {
    for (const element of reached as unknown[]) collect(element, path, at + 1, out);
  } else if (Array.isArray(reached)) {
    for (const element of reached) out.push(element);
  } else {
    out.push(reached);
  }
}

/**
 * The values at `path` below `value`, '@' stepping into every element of a list, flattened as
 * @apollo/gateway's flattenResultsAtPath flattens them, into one array built in place.
 */
export function flattenAtPath(value: unknown, path: readonly (string | number)[]): unknown {
  const [reached, at] = walk(value, path, 0);
  if (at >= path.length || reached === undefined || reached === null) return reached;
  const out: unknown[] = [];
  for (const element of reached as unknown[]) collect(element, path, at + 1, out);
  return out;
}
