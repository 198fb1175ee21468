import type { SubgraphPayload } from './exchange';
import type { GatewayGraphQLResponse } from './types';

/** Merging of concurrent `_entities` fetches (GATEWAY_ENTITY_BATCH_*). */
export interface EntityBatchSettings {
  /** Merge concurrent entity fetches of the same shape and viewer. Default true. */
  enabled: boolean;
  /** Most representations in one merged request; a larger batch is split. Default 1000. */
  maxRepresentations: number;
}

type Representations = unknown[];
type EntityError = NonNullable<GatewayGraphQLResponse['errors']>[number];

interface Member {
  representations: Representations;
  resolve(response: GatewayGraphQLResponse): void;
  reject(error: unknown): void;
}

interface Batch<C> {
  payload: SubgraphPayload;
  /** Who the first member fetches for: the merged request is sent as theirs (same viewer by the key). */
  caller: C;
  members: Member[];
  size: number;
}

export const representationsOf = (payload: SubgraphPayload): Representations | undefined => {
  const representations = payload.variables?.representations;
  return Array.isArray(representations) ? representations : undefined;
};

/** Index of the member whose slice of the merged representations holds `index`. */
function ownerOf(starts: number[], index: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= index) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * Splits the answer to a merged `_entities` request back into one answer per member: each gets
 * its slice of `_entities`, the errors located in that slice (their index made relative to it),
 * and every error located nowhere in particular, so one failing representation fails only the
 * request it came from.
 */
export function splitEntities(response: GatewayGraphQLResponse, sizes: number[]): GatewayGraphQLResponse[] {
  const starts: number[] = [];
  let total = 0;
  for (const size of sizes) {
    starts.push(total);
    total += size;
  }
  const entities = (response.data as { _entities?: unknown } | null | undefined)?._entities;
  const whole = Array.isArray(entities) && entities.length === total;
  const errors: EntityError[][] = sizes.map(() => []);
  for (const error of response.errors ?? []) {
    const path = error.path;
    if (whole && path?.[0] === '_entities' && typeof path[1] === 'number' && path[1] >= 0 && path[1] < total) {
      const owner = ownerOf(starts, path[1]);
      errors[owner].push({ ...error, path: ['_entities', path[1] - starts[owner], ...path.slice(2)] } as EntityError);
    } else {
      for (const list of errors) list.push(error);
    }
  }
  return sizes.map((size, member) => {
    const { data, errors: _all, ...rest } = response;
    // an answer that is not one entity per representation reaches every member whole: each fails as it would alone
    const own = whole ? { ...(data as object), _entities: (entities as unknown[]).slice(starts[member], starts[member] + size) } : data;
    return { ...rest, data: own, ...(errors[member].length > 0 && { errors: errors[member] }) } as GatewayGraphQLResponse;
  });
}

/**
 * Concurrent `_entities` fetches of the same shape to the same subgraph, from any client
 * requests within one turn of the event loop, become one subgraph request: representations
 * concatenated in arrival order, the answer split back (splitEntities). The caller decides what
 * may merge through the key: it must hold the viewer, so no response ever carries another
 * viewer's data. A fetch alone in its turn is sent as it is.
 */
export class EntityBatcher<C> {
  private pending = new Map<string, Batch<C>[]>();
  private scheduled = false;

  constructor(
    private readonly settings: EntityBatchSettings,
    private readonly send: (payload: SubgraphPayload, caller: C) => Promise<GatewayGraphQLResponse>,
  ) {}

  fetch(key: string, payload: SubgraphPayload, caller: C): Promise<GatewayGraphQLResponse> {
    const representations = representationsOf(payload);
    if (!this.settings.enabled || !representations) return this.send(payload, caller);
    return new Promise((resolve, reject) => {
      let batches = this.pending.get(key);
      if (!batches) this.pending.set(key, (batches = []));
      let batch = batches[batches.length - 1];
      if (!batch || batch.size + representations.length > this.settings.maxRepresentations) {
        batch = { payload, caller, members: [], size: 0 };
        batches.push(batch);
      }
      batch.members.push({ representations, resolve, reject });
      batch.size += representations.length;
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const batches of pending.values()) for (const batch of batches) this.sendBatch(batch);
  }

  private sendBatch({ payload, caller, members }: Batch<C>): void {
    if (members.length === 1) {
      this.send(payload, caller).then(members[0].resolve, members[0].reject);
      return;
    }
    const representations = members.flatMap((member) => member.representations);
    const merged = { ...payload, variables: { ...payload.variables, representations } };
    this.send(merged, caller).then(
      (response) => {
        const parts = splitEntities(response, members.map((member) => member.representations.length));
        members.forEach((member, index) => member.resolve(parts[index]));
      },
      (error: unknown) => members.forEach((member) => member.reject(error)),
    );
  }
}
