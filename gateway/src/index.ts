export * from './config';
export { DEFAULT_ENTITY_CACHE, type EntityCacheSettings, type EntityCacheStats } from './entity-cache';
export * from './context';
export type { IdempotencySettings } from './idempotency';
export * from './server';
export { createTokenVerifier, type TokenVerifier } from './auth';
