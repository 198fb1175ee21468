import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { applyRewrites, isObjectOfType } from '@apollo/gateway/dist/dataRewrites';
import type { Operation } from '@apollo/federation-internals';
import { evaluateCondition, getResponseName, type FetchNode, type PlanNode, type QueryPlanSelectionNode } from '@apollo/query-planner';
import { Kind, type GraphQLError, type GraphQLSchema } from 'graphql';
import { downstreamError, hydratedPaths, type ResponsePath } from './errors';
import { deepMerge, flattenAtPath, hasOwn, type Data } from './merge';

/** One client request's plan execution: where fetched data and errors accumulate. */
export interface PlanRun {
  services: Record<string, GraphQLDataSource>;
  supergraphSchema: GraphQLSchema;
  operation: Operation;
  /** The client's variables as sent (subgraphs get them unchanged, as from @apollo/gateway). */
  variables: Record<string, unknown> | undefined;
  /** What each data source receives: the Apollo Server request context and the gateway's context. */
  incomingRequestContext: unknown;
  context: unknown;
  errors: (GraphQLError | Error)[];
}

// GraphQLDataSourceRequestKind.INCOMING_OPERATION: @apollo/gateway's index exports neither the enum nor its values
const INCOMING_OPERATION = 'incoming operation' as Extract<GraphQLDataSourceProcessOptions, { incomingRequestContext: unknown }>['kind'];

interface Cursor {
  path: ResponsePath;
  data: unknown;
  fullResult: Data;
}

/** The values of `requires` taken from an entity: its representation, or null when a required value is missing. */
function representationOf(schema: GraphQLSchema, source: unknown, selections: readonly QueryPlanSelectionNode[]): Data | null {
  if (source === null) return null;
  // a plain object (fast to build and to serialize): its keys are the supergraph's field names, never `__proto__`
  const result: Data = {};
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      const name = getResponseName(selection);
      const value = (source as Data)[name];
      if (!hasOwn(source as object, name) || value === undefined) return null;
      const inner = selection.selections;
      if (Array.isArray(value)) result[name] = value.map((element) => (inner ? representationOf(schema, element, inner) : element));
      else result[name] = inner ? representationOf(schema, value, inner) : value;
    } else if (selection.typeCondition && source && isObjectOfType(schema, source as Data, selection.typeCondition)) {
      deepMerge(result, representationOf(schema, source, selection.selections));
    }
  }
  return result;
}

function moveInto(cursor: Cursor, path: ResponsePath): Cursor | undefined {
  const data = flattenAtPath(cursor.data, path);
  return data ? { path: cursor.path.concat(path), data, fullResult: cursor.fullResult } : undefined;
}

async function fetchInto(run: PlanRun, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = run.services[fetch.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities = (Array.isArray(cursor.data) ? cursor.data.filter((entity) => entity !== null && entity !== undefined) : [cursor.data]) as Data[];
  if (entities.length < 1) return;
  const variables: Data = Object.create(null);
  for (const name of fetch.variableUsages ?? []) {
    if (run.variables && hasOwn(run.variables, name) && run.variables[name] !== undefined) variables[name] = run.variables[name];
  }
  const send = async (sent: Data): Promise<Data | null | undefined> => {
    const response = await service.process({
      kind: INCOMING_OPERATION,
      request: { query: fetch.operation, variables: sent, operationName: fetch.operationName },
      incomingRequestContext: run.incomingRequestContext as never,
      context: run.context as never,
      document: fetch.operationDocumentNode,
      pathInIncomingRequest: cursor.path,
    });
    if (response.errors) {
      let paths: ResponsePath[] | undefined;
      for (const error of response.errors) {
        let path: ResponsePath | undefined;
        if (fetch.requires && typeof error.path?.[1] === 'number') {
          paths ??= hydratedPaths(cursor.path, cursor.fullResult);
          path = [...(paths[error.path[1]] ?? []), ...error.path.slice(2)];
        } else {
          path = error.path ? [...cursor.path, ...error.path] : undefined;
        }
        run.errors.push(downstreamError(error, fetch.serviceName, path));
      }
    }
    return response.data as Data | null | undefined;
  };

  if (!fetch.requires) {
    const received = await send(variables);
    if (received) applyRewrites(run.supergraphSchema, fetch.outputRewrites, received);
    for (const entity of entities) deepMerge(entity, received);
    return;
  }
  const representations: Data[] = [];
  const owners: number[] = [];
  entities.forEach((entity, index) => {
    const representation = representationOf(run.supergraphSchema, entity, fetch.requires!);
    if (representation && representation.__typename) {
      applyRewrites(run.supergraphSchema, fetch.inputRewrites, representation);
      representations.push(representation);
      owners.push(index);
    }
  });
  if (representations.length < 1) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');
  const received = await send({ ...variables, representations });
  if (!received) return;
  const list = received._entities;
  if (!Array.isArray(list)) throw new Error('Expected "data._entities" in response to be an array');
  if (list.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  for (let i = 0; i < list.length; i += 1) {
    const entity = list[i] as Data | null;
    const existing = entities[owners[i]];
    if (entity && !entity.__typename) entity.__typename = existing.__typename;
    applyRewrites(run.supergraphSchema, fetch.outputRewrites, entity as Data);
    deepMerge(existing, entity);
  }
}

/**
 * Runs a query plan's nodes as @apollo/gateway's executeQueryPlan does (sequence, parallel,
 * flatten, fetch, condition), without its per-node tracing objects and spans. A failed fetch
 * adds its error and leaves its part of the data out; the others go on.
 */
export async function runNode(run: PlanRun, node: PlanNode, cursor: Cursor | undefined): Promise<void> {
  if (!cursor) return;
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await runNode(run, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => runNode(run, child, cursor)));
      return;
    case 'Flatten':
      return runNode(run, node.node, moveInto(cursor, node.path));
    case 'Fetch':
      try {
        await fetchInto(run, node, cursor);
      } catch (error) {
        run.errors.push(error as Error);
      }
      return;
    case 'Condition': {
      const branch = evaluateCondition(node, run.operation.variableDefinitions, run.variables) ? node.ifClause : node.elseClause;
      if (branch) await runNode(run, branch, cursor);
      return;
    }
    default:
      throw new Error(`${node.kind} nodes are not executed here`);
  }
}

export const rootCursor = (data: Data): Cursor => ({ path: [], data, fullResult: data });

