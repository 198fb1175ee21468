import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ENVELOPE_HEADERS, encodeViewer, signEncodedEnvelope } from '@wavegraph/auth';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import type { GatewayContext } from './context';

type GatewayGraphQLRequest = GraphQLDataSourceProcessOptions<GatewayContext>['request'];
type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;

export interface SubgraphSourceOptions {
  name: string;
  url: string;
  secret: string;
  timeoutMs: number;
  onUnavailable?: (name: string, error: unknown) => void;
}

/** Response keys of the root fields of an operation, to locate an error on each of them. */
function rootResponseKeys(query: string | undefined): string[] {
  if (!query) return [];
  const operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return (operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.alias?.value ?? s.name.value] : []));
}

/**
 * A subgraph fetch that carries the caller's identity in a signed envelope and, when the
 * subgraph cannot answer in time, gives the query planner a located error for each value it
 * was asked for, so the client gets partial data instead of a failed request.
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly options: SubgraphSourceOptions) {
    super({ url: options.url });
    this.fetcher = (url, init) => {
      const headers = { ...(init?.headers as Record<string, string>) };
      const signed = signEncodedEnvelope(
        options.secret,
        headers[ENVELOPE_HEADERS.viewer] ?? '',
        headers[ENVELOPE_HEADERS.requestId] ?? '',
        Date.now(),
        typeof init?.body === 'string' ? init.body : '',
      );
      return fetch(url, { ...init, headers: { ...headers, ...signed }, signal: AbortSignal.timeout(options.timeoutMs) } as RequestInit) as never;
    };
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      this.options.onUnavailable?.(this.options.name, error);
      return this.unavailable(options.request);
    }
  }

  /** States who the caller is; the fetcher signs it together with the exact bytes sent. */
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    request.http?.headers.set(ENVELOPE_HEADERS.viewer, encodeViewer(context.viewer ?? null));
    request.http?.headers.set(ENVELOPE_HEADERS.requestId, context.requestId ?? '');
  }

  private unavailable(request: GatewayGraphQLRequest): GatewayGraphQLResponse {
    const message = `The ${this.options.name} service is unavailable`;
    const extensions = { code: 'SUBGRAPH_UNAVAILABLE' };
    const representations = request.variables?.representations;
    const paths: (string | number)[][] = Array.isArray(representations)
      ? representations.map((_, index) => ['_entities', index])
      : rootResponseKeys(request.query).map((key) => [key]);
    return { data: null, errors: paths.map((path) => ({ message, path, extensions })) as never };
  }
}
