import path from 'node:path';
import { DEV_GATEWAY_SECRET } from '@wavegraph/auth';

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
  subgraphTimeoutMs: number;
  gatewaySecret: string;
  jwksUrl: string;
  jwtIssuer: string;
  jwtAudience: string;
  corsOrigins: string[];
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  cost: CostLimits;
  /** Non-GraphQL routes streamed to a subgraph unchanged (media's uploads and playback). */
  passThrough: { prefix: string; subgraph: string }[];
  subscriptions: SubscriptionLimits;
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
}

export const DEFAULT_SUPERGRAPH_PATH = path.resolve(__dirname, '../../schema/supergraph.graphql');

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

export function configFromEnv(): GatewayConfig {
  const production = env('NODE_ENV', 'development') === 'production';
  const gatewaySecret = env('WAVEGRAPH_GATEWAY_SECRET', DEV_GATEWAY_SECRET);
  if (production && gatewaySecret === DEV_GATEWAY_SECRET) throw new Error('WAVEGRAPH_GATEWAY_SECRET must be set in production');
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
    gatewaySecret,
    jwksUrl: env('JWKS_URL', 'http://127.0.0.1:4001/.well-known/jwks.json'),
    jwtIssuer: env('JWT_ISSUER', 'wavegraph-identity'),
    jwtAudience: env('JWT_AUDIENCE', 'wavegraph'),
    corsOrigins: env('CORS_ORIGINS', production ? '' : 'https://studio.apollographql.com,http://localhost:3000')
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
    },
    passThrough: parseSubgraphList(env('GATEWAY_PASS_THROUGH', '/uploads=media,/media=media')).map(({ name, url }) => ({ prefix: name, subgraph: url })),
  };
}
