// Every response of every gateway is checked against stock Apollo's answer to the same query,
// so a fast wrong answer fails the bench. What is compared: the HTTP status, `data` deep-equal
// (key order aside), and the errors as a list of { message, path, extensions.code } in any order
// (locations and other extensions differ between gateways by design and are not compared).
// One known deviation can be allowed per gateway, and the report says so: Hive Gateway gives an
// error from a batched entity fetch the path of the list, without the item's index
// (["topProducts", "stockAlert"] where stock Apollo says ["topProducts", 3, "stockAlert"]); for
// such a gateway paths are compared with their list indices left out on both sides.
// Bodies already proven equal are kept as strings, so the common case costs one Set lookup.
import { isDeepStrictEqual } from 'node:util';

function normalize(status, text, withoutListIndices = false) {
  const body = JSON.parse(text);
  const pathOf = (path) => (path && withoutListIndices ? path.filter((segment) => typeof segment !== 'number') : path ?? null);
  const errors = (body.errors ?? [])
    .map((e) => ({ message: e.message, path: pathOf(e.path), code: e.extensions?.code ?? null }))
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return { status, data: body.data ?? null, errors };
}

/** The first place two values differ, as a path and both sides (for the failure message). */
function firstDifference(expected, actual, at = '$') {
  if (isDeepStrictEqual(expected, actual)) return null;
  if (typeof expected !== 'object' || typeof actual !== 'object' || expected === null || actual === null || Array.isArray(expected) !== Array.isArray(actual)) {
    return { at, expected, actual };
  }
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const diff = firstDifference(expected[key], actual[key], `${at}.${key}`);
    if (diff) return diff;
  }
  return { at, expected, actual };
}

const clip = (value) => {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 600 ? `${text.slice(0, 600)}…` : text;
};

export class MismatchError extends Error {}

/** One query's reference answer (stock Apollo's) and the bodies proven equal to it. */
export class ResponseCheck {
  constructor(queryName, status, text) {
    this.queryName = queryName;
    this.text = text;
    this.expected = { strict: normalize(status, text), withoutListIndices: normalize(status, text, true) };
    if (status !== 200) throw new Error(`stock Apollo answered ${queryName} with HTTP ${status}: ${text.slice(0, 600)}`);
    if (!this.expected.strict.data) throw new Error(`stock Apollo answered ${queryName} without data: ${text.slice(0, 600)}`);
    this.proven = { strict: new Set([text]), withoutListIndices: new Set([text]) };
    /** Answers verified so far (for the report). */
    this.verified = 0;
  }

  /**
   * Throws a MismatchError with the first difference unless this answer is the reference's.
   * `compare`: { gateway (its name), pathsWithoutListIndices (the deviation above, allowed) }.
   */
  verify({ gateway, pathsWithoutListIndices = false }, status, text) {
    const mode = pathsWithoutListIndices ? 'withoutListIndices' : 'strict';
    const proven = this.proven[mode];
    this.verified += 1;
    if (status === 200 && proven.has(text)) return;
    let actual;
    try {
      actual = normalize(status, text, pathsWithoutListIndices);
    } catch {
      throw new MismatchError(`${gateway} answered ${this.queryName} with HTTP ${status} and a body that is not JSON: ${text.slice(0, 600)}`);
    }
    const diff = firstDifference(this.expected[mode], actual);
    if (diff) {
      const errors = actual.errors.length ? `\n  its errors: ${clip(actual.errors)}` : '';
      throw new MismatchError(`${gateway} answered ${this.queryName} unlike stock Apollo at ${diff.at}:\n  stock:   ${clip(diff.expected)}\n  ${gateway}: ${clip(diff.actual)}${errors}`);
    }
    // bounded: a gateway whose bodies differ in formatting every time (it should not) is still checked, only slower
    if (proven.size < 1000) proven.add(text);
  }
}
