import type { Logger } from '@wavegraph/kit';
import Stripe from 'stripe';
import type { DataSource } from 'typeorm';
import { stripeTime } from '../subscription/subscription.state';
import type { WebhookHandler } from './webhook.handlers';

export type WebhookResult =
  | { status: 400; error: string }
  | { status: 200; eventId: string; outcome: string; duplicate: boolean };

export interface WebhookSettings {
  secret: string;
  toleranceSeconds: number;
}

/**
 * Stripe's webhooks: the signature and its timestamp checked with the SDK on the raw body (a bad
 * one writes nothing), each event processed once (its id inserted in the transaction of its
 * effect), and an answer only after that transaction committed: a failure throws, the route
 * answers 5xx and Stripe delivers the event again.
 */
export class WebhookService {
  constructor(
    private readonly stripe: Stripe,
    private readonly dataSource: DataSource,
    private readonly handlers: Record<string, WebhookHandler>,
    private readonly settings: WebhookSettings,
    private readonly log: Logger,
  ) {}

  async receive(rawBody: Buffer, signature: string | undefined): Promise<WebhookResult> {
    if (!signature) return { status: 400, error: 'Missing Stripe-Signature header' };
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.settings.secret, this.settings.toleranceSeconds);
    } catch (error) {
      const message = error instanceof Stripe.errors.StripeSignatureVerificationError ? error.message : 'The body is not a Stripe event';
      this.log.warn({ reason: message }, 'refused a Stripe webhook');
      return { status: 400, error: message };
    }
    return this.process(event);
  }

  private async process(event: Stripe.Event): Promise<WebhookResult> {
    if (await this.seen(event.id)) return { status: 200, eventId: event.id, outcome: 'duplicate', duplicate: true };
    const handler = this.handlers[event.type];
    const prepared = handler?.prepare ? await handler.prepare(event) : undefined;
    const result = await this.dataSource.transaction(async (tx) => {
      // the id first: a concurrent delivery of the same event waits here, then finds it taken
      const claimed: unknown[] = await tx.query(
        `INSERT INTO stripe_events (event_id, type, stripe_created_at, outcome) VALUES ($1, $2, $3, 'pending') ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
        [event.id, event.type, stripeTime(event.created)],
      );
      if (claimed.length === 0) return { outcome: 'duplicate', duplicate: true };
      const outcome = handler ? await handler.apply(tx, event, prepared) : 'ignored: not an event billing handles';
      await tx.query('UPDATE stripe_events SET outcome = $2 WHERE event_id = $1', [event.id, outcome]);
      return { outcome, duplicate: false };
    });
    this.log.info({ eventId: event.id, type: event.type, outcome: result.outcome }, 'Stripe webhook processed');
    return { status: 200, eventId: event.id, ...result };
  }

  private async seen(eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM stripe_events WHERE event_id = $1', [eventId]);
    return rows.length > 0;
  }
}
