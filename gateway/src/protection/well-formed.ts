import type { ApolloServerPlugin } from '@apollo/server';
import type { ErrorRequestHandler } from 'express';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';

const NUL = '\u0000';

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([key, item]) => key.includes(NUL) || containsNul(item));
  return false;
}

/**
 * U+0000 is valid in GraphQL and JSON strings but not in a Postgres text value: let through, it
 * fails deep inside a subgraph as a 500 after part of the work is done. Refused here, for every
 * argument of every subgraph, whether it came as a literal or a variable.
 */
// documents are parsed once per text and reused: whether one holds a NUL literal is looked at once
const literalNul = new WeakMap<DocumentNode, boolean>();

function hasNulLiteral(document: DocumentNode): boolean {
  let found = literalNul.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      [Kind.STRING]: (node) => {
        if (node.value.includes(NUL)) found = true;
      },
    });
    literalNul.set(document, found);
  }
  return found;
}

export function nulCharacterError(document: DocumentNode, variables: Record<string, unknown> | undefined): GraphQLError | undefined {
  if (!containsNul(variables ?? {}) && !hasNulLiteral(document)) return undefined;
  return new GraphQLError('Text must not contain the NUL character (U+0000)', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/**
 * Refuses, before planning, what @apollo/gateway would otherwise answer with a 500: an operation
 * name the document does not define (or no name for several operations), and NUL characters.
 */
export function wellFormedPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, document }) {
          if (!operation) {
            const message = request.operationName ? `Unknown operation named "${request.operationName}"` : 'The document has several operations: name the one to run (operationName)';
            throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
          }
          const nul = nulCharacterError(document, request.variables);
          if (nul) throw nul;
          // the executor plans queries and mutations only: say where subscriptions go instead of failing inside it
          if (operation.operation === 'subscription') {
            throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) on this same path: ws(s)://<host>/graphql', {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/** The answer to a body that cannot be read (body-parser's error types), as a GraphQL error with its status. */
export function bodyRefusal(type: string | undefined, status: number | undefined): { status: number; body: { errors: { message: string; extensions: { code: string } }[] } } {
  const message = type === 'entity.too.large' ? 'The request body is too large' : type === 'entity.parse.failed' ? 'The request body is not valid JSON' : 'The request body cannot be read';
  return { status: status && status >= 400 && status < 500 ? status : 400, body: { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] } };
}

/** What a body the JSON parser refused gets: a GraphQL error with its status, never Express's HTML page. */
export const bodyErrors: ErrorRequestHandler = (error: { status?: number; type?: string; message?: string }, _req, res, next) => {
  if (res.headersSent) return next(error);
  const refusal = bodyRefusal(error.type, error.status);
  res.status(refusal.status).json(refusal.body);
};
