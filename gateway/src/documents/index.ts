import type { Redis } from '@wavegraph/redis';
import type { Logger } from 'pino';
import type { TrustedDocumentsSettings } from '../config';
import { RedisApqCache } from './apq-cache';
import { loadManifest } from './manifest';
import { DocumentPolicy } from './trusted-documents';

export { trustedDocumentsGuard } from './http';
export { subscriptionDocument } from './subscriptions';
export { documentHash, loadManifest, parseManifest, TrustedDocuments } from './manifest';
export { DocumentPolicy, TRUSTED_DOCUMENTS_MODES, type TrustedDocumentsMode } from './trusted-documents';
export { RedisApqCache } from './apq-cache';

/** The gateway's policy from its settings: the manifest (unless `off`) over the APQ cache in the shared Redis. */
export function documentPolicy(settings: TrustedDocumentsSettings, redis: Redis, redisPrefix: string, log: Logger): DocumentPolicy {
  const manifest = settings.mode === 'off' ? null : loadManifest(settings.manifestPath);
  if (manifest) log.info({ mode: settings.mode, operations: manifest.size, path: settings.manifestPath }, 'trusted documents loaded');
  return new DocumentPolicy(settings.mode, manifest, new RedisApqCache(redis, redisPrefix, settings.apq, log));
}
