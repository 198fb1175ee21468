import type { IncomingHttpHeaders } from 'node:http';
import { Metadata, TUS_RESUMABLE, TUS_VERSION } from '@tus/server';

/*
 * tus's request header rules, as @tus/server's own header validator applies them to every
 * request (that validator is not exported by the package, so the PATCH path of file.patch.ts
 * carries the same table). A header without a rule is always valid.
 */

const isOffset = (value: string): boolean => {
  const n = Number(value);
  return Number.isInteger(n) && String(n) === value && n >= 0;
};

const RULES: ReadonlyMap<string, (value: string) => boolean> = new Map([
  ['upload-offset', isOffset],
  ['upload-length', isOffset],
  ['upload-defer-length', (value: string) => value === '1'],
  [
    'upload-metadata',
    (value: string) => {
      try {
        Metadata.parse(value);
        return true;
      } catch {
        return false;
      }
    },
  ],
  ['x-forwarded-proto', (value: string) => value === 'http' || value === 'https'],
  ['tus-version', (value: string) => (TUS_VERSION as readonly string[]).includes(value)],
  ['tus-resumable', (value: string) => value === TUS_RESUMABLE],
  ['content-type', (value: string) => value === 'application/offset+octet-stream'],
  ['upload-concat', (value: string) => value === 'partial' || value.startsWith('final;')],
]);

/** The names of the request's headers tus would refuse, in the order they came. */
export function invalidTusHeaders(headers: IncomingHttpHeaders): string[] {
  const invalid: string[] = [];
  for (const [name, raw] of Object.entries(headers)) {
    const rule = RULES.get(name);
    if (!rule || raw === undefined) continue;
    if (!rule(Array.isArray(raw) ? raw.join(', ') : raw)) invalid.push(name);
  }
  return invalid;
}

/** A request header as one string (Node keeps repeated ones as arrays for a few names only). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
