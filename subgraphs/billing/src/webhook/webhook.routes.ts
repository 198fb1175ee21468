import type { Logger, SubgraphModule } from '@wavegraph/kit';
import express from 'express';
import type { WebhookService } from './webhook.service';

type App = Parameters<NonNullable<SubgraphModule<unknown>['routes']>>[0];

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';

/**
 * `POST /webhooks/stripe` (reached through the gateway's `/webhooks` pass-through): the body is
 * kept raw, as the signature covers its exact bytes. 400 for what Stripe should not resend (a bad
 * signature, a stale timestamp, no event), 500 when the effect could not be committed (Stripe retries).
 */
export function webhookRoutes(app: App, webhooks: WebhookService, log: Logger): void {
  app.post(STRIPE_WEBHOOK_PATH, express.raw({ type: () => true, limit: '512kb' }), async (req, res) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get('stripe-signature');
    try {
      const result = await webhooks.receive(body, signature);
      if (result.status === 400) res.status(400).json({ error: result.error });
      else res.status(200).json({ received: true, id: result.eventId, outcome: result.outcome, duplicate: result.duplicate });
    } catch (error) {
      log.error({ err: error }, 'a Stripe webhook could not be processed; Stripe will deliver it again');
      if (!res.headersSent) res.status(500).json({ error: 'The event could not be processed; it will be retried' });
    }
  });
  // a body Express could not read (too large) is Stripe's to fix, not ours to retry
  app.use(STRIPE_WEBHOOK_PATH, ((error, _req, res, next) => {
    if (res.headersSent) return next(error);
    res.status(error?.status === 413 ? 413 : 400).json({ error: 'The request body cannot be read' });
  }) as express.ErrorRequestHandler);
}
