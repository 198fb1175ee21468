import { secretFromEnv } from '@wavegraph/auth';

/** Reads settings from the environment; every setting has a default that works on a developer machine. */
export function envString(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}

export function envBool(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

export const isProduction = (): boolean => envString('NODE_ENV', 'development') === 'production';

/** The envelope's HMAC key (see secretFromEnv for when the development value is accepted). */
export const gatewaySecret = (): string => secretFromEnv('WAVEGRAPH_GATEWAY_SECRET');

export const defaultDatabaseUrl = (context: string): string =>
  envString(`${context.toUpperCase()}_DATABASE_URL`, `postgres://postgres@127.0.0.1:5432/wavegraph_${context}`);

export const redisUrl = (): string => envString('REDIS_URL', 'redis://127.0.0.1:6379');
