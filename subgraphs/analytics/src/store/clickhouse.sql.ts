/*
 * Literals for ClickHouse SQL. The server we run (18.16) predates query parameters
 * ({name:Type} with param_name settings, 19.x), so values are written into the query text:
 * strings quoted with their backslashes and quotes escaped, ids, days and numbers checked
 * against their shape first. Free text (user agents, app names) only ever travels as insert
 * data (JSONEachRow), never in query text.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export const str = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function uuid(value: string): string {
  if (!UUID.test(value)) throw new Error(`not an id: ${value}`);
  return `'${value}'`;
}

export const uuids = (values: readonly string[]): string => (values.length ? values.map(uuid).join(', ') : "''");

export function day(value: string): string {
  if (!DAY.test(value)) throw new Error(`not a day: ${value}`);
  return `toDate('${value}')`;
}

export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a number: ${value}`);
  return String(value);
}

export function identifier(value: string): string {
  if (!IDENTIFIER.test(value)) throw new Error(`not a ClickHouse identifier: ${value}`);
  return `\`${value}\``;
}

/** 'YYYY-MM-DD HH:MM:SS' in UTC, how a DateTime column reads its input (the server runs in UTC). */
export const dateTime = (at: Date): string => at.toISOString().slice(0, 19).replace('T', ' ');
