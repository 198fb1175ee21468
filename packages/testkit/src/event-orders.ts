import { applyOnce, envelopeOf, handlersByType, type EventContract, type EventEnvelope, type EventHandler } from '@wavegraph/events';

/** The database the events are applied to (a consumer's own). */
type DataSource = Parameters<typeof applyOnce>[0];

/** An event as a producer would have sent it, checked against its contract; `occurredAt` and `position` may be set to tell a story. */
export function eventOf<P>(
  contract: EventContract<P>,
  aggregateId: string,
  payload: P,
  overrides: Partial<Pick<EventEnvelope<P>, 'id' | 'position' | 'occurredAt'>> = {},
): EventEnvelope<P> {
  return envelopeOf(contract, aggregateId, payload, overrides);
}

/**
 * Applies events one by one, each in its own transaction, with a consumer's handlers, exactly as
 * its live consumer would (inbox included); returns how many were new to the inbox.
 */
export async function applyInOrder(dataSource: DataSource, consumer: string, handlers: readonly EventHandler[], events: readonly EventEnvelope<unknown>[]): Promise<number> {
  const byType = handlersByType(handlers);
  let applied = 0;
  for (const event of events) {
    const own = byType.get(`${event.type}@${event.version}`) ?? [];
    if (await applyOnce(dataSource, consumer, event, own)) applied += 1;
  }
  return applied;
}

/** Every order of `items` (n! of them: meant for the two to four facts of one rule). */
export function everyOrder<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) => everyOrder([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
