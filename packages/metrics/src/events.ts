import { Counter, type Registry } from 'prom-client';
import { metricOnce } from './registry';
import { ScrapedGauges } from './scraped';

/** The transactional outbox of a producing context, read from its table at each scrape. */
export function outboxGauges(registry: Registry) {
  return ScrapedGauges.of(registry, 'outbox', {
    backlog: { name: 'wavegraph_outbox_backlog', help: 'Outbox rows not yet relayed to the event stream, per producing context', labelNames: ['context'] },
    oldestAge: {
      name: 'wavegraph_outbox_oldest_unsent_age_seconds',
      help: 'Age of the oldest outbox row not yet relayed (0 when none waits), per producing context',
      labelNames: ['context'],
    },
  });
}

/** A consumer group's position on each stream it reads (XINFO GROUPS) and its dead letters, at each scrape. */
export function consumerGauges(registry: Registry) {
  return ScrapedGauges.of(registry, 'consumer', {
    lag: { name: 'wavegraph_consumer_lag', help: 'Stream entries not yet delivered to the consumer group (XINFO GROUPS lag)', labelNames: ['group', 'stream'] },
    pending: { name: 'wavegraph_consumer_pending', help: 'Entries delivered to the group and not yet acknowledged', labelNames: ['group', 'stream'] },
    deadLetters: { name: 'wavegraph_dead_letters', help: 'Messages in the group\'s dead-letter stream, waiting for an operator', labelNames: ['group'] },
    missing: { name: 'wavegraph_consumer_missing_events', help: 'Events of the producer\'s durable log past their grace period that the group had neither received nor could apply from the log at its last comparison (0 when caught up)', labelNames: ['group', 'producer'] },
  });
}

export function eventCounters(registry: Registry) {
  return {
    relayed: metricOnce(registry, 'wavegraph_events_relayed_total', () => new Counter({
      name: 'wavegraph_events_relayed_total',
      help: 'Events moved from the outbox to the producer\'s stream',
      labelNames: ['context'] as const,
      registers: [registry],
    })),
    handled: metricOnce(registry, 'wavegraph_events_handled_total', () => new Counter({
      name: 'wavegraph_events_handled_total',
      help: 'Events a consumer group took from its streams, by outcome: applied, duplicate, skipped, failed, dead_lettered',
      labelNames: ['group', 'outcome'] as const,
      registers: [registry],
    })),
    recovered: metricOnce(registry, 'wavegraph_events_recovered_total', () => new Counter({
      name: 'wavegraph_events_recovered_total',
      help: 'Events the transport lost that a consumer group applied from the producer\'s durable log',
      labelNames: ['group', 'producer'] as const,
      registers: [registry],
    })),
  };
}

/** Billing's sagas still open (RUNNING or COMPENSATING) and how long the oldest has not moved, read at each scrape. */
export function sagaGauges(registry: Registry) {
  return ScrapedGauges.of(registry, 'sagas', {
    open: { name: 'wavegraph_billing_sagas_open', help: 'Billing sagas not finished yet, by status (RUNNING, COMPENSATING)', labelNames: ['status'] },
    oldestAge: { name: 'wavegraph_billing_saga_oldest_open_age_seconds', help: 'Seconds since the oldest open billing saga last moved, by status (a stuck saga grows it)', labelNames: ['status'] },
  });
}
