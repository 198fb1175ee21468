import type { ServiceMap } from '@apollo/gateway';
import { encodeViewer } from '@wavegraph/auth';
import type { BoundedQueue } from '@wavegraph/streams';
import type { ExecutionResult } from 'graphql';
import type { Logger } from 'pino';
import { EventCompleter, type EventRequest } from './complete-event';
import type { PlannedSupergraph, SubscriptionPlan } from './planner';
import { SharedSubscription } from './shared-subscription';
import type { FrameSink, SocketSubscriber } from './socket-subscriber';
import { UpstreamClients } from './upstream';
import type { Signer } from '../subgraph/signer';

export interface ExecutorOptions {
  signer: Signer;
  /** Per subgraph: the URL its subscriptions are opened on (HTTP URL; ws is derived). */
  subgraphUrl(name: string, supergraph: PlannedSupergraph): string | undefined;
  /** The data sources of the gateway's entity fetches, for the supergraph being served. */
  sources(supergraph: PlannedSupergraph): ServiceMap;
  bufferPerSubscription: number;
  /** The payload of a `next` message for a completed result, once per event (see SharedSubscriptionOptions.serialize). */
  serialize(result: ExecutionResult): string;
  log: Logger;
}

/** Variables the primary fetch uses, and only those: the upstream operation declares no others. */
function pick(variables: Record<string, unknown>, names: readonly string[] | undefined): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names ?? []) if (name in variables) picked[name] = variables[name];
  return picked;
}

/**
 * Runs planned subscriptions: identical ones (same operation, variables and viewer) share one
 * upstream subscription and one completion per event; each subscriber drains its own queue.
 */
export class SubscriptionExecutor {
  private readonly upstream: UpstreamClients;
  private readonly shared = new Map<string, SharedSubscription>();

  constructor(private readonly options: ExecutorOptions) {
    this.upstream = new UpstreamClients(options.signer, options.log);
  }

  /** An in-process subscriber: a queue of completed results. */
  subscribe(supergraph: PlannedSupergraph, plan: SubscriptionPlan, request: EventRequest): BoundedQueue<ExecutionResult> {
    return this.sharedFor(supergraph, plan, request).join(this.options.bufferPerSubscription);
  }

  /** A subscriber on a client's socket, sent each event's payload as serialized once for all (see SocketSubscriber). */
  subscribeSocket(supergraph: PlannedSupergraph, plan: SubscriptionPlan, request: EventRequest, id: string, sink: FrameSink): SocketSubscriber {
    return this.sharedFor(supergraph, plan, request).joinSocket(id, sink, this.options.bufferPerSubscription);
  }

  /** Open shared upstream subscriptions and subgraph connections, for tests and operators. */
  stats(): { subscribers: number; upstreamSubscriptions: number; upstreamConnections: number } {
    let subscribers = 0;
    for (const subscription of this.shared.values()) subscribers += subscription.subscribers;
    return { subscribers, upstreamSubscriptions: this.shared.size, upstreamConnections: this.upstream.size };
  }

  private sharedFor(supergraph: PlannedSupergraph, plan: SubscriptionPlan, request: EventRequest): SharedSubscription {
    const key = JSON.stringify([encodeViewer(request.viewer), request.query, request.operationName ?? null, request.variables]);
    return this.shared.get(key) ?? this.open(key, supergraph, plan, request);
  }

  async close(): Promise<void> {
    await this.upstream.close();
  }

  private open(key: string, supergraph: PlannedSupergraph, plan: SubscriptionPlan, request: EventRequest): SharedSubscription {
    const subgraph = plan.primary.serviceName;
    const url = this.options.subgraphUrl(subgraph, supergraph);
    const subscription = new SharedSubscription({
      subgraph,
      request,
      upstream: { query: plan.primary.operation, variables: pick(request.variables, plan.primary.variableUsages) },
      completer: new EventCompleter(plan, supergraph, this.options.sources(supergraph), this.options.log),
      open: (upstreamRequest, sink) => {
        if (!url) {
          sink.error(new Error(`no URL for subgraph ${subgraph}`));
          return () => undefined;
        }
        return this.upstream.subscribe(url, request.viewer, upstreamRequest, sink);
      },
      onClosed: () => {
        if (this.shared.get(key) === subscription) this.shared.delete(key);
      },
      serialize: this.options.serialize,
      log: this.options.log,
    });
    this.shared.set(key, subscription);
    subscription.start();
    return subscription;
  }
}
