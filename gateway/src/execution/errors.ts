import { ERRORS, errorCodeDef } from '@apollo/federation-internals';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export type ResponsePath = (string | number)[];

/**
 * A subgraph's error as the client sees it, exactly as @apollo/gateway words it: its message
 * (or a generic one), its path moved into the client's response, its extensions plus the
 * service name, and DOWNSTREAM_SERVICE_ERROR unless it carried a code of its own.
 */
export function downstreamError(original: GraphQLFormattedError, serviceName: string, path: ResponsePath | undefined): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = { originalError: original as Error, path, extensions: { ...original.extensions, serviceName } };
  const code = errorCodeDef(original);
  if (!code && original.extensions?.code) return new GraphQLError(message, options);
  return (code ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

/**
 * Every path, in the client's response, of the values a fetch at `path` ('@' for each list
 * element) was sent for, in order: an entity fetch's error at `_entities[i]` belongs to the i-th.
 */
export function hydratedPaths(path: ResponsePath, data: unknown): ResponsePath[] {
  const result: ResponsePath[] = [];
  const walk = (parent: ResponsePath, rest: ResponsePath, value: unknown): void => {
    if (value === null || value === undefined) return;
    const head = rest[0];
    if (head === undefined) {
      result.push(parent.slice());
    } else if (head === '@' || (typeof head === 'string' && Array.isArray(value))) {
      if (!Array.isArray(value)) throw new Error('expected array when encountering `@`');
      (value as unknown[]).forEach((element, index) => {
        parent.push(index);
        walk(parent, head === '@' ? rest.slice(1) : rest, element);
        parent.pop();
      });
    } else if (typeof head === 'string') {
      if (Object.prototype.hasOwnProperty.call(value, head)) {
        parent.push(head);
        walk(parent, rest.slice(1), (value as Record<string, unknown>)[head]);
        parent.pop();
      }
    } else {
      throw new Error(`unknown path part "${String(head)}"`);
    }
  };
  walk([], path, data);
  return result;
}
