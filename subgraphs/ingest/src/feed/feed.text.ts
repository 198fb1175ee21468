/** Helpers over fast-xml-parser's output (attributes as `@_name`, text as `#text`). */
export type XmlNode = Record<string, unknown>;

export const asArray = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

export function textOf(node: unknown): string {
  if (typeof node === 'string') return node.trim();
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return textOf(node[0]);
  if (node && typeof node === 'object') return textOf((node as XmlNode)['#text'] ?? '');
  return '';
}

export const attrOf = (node: unknown, name: string): string => (node && typeof node === 'object' ? textOf((node as XmlNode)[`@_${name}`]) : '');

/** Descriptions are often HTML; catalog stores plain text. */
export function plainText(html: string, max: number): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Season and episode numbers catalog accepts (1..100000); anything else is left out. */
export function positiveNumber(value: unknown): number | null {
  const n = typeof value === 'number' ? value : Number(textOf(value));
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : null;
}

/** "en-us" → "en-US"; what catalog would refuse becomes "en". */
export function languageOf(raw: string | undefined): string {
  const match = /^([a-zA-Z]{2})(?:[-_]([a-zA-Z]{2}))?\b/.exec((raw ?? '').trim());
  if (!match) return 'en';
  return match[2] ? `${match[1].toLowerCase()}-${match[2].toUpperCase()}` : match[1].toLowerCase();
}

/** Catalog accepts https artwork only. */
export function httpsUrl(raw: string | undefined | null): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim());
    return url.protocol === 'https:' && url.toString().length <= 2048 ? url.toString() : null;
  } catch {
    return null;
  }
}

export function dateOf(raw: unknown): Date | null {
  const text = raw instanceof Date ? raw.toISOString() : textOf(raw);
  if (!text) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}
