import type { Request, RequestHandler } from 'express';
import type { DocumentPolicy, DocumentRequest } from './trusted-documents';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** GET sends `extensions` as a JSON string; anything unreadable is left for Apollo Server to refuse. */
function extensionsOf(raw: unknown): Record<string, unknown> | undefined {
  if (isRecord(raw)) return raw;
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function documentRequest(operation: unknown): DocumentRequest {
  if (!isRecord(operation)) return { query: undefined, hash: undefined };
  const persisted = extensionsOf(operation.extensions)?.persistedQuery;
  const hash = isRecord(persisted) && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
  return { query: typeof operation.query === 'string' ? operation.query : undefined, hash };
}

/** The operations of a request: a POST body (one, or a batch) or a GET's query string. */
function operationsOf(source: unknown): unknown[] {
  return Array.isArray(source) ? source : [source];
}

/** The body a request refused by the policy gets (HTTP 400), if any of its operations is refused. */
export function documentsRefusal(policy: DocumentPolicy, source: unknown): { errors: { message: string; extensions: { code: unknown } }[] } | undefined {
  for (const operation of operationsOf(source)) {
    const error = policy.refusal(documentRequest(operation));
    if (error) return { errors: [{ message: error.message, extensions: { code: error.extensions.code } }] };
  }
  return undefined;
}

/**
 * Applies the trusted-documents policy to an HTTP request before Apollo Server parses it, so a
 * refused operation costs one hash and reaches no subgraph: HTTP 400 with the error's code.
 */
export function trustedDocumentsGuard(policy: DocumentPolicy): RequestHandler {
  return (req: Request, res, next) => {
    if (req.method !== 'GET' && req.method !== 'POST') return next();
    const refused = documentsRefusal(policy, req.method === 'GET' ? req.query : req.body);
    if (refused) {
      res.status(400).json(refused);
      return;
    }
    next();
  };
}
