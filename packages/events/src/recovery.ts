import type { Logger } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { applyOnce, type EventHandler } from './apply';
import type { Producer } from './contract';
import { checkEnvelope, PoisonMessage, type EventEnvelope } from './envelope';
import type { LoggedEvent } from './log';
import type { ProducerLogs } from './log-client';
import { advanceWatermark, markSeen, setWatermark } from './positions';

export interface RecoveryOptions {
  dataSource: DataSource;
  group: string;
  producers: readonly Producer[];
  /** Handlers by `type@version`, as the consumer has them. */
  handlers: ReadonlyMap<string, EventHandler[]>;
  handledTypes: ReadonlySet<string>;
  logs: ProducerLogs;
  log: Logger;
  /** A number below one already delivered is missing once its event was sent this long ago. Default 5 s. */
  gapGraceMs?: number;
  /**
   * A number above every one delivered (nothing after it has arrived) is missing after this,
   * unless the transport says it has nothing more for this consumer (then the gap grace applies).
   * Default 60 s.
   */
  tailGraceMs?: number;
  /** Whether the transport has delivered everything it holds of the producer's stream to this consumer (nothing unread, nothing pending). */
  drained?: (producer: Producer) => Promise<boolean>;
  /** Most events fetched from one producer's log in one round. Default 10,000. */
  maxPerRound?: number;
  /** Where an event the log holds but this context cannot read goes (as the live consumer would dead-letter it). */
  deadLetter(event: EventEnvelope, reason: string): Promise<void>;
  afterApply?: (events: EventEnvelope[]) => void | Promise<void>;
}

export const RECOVERY_DEFAULTS = { gapGraceMs: 5_000, tailGraceMs: 60_000, maxPerRound: 10_000 } as const;

export interface ProducerRecovery {
  producer: Producer;
  /** Everything up to here was seen. */
  watermark: number;
  /** The newest number in the producer's log at the check. */
  head: number;
  /** Events past their grace period the transport had not delivered and that could not be applied from the log either (0 when caught up; the last round's while the log cannot be read). */
  missing: number;
  /** Events past their grace period the transport had not delivered, found in this round. */
  overdue: number;
  /** Events applied from the log in this round (not counting those the inbox found applied already). */
  recovered: number;
  /** Numbers older than the log keeps: lost for good (the watermark moved over them). */
  unrecoverable: number;
  /** Why the log could not be read, if it could not. */
  error?: string;
}

export interface RecoveryRound {
  producers: ProducerRecovery[];
}

/**
 * Finds the events a consumer's transport lost (Redis came back empty, a stream was trimmed
 * past it, a group was created late) by comparing what it has seen with each producer's
 * durable log, and applies them from the log. The inbox makes a race with the live consumer
 * harmless. Cross-producer rules do not depend on arrival order (see ORDERING.md), so events
 * recovered late give the same result.
 */
export class LogRecovery {
  private last: RecoveryRound | undefined;
  private running: Promise<RecoveryRound> | undefined;

  constructor(private readonly options: RecoveryOptions) {}

  /** The last round's findings, for /ready and metrics. */
  get lastRound(): RecoveryRound | undefined {
    return this.last;
  }

  /** Producers whose log held events the transport had not delivered in time at the last round, with how many (empty when none). */
  behind(): { producer: Producer; missing: number }[] {
    return (this.last?.producers ?? []).filter((p) => p.overdue > 0).map(({ producer, overdue }) => ({ producer, missing: overdue }));
  }

  /** One round over every producer; concurrent calls share it. `graceMs: 0` once the transport is known to have lost state. */
  check(overrides: { graceMs?: number } = {}): Promise<RecoveryRound> {
    this.running ??= this.round(overrides.graceMs).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Reads `producer`'s log again from `from` (an operator's request); the inbox skips what was applied. */
  async rewind(producer: Producer, from: number): Promise<void> {
    await setWatermark(this.options.dataSource, this.options.group, producer, Math.max(0, from - 1), true);
  }

  private async round(graceMs?: number): Promise<RecoveryRound> {
    const producers: ProducerRecovery[] = [];
    for (const producer of this.options.producers) producers.push(await this.recover(producer, graceMs));
    this.last = { producers };
    return this.last;
  }

  private async recover(producer: Producer, graceOverride?: number): Promise<ProducerRecovery> {
    const { dataSource, group } = this.options;
    const gapGrace = graceOverride ?? this.options.gapGraceMs ?? RECOVERY_DEFAULTS.gapGraceMs;
    let tailGrace = graceOverride ?? this.options.tailGraceMs ?? RECOVERY_DEFAULTS.tailGraceMs;
    const maxPerRound = this.options.maxPerRound ?? RECOVERY_DEFAULTS.maxPerRound;
    const report: ProducerRecovery = { producer, watermark: 0, head: 0, missing: 0, overdue: 0, recovered: 0, unrecoverable: 0 };
    try {
      // the stream holds nothing more for us: what is not seen by now is not coming that way
      if (tailGrace > gapGrace && (await this.options.drained?.(producer).catch(() => false))) tailGrace = gapGrace;
      let mark = await advanceWatermark(dataSource, group, producer);
      let fetched = 0;
      let failed = false;
      let cursor = mark.through;
      for (;;) {
        const page = await this.options.logs.page(producer, cursor, 1_000);
        report.head = page.head;
        if (page.tail > cursor + 1) {
          // older than the log keeps: nothing can bring them back
          const lost = page.tail - 1 - cursor;
          report.unrecoverable += lost;
          if (cursor > 0) this.options.log.error({ group, producer, from: cursor + 1, to: page.tail - 1 }, 'events lost for good: older than the producer keeps its log');
          await setWatermark(dataSource, group, producer, page.tail - 1);
          mark = await advanceWatermark(dataSource, group, producer);
          cursor = mark.through;
          continue;
        }
        const seen = new Set(mark.above);
        const highestSeen = mark.above.length ? mark.above[mark.above.length - 1] : mark.through;
        let waiting = false;
        for (const event of page.events) {
          if (seen.has(event.seq)) continue;
          const grace = event.seq < highestSeen ? gapGrace : tailGrace;
          if (Date.now() - Date.parse(event.publishedAt) < grace) {
            // maybe still on its way through the transport; looked at again next round
            waiting = true;
            continue;
          }
          report.overdue += 1;
          // after a failure the rest are only counted: applied next round, in order
          const outcome = failed ? 'failed' : await this.apply(producer, event);
          if (outcome === 'failed') {
            failed = true;
            report.missing += 1;
          }
          if (outcome === 'applied') report.recovered += 1;
        }
        fetched += page.events.length;
        if (failed || !page.events.length || page.events[page.events.length - 1].seq >= page.head || fetched >= maxPerRound || waiting) break;
        cursor = page.events[page.events.length - 1].seq;
      }
      return await this.finish(report, dataSource, producer);
    } catch (error) {
      report.error = (error as Error).message;
      // unknown while the log cannot be read: what was missing stays missing
      report.missing = this.last?.producers.find((p) => p.producer === producer)?.missing ?? 0;
      this.options.log.warn({ err: error, group, producer }, 'cannot compare with the producer\'s log; will retry');
      return report;
    }
  }

  private async finish(report: ProducerRecovery, dataSource: DataSource, producer: Producer): Promise<ProducerRecovery> {
    const mark = await advanceWatermark(dataSource, this.options.group, producer);
    report.watermark = mark.through;
    if (report.recovered) this.options.log.warn({ group: this.options.group, producer, recovered: report.recovered, watermark: mark.through }, 'events the transport lost were applied from the producer\'s log');
    return report;
  }

  /** Applies one event from the log as the live consumer would; a failure is retried next round. */
  private async apply(producer: Producer, logged: LoggedEvent): Promise<'applied' | 'seen' | 'failed'> {
    const { dataSource, group } = this.options;
    const { publishedAt: _publishedAt, ...raw } = logged;
    const seen = [{ producer, seq: logged.seq }];
    if (!this.options.handledTypes.has(logged.type)) {
      await markSeen(dataSource, group, seen);
      return 'seen';
    }
    let event: EventEnvelope;
    try {
      event = checkEnvelope(raw);
      if (!this.options.handlers.has(`${event.type}@${event.version}`)) throw new PoisonMessage(`${group} has no handler for ${event.type} version ${event.version}`);
    } catch (error) {
      if (!(error instanceof PoisonMessage)) throw error;
      await this.options.deadLetter(raw, error.message);
      await markSeen(dataSource, group, seen);
      return 'seen';
    }
    try {
      const fresh = await applyOnce(dataSource, group, event, this.options.handlers.get(`${event.type}@${event.version}`) ?? []);
      if (!fresh) return 'seen';
      await this.options.afterApply?.([event]);
      return 'applied';
    } catch (error) {
      this.options.log.warn({ err: error, group, producer, seq: logged.seq, type: logged.type }, 'applying an event from the producer\'s log failed; will retry');
      return 'failed';
    }
  }
}
