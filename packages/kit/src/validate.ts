import { badInput } from './errors';

/** Small input checks shared by every subgraph; each failure names the field. */
export function requireLength(field: string, value: string, min: number, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < min) {
    throw badInput(min <= 1 ? `${field} must not be empty` : `${field} must be at least ${min} characters`, field);
  }
  if (trimmed.length > max) throw badInput(`${field} must be at most ${max} characters`, field);
  return trimmed;
}

export function optionalLength(field: string, value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.length > max) throw badInput(`${field} must be at most ${max} characters`, field);
  return trimmed;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

export function requireUuid(field: string, value: string): string {
  if (!isUuid(value)) throw badInput(`${field} is not a valid id`, field);
  return value.toLowerCase();
}
