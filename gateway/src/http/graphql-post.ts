import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Viewer } from '@wavegraph/auth';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth';
import type { GatewayContext } from '../context';
import { documentsRefusal } from '../documents/http';
import type { DocumentPolicy } from '../documents/trusted-documents';
import { countOperation } from '../protection/operations';
import type { RateLimits } from '../protection/rate-limits';
import { bodyRefusal } from '../protection/well-formed';
import { accessRecordOf } from './access-log';
import { requestIdOf, traceparentOf } from './request-id';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

export interface GraphQLPostOptions {
  apollo: ApolloServer<GatewayContext>;
  /** The same CORS middleware the Express route uses (cors works on plain Node requests). */
  cors: Middleware;
  verifyToken: TokenVerifier;
  rateLimits: RateLimits;
  documents: DocumentPolicy;
  /** The caller's address through trusted proxies only, as Express's req.ip has it. */
  clientIp(req: IncomingMessage): string;
  /** Largest body read, in bytes. */
  maxBodyBytes: number;
  log: Logger;
}

/** Only what body-parser's JSON parser reads as plain UTF-8 JSON is taken; the rest goes to Express. */
function takes(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const url = req.url ?? '';
  if (url !== '/graphql' && !url.startsWith('/graphql?')) return false;
  const type = req.headers['content-type'];
  if (!type) return false;
  const [media, ...parameters] = type.toLowerCase().split(';').map((part) => part.trim());
  if (media !== 'application/json') return false;
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8') return false;
  const encoding = req.headers['content-encoding'];
  return encoding === undefined || encoding === 'identity';
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The body, at most `limit` bytes; null once the limit is passed (the rest is read and dropped); undefined when the client went away. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('aborted', () => resolve(undefined));
    req.on('error', reject);
  });
}

/** JSON as body-parser's strict parser takes it: an object or an array; an empty body is `{}`. */
function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  const text = raw.toString('utf8');
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) return { ok: true, value: {} };
  if (first !== '{' && first !== '[') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * The gateway's hot path: a GraphQL POST with a JSON body handled on Node's own request and
 * response, not through Express's router, body-parser and response helpers, which were a fifth
 * of a small request's CPU. It runs the very steps of the Express route, in its order (CORS, the
 * body within its limit, the request id, the caller's token, the rate limit, trusted documents,
 * then Apollo Server's own request pipeline with every plugin) and answers alike; anything else
 * (GET, other content types or encodings, preflights) still goes through Express.
 */
export function graphqlPostHandler(options: GraphQLPostOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req, options.maxBodyBytes);
    if (raw === undefined) return;
    if (raw === null) {
      const refusal = bodyRefusal('entity.too.large', 413);
      return send(res, refusal.status, refusal.body);
    }
    const parsed = parseJson(raw);
    if (!parsed.ok) {
      const refusal = bodyRefusal('entity.parse.failed', 400);
      return send(res, refusal.status, refusal.body);
    }
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    const authorization = req.headers.authorization;
    // verified once: the rate limit needs the caller before Apollo does
    const viewer: Promise<Viewer | null> = options.verifyToken(authorization);
    viewer.catch(() => undefined);
    const clientIp = options.clientIp(req);
    const verdict = await countOperation(options.rateLimits, viewer, clientIp);
    for (const [name, value] of Object.entries(verdict.headers)) res.setHeader(name, value);
    if (verdict.refused) return send(res, verdict.refused.status, verdict.refused.body);
    const refused = documentsRefusal(options.documents, parsed.value);
    if (refused) return send(res, 400, refused);

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '';
    const question = url.indexOf('?');
    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: question === -1 ? '' : url.slice(question), body: parsed.value },
      context: async () => ({ viewer: await viewer, requestId, traceparent: traceparentOf(req.headers.traceparent), clientIp, access: accessRecordOf(req) }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  return (req, res) => {
    if (!takes(req)) return false;
    options.cors(req, res, (error?: unknown) => {
      if (error) {
        options.log.error({ err: error }, 'unexpected error outside GraphQL');
        return send(res, 500, { error: 'internal server error' });
      }
      handle(req, res).catch((failure: unknown) => {
        options.log.error({ err: failure }, 'unexpected error outside GraphQL');
        if (!res.headersSent) send(res, 500, { error: 'internal server error' });
        else res.destroy();
      });
    });
    return true;
  };
}
