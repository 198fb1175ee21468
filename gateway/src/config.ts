import path from 'node:path';
import { secretFromEnv } from '@wavegraph/auth';
import { DEFAULT_ENTITY_CACHE, type EntityCacheSettings } from './entity-cache/settings';
import type { PlanCacheSettings } from './execution/executor';
import type { IdempotencySettings } from './idempotency/store';
import type { EntityBatchSettings } from './subgraph/entity-batcher';
import type { SubgraphHttpSettings } from './subgraph/http-client';
import type { ResilienceSettings } from './subgraph/policies';

/** Everything the gateway reads from the environment, with defaults that work on a developer machine. */
export interface GatewayConfig {
  port: number;
  host: string;
  production: boolean;
  /** Path of the supergraph SDL to serve; ignored when `composeFrom` is set. */
  supergraphPath: string;
  /** Development mode: compose from these running subgraphs and poll them for changes. */
  composeFrom: { name: string; url: string }[] | null;
  /** Replace the routing URL of a subgraph named in the supergraph (name → url). */
  subgraphUrls: Record<string, string>;
  /** The whole budget of one subgraph fetch, retries and backoff included. Default 10000. */
  subgraphTimeoutMs: number;
  /** Per-subgraph breaker and retries of reads (timeoutMs is subgraphTimeoutMs). */
  resilience: Omit<ResilienceSettings, 'timeoutMs'>;
  /** The pooled keep-alive connections to each subgraph. */
  subgraphHttp: SubgraphHttpSettings;
  /** Merging of concurrent entity fetches of the same shape and viewer into one subgraph request. */
  entityBatching: EntityBatchSettings;
  /** Identical subgraph reads of one viewer in flight at the same time share one request (GATEWAY_SUBGRAPH_DEDUPE). Default on. */
  dedupeSubgraphReads: boolean;
  /** The optional cache of public entity fields, purged by domain events (see entity-cache/). Default off. */
  entityCache: EntityCacheSettings;
  /**
   * Who runs query plans: `wavegraph` (ours: cached plans, no per-request tracing objects) or
   * `apollo` (@apollo/gateway's executor, every request). Default `wavegraph`.
   */
  executor: 'wavegraph' | 'apollo';
  planCache: PlanCacheSettings;
  /** How far the old generation grows past its live size before V8 collects it, in percent; 0 is V8's own rule (see heap.ts). Default 100. */
  heapGrowingPercent: number;
  /** One JSON line per request (GATEWAY_ACCESS_LOG, see http/access-log.ts). Default on. */
  accessLog: boolean;
  gatewaySecret: string;
  jwksUrl: string;
  /** One fetch of identity's JWKS may take this long (GATEWAY_JWKS_TIMEOUT_MS, default 10000). */
  jwksTimeoutMs: number;
  jwtIssuer: string;
  jwtAudience: string;
  corsOrigins: string[];
  /**
   * What a browser opening /graphql gets (GATEWAY_IDE): `graphiql`, GraphiQL with the explorer
   * and subscriptions served from the installed packages (works offline); `sandbox`, Apollo
   * Sandbox (loads from Apollo's CDN); `off`. Default `graphiql`, `off` in production.
   */
  ide: 'graphiql' | 'sandbox' | 'off';
  /**
   * Apollo's CSRF prevention (GATEWAY_CSRF_PREVENTION). Default off: Wavegraph's credentials are
   * bearer tokens in the Authorization header, never cookies, so a cross-site request cannot
   * carry a user's credentials, while the check refuses plain GET queries (urql's default). Turn
   * it on where a proxy in front authenticates by cookie.
   */
  csrfPrevention: boolean;
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  cost: CostLimits;
  /** Non-GraphQL routes streamed to a subgraph unchanged (media's uploads and playback). */
  passThrough: { prefix: string; subgraph: string }[];
  subscriptions: SubscriptionLimits;
  /** Redis shared by every replica: rate limits (and their keys' prefix, like the subgraphs'). */
  redisUrl: string;
  redisPrefix: string;
  /**
   * Which proxies' `X-Forwarded-For` names the client (Express's `trust proxy`): the client IP
   * keys anonymous rate limits. Default `loopback`: only a proxy on this host is believed.
   */
  trustProxy: string;
  rateLimits: RateLimitSettings;
  trustedDocuments: TrustedDocumentsSettings;
  /** Mutations with an `Idempotency-Key` header (see idempotency/plugin.ts), kept in the shared Redis. */
  idempotency: IdempotencySettings;
}

/** Which operations run (see documents/trusted-documents.ts), and the persisted-query cache shared in Redis. */
export interface TrustedDocumentsSettings {
  /** `required`, `allow` or `off`. Default `required` in production, `allow` otherwise. */
  mode: 'required' | 'allow' | 'off';
  /** The manifest codegen writes. Default clients/persisted-documents.json. */
  manifestPath: string;
  apq: {
    /** Seconds a document registered through APQ is kept. Default 86400. */
    ttlSeconds: number;
    /** Registered documents kept over every replica, oldest evicted first. Default 10000. */
    maxEntries: number;
  };
}

/** Requests allowed per window; 0 turns a limit off. Every replica counts in the same Redis keys. */
export interface RateLimitSettings {
  /** Length of the operations window in seconds. Default 60. */
  windowSeconds: number;
  /** GraphQL operations per window: anonymous callers per IP, signed-in ones per account. Defaults 100, 100, 1000, 10000. */
  perWindow: { anonymous: number; FREE: number; PREMIUM: number; staff: number };
  /** Login attempts per IP per minute, whatever the account. Default 30. */
  loginPerIpPerMinute: number;
  /** Failed logins of one account allowed before each further one waits longer (1 s, 2 s, 4 s …). Default 5. */
  loginFreeFailures: number;
  /** The longest wait after repeated failures, in seconds. Default 900. */
  loginMaxDelaySeconds: number;
  /** Failed logins per IP per hour, over every account (credential stuffing). Default 100. */
  loginFailuresPerIpPerHour: number;
  /** Accounts registered per IP per hour. Default 20. */
  registerPerIpPerHour: number;
  /** Sign-up attempts with one email per hour, from any IP. Default 5. */
  registerPerEmailPerHour: number;
  /** Refreshes per IP per minute. Default 60. */
  refreshPerIpPerMinute: number;
  /** graphql-ws connections opened per minute, per account or (anonymous) per IP. Default 30. */
  wsConnectionsPerMinute: number;
  /** Subscribe messages per minute, per account or per IP. Default 120. */
  wsSubscribesPerMinute: number;
}

/** Demand control: the most an operation may cost, by who asks (see cost/calculator.ts for how cost is counted). */
export interface CostLimits {
  budgets: CostBudgets;
  /** Items assumed for a list field of a supergraph that declares no `@listSize` on it. */
  defaultListSize: number;
}

export interface CostBudgets {
  anonymous: number;
  FREE: number;
  PREMIUM: number;
  /** EDITOR and ADMIN, whatever their plan. */
  staff: number;
}

/** The rules of graphql-ws connections to the gateway. */
export interface SubscriptionLimits {
  /** A connection that sends no connection_init in time is closed with 4408. */
  initTimeoutMs: number;
  /** Open subscriptions one connection may hold. */
  maxPerConnection: number;
  /** Completed events waiting for a slow client, per subscription; beyond it the oldest are dropped. */
  bufferPerSubscription: number;
  /** Open connections one account may hold on this replica. */
  maxConnectionsPerUser: number;
  /** Largest WebSocket message accepted, in bytes; a larger one closes the socket (1009) unparsed. */
  maxPayloadBytes: number;
}

export const DEFAULT_TRUSTED_DOCUMENTS_PATH = path.resolve(__dirname, '../../clients/persisted-documents.json');

export const DEFAULT_SUPERGRAPH_PATH = path.resolve(__dirname, '../../schema/supergraph.graphql');

/** The subgraphs' event transport (EVENTS_TRANSPORT), as @wavegraph/events reads it. */
function eventsTransport(value: string): 'redis' | 'nats' {
  const kind = value.trim().toLowerCase() || 'redis';
  if (kind !== 'redis' && kind !== 'nats') throw new Error(`EVENTS_TRANSPORT must be redis or nats (got ${JSON.stringify(value)})`);
  return kind;
}

function env(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

function int(name: string, fallback: number): number {
  const value = Number(env(name, String(fallback)));
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}

/** `name=url,name=url` → list. */
function parseSubgraphList(raw: string): { name: string; url: string }[] {
  return raw.split(',').filter(Boolean).map((pair) => {
    const [name, url] = pair.split('=');
    if (!name || !url) throw new Error(`expected name=url in "${pair}"`);
    return { name: name.trim(), url: url.trim() };
  });
}

function flag(name: string, fallback: boolean): boolean {
  const value = env(name, fallback ? 'on' : 'off');
  if (!['on', 'off', 'true', 'false'].includes(value)) throw new Error(`${name} must be on or off`);
  return value === 'on' || value === 'true';
}

function executorFromEnv(): GatewayConfig['executor'] {
  const value = env('GATEWAY_EXECUTOR', 'wavegraph');
  if (value !== 'wavegraph' && value !== 'apollo') throw new Error('GATEWAY_EXECUTOR must be wavegraph or apollo');
  return value;
}

function rateLimitsFromEnv(): RateLimitSettings {
  return {
    windowSeconds: int('GATEWAY_RATE_WINDOW_SECONDS', 60),
    perWindow: {
      anonymous: int('GATEWAY_RATE_ANONYMOUS', 100),
      FREE: int('GATEWAY_RATE_FREE', 100),
      PREMIUM: int('GATEWAY_RATE_PREMIUM', 1000),
      staff: int('GATEWAY_RATE_STAFF', 10_000),
    },
    loginPerIpPerMinute: int('GATEWAY_LOGIN_PER_IP_PER_MINUTE', 30),
    loginFreeFailures: int('GATEWAY_LOGIN_FREE_FAILURES', 5),
    loginMaxDelaySeconds: int('GATEWAY_LOGIN_MAX_DELAY_SECONDS', 900),
    loginFailuresPerIpPerHour: int('GATEWAY_LOGIN_FAILURES_PER_IP_PER_HOUR', 100),
    registerPerIpPerHour: int('GATEWAY_REGISTER_PER_IP_PER_HOUR', 20),
    registerPerEmailPerHour: int('GATEWAY_REGISTER_PER_EMAIL_PER_HOUR', 5),
    refreshPerIpPerMinute: int('GATEWAY_REFRESH_PER_IP_PER_MINUTE', 60),
    wsConnectionsPerMinute: int('GATEWAY_WS_CONNECTIONS_PER_MINUTE', 30),
    wsSubscribesPerMinute: int('GATEWAY_WS_SUBSCRIBES_PER_MINUTE', 120),
  };
}

const DEV_ORIGINS = ['https://studio.apollographql.com', ...[3000, 5173, 4173].flatMap((port) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`])].join(',');

function ideFromEnv(production: boolean): GatewayConfig['ide'] {
  const ide = env('GATEWAY_IDE', production ? 'off' : 'graphiql');
  if (ide !== 'graphiql' && ide !== 'sandbox' && ide !== 'off') throw new Error('GATEWAY_IDE must be graphiql, sandbox or off');
  return ide;
}

function trustedDocumentsFromEnv(production: boolean): TrustedDocumentsSettings {
  const mode = env('GATEWAY_TRUSTED_DOCUMENTS', production ? 'required' : 'allow');
  if (mode !== 'required' && mode !== 'allow' && mode !== 'off') throw new Error('GATEWAY_TRUSTED_DOCUMENTS must be required, allow or off');
  return {
    mode,
    manifestPath: path.resolve(env('GATEWAY_TRUSTED_DOCUMENTS_PATH', DEFAULT_TRUSTED_DOCUMENTS_PATH)),
    apq: { ttlSeconds: int('GATEWAY_APQ_TTL_SECONDS', 86_400), maxEntries: int('GATEWAY_APQ_MAX_ENTRIES', 10_000) },
  };
}

export function configFromEnv(): GatewayConfig {
  const production = env('NODE_ENV', 'development') === 'production';
  const gatewaySecret = secretFromEnv('WAVEGRAPH_GATEWAY_SECRET');
  const compose = env('GATEWAY_COMPOSE_FROM', '');
  const overrides = Object.fromEntries(
    Object.entries(process.env)
      .filter(([key, value]) => /^SUBGRAPH_[A-Z0-9_]+_URL$/.test(key) && value)
      .map(([key, value]) => [key.slice('SUBGRAPH_'.length, -'_URL'.length).toLowerCase(), value as string]),
  );
  return {
    port: int('GATEWAY_PORT', 4000),
    host: env('HOST', '127.0.0.1'),
    production,
    supergraphPath: path.resolve(env('SUPERGRAPH_PATH', DEFAULT_SUPERGRAPH_PATH)),
    composeFrom: compose ? parseSubgraphList(compose) : null,
    subgraphUrls: overrides,
    subgraphTimeoutMs: int('SUBGRAPH_TIMEOUT_MS', 10_000),
    resilience: {
      breakerThreshold: Math.max(1, int('GATEWAY_BREAKER_THRESHOLD', 5)),
      breakerHalfOpenMs: int('GATEWAY_BREAKER_HALF_OPEN_MS', 10_000),
      retryAttempts: int('GATEWAY_RETRY_ATTEMPTS', 2),
      retryBaseDelayMs: int('GATEWAY_RETRY_BASE_DELAY_MS', 50),
      retryMaxDelayMs: int('GATEWAY_RETRY_MAX_DELAY_MS', 500),
    },
    subgraphHttp: {
      connections: Math.max(1, int('GATEWAY_SUBGRAPH_CONNECTIONS', 128)),
      keepAliveTimeoutMs: int('GATEWAY_SUBGRAPH_KEEP_ALIVE_MS', 10_000),
      socketTimeoutMs: int('SUBGRAPH_TIMEOUT_MS', 10_000),
    },
    entityBatching: {
      enabled: flag('GATEWAY_ENTITY_BATCHING', true),
      maxRepresentations: Math.max(1, int('GATEWAY_ENTITY_BATCH_MAX_REPRESENTATIONS', 1_000)),
    },
    dedupeSubgraphReads: flag('GATEWAY_SUBGRAPH_DEDUPE', true),
    heapGrowingPercent: Math.max(0, int('GATEWAY_HEAP_GROWING_PERCENT', 100)),
    accessLog: flag('GATEWAY_ACCESS_LOG', true),
    entityCache: {
      enabled: flag('GATEWAY_ENTITY_CACHE', DEFAULT_ENTITY_CACHE.enabled),
      maxEntries: Math.max(1, int('GATEWAY_ENTITY_CACHE_MAX_ENTRIES', DEFAULT_ENTITY_CACHE.maxEntries)),
      maxTtlMs: int('GATEWAY_ENTITY_CACHE_MAX_TTL_MS', DEFAULT_ENTITY_CACHE.maxTtlMs),
      redis: flag('GATEWAY_ENTITY_CACHE_REDIS', DEFAULT_ENTITY_CACHE.redis),
      redisTimeoutMs: Math.max(1, int('GATEWAY_ENTITY_CACHE_REDIS_TIMEOUT_MS', DEFAULT_ENTITY_CACHE.redisTimeoutMs)),
      maxPurges: Math.max(1, int('GATEWAY_ENTITY_CACHE_MAX_PURGES', DEFAULT_ENTITY_CACHE.maxPurges)),
      eventsTransport: eventsTransport(env('EVENTS_TRANSPORT', DEFAULT_ENTITY_CACHE.eventsTransport)),
      natsUrl: env('NATS_URL', DEFAULT_ENTITY_CACHE.natsUrl),
    },
    executor: executorFromEnv(),
    planCache: { maxOperations: Math.max(1, int('GATEWAY_PLAN_CACHE_OPERATIONS', 1_000)) },
    gatewaySecret,
    jwksUrl: env('JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json'),
    jwksTimeoutMs: Math.max(1, int('GATEWAY_JWKS_TIMEOUT_MS', 10_000)),
    jwtIssuer: env('JWT_ISSUER', 'wavegraph-identity'),
    jwtAudience: env('JWT_AUDIENCE', 'wavegraph'),
    ide: ideFromEnv(production),
    csrfPrevention: env('GATEWAY_CSRF_PREVENTION', 'off') === 'on',
    // Apollo Sandbox, and the dev servers of Next/CRA (3000), Vite (5173) and vite preview (4173)
    corsOrigins: env('CORS_ORIGINS', production ? '' : DEV_ORIGINS)
      .split(',')
      .filter(Boolean),
    maxDepth: int('GATEWAY_MAX_DEPTH', 12),
    maxAliases: int('GATEWAY_MAX_ALIASES', 30),
    maxTokens: int('GATEWAY_MAX_TOKENS', 5_000),
    maxDirectives: int('GATEWAY_MAX_DIRECTIVES', 50),
    cost: {
      budgets: {
        anonymous: int('GATEWAY_COST_BUDGET_ANONYMOUS', 2_500),
        FREE: int('GATEWAY_COST_BUDGET_FREE', 3_000),
        PREMIUM: int('GATEWAY_COST_BUDGET_PREMIUM', 10_000),
        staff: int('GATEWAY_COST_BUDGET_STAFF', 50_000),
      },
      defaultListSize: int('GATEWAY_COST_DEFAULT_LIST_SIZE', 10),
    },
    subscriptions: {
      initTimeoutMs: int('GATEWAY_WS_INIT_TIMEOUT_MS', 3_000),
      maxPerConnection: int('GATEWAY_WS_MAX_SUBSCRIPTIONS', 20),
      bufferPerSubscription: int('GATEWAY_WS_BUFFER', 100),
      maxConnectionsPerUser: int('GATEWAY_WS_MAX_CONNECTIONS_PER_USER', 10),
      maxPayloadBytes: int('GATEWAY_WS_MAX_PAYLOAD_BYTES', 64 * 1024),
    },
    redisUrl: env('REDIS_URL', 'redis://127.0.0.1:6379'),
    redisPrefix: env('REDIS_PREFIX', 'wavegraph'),
    trustProxy: env('GATEWAY_TRUST_PROXY', 'loopback'),
    rateLimits: rateLimitsFromEnv(),
    trustedDocuments: trustedDocumentsFromEnv(production),
    idempotency: {
      ttlSeconds: Math.max(1, int('GATEWAY_IDEMPOTENCY_TTL_SECONDS', 86_400)),
      waitMs: int('GATEWAY_IDEMPOTENCY_WAIT_MS', 10_000),
      lockMs: Math.max(1_000, int('GATEWAY_IDEMPOTENCY_LOCK_MS', 60_000)),
      // their answers carry session tokens, which are kept nowhere in clear
      skipFields: env('GATEWAY_IDEMPOTENCY_SKIP_FIELDS', 'register,login,refreshSession').split(',').map((f) => f.trim()).filter(Boolean),
    },
    passThrough: parseSubgraphList(env('GATEWAY_PASS_THROUGH', '/uploads=media,/recordings=media,/media=media,/feeds=catalog,/webhooks=billing')).map(({ name, url }) => ({ prefix: name, subgraph: url })),
  };
}
