import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import qs from 'qs';
import Stripe from 'stripe';

/** A request the server received, as the SDK sent it (form body decoded the way Stripe decodes it). */
export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  stripeVersion: string | undefined;
}

type StripeObject = Record<string, unknown> & { id: string; object: string };

const now = (): number => Math.floor(Date.now() / 1000);
const DAY = 86_400;
const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;

export const TEST_WEBHOOK_SECRET = 'whsec_wavegraph_test_secret';
export const TEST_SECRET_KEY = 'sk_test_wavegraph_test_key';
export const TEST_PREMIUM_PRICE = 'price_test_premium_monthly';
const PREMIUM_AMOUNT = 499;

/**
 * A local stand-in for api.stripe.com speaking only what billing uses (customers create,
 * checkout.sessions create, billing_portal.sessions create, subscriptions retrieve/update/cancel,
 * invoices retrieve, charges retrieve, refunds create) with Stripe's object shapes, recording every request.
 * It also plays Stripe's side of a purchase (`completeCheckout`) and builds webhook events
 * signed with the SDK's own test helper.
 */
export class StripeTestServer {
  readonly requests: RecordedRequest[] = [];
  readonly customers = new Map<string, StripeObject>();
  readonly sessions = new Map<string, StripeObject>();
  readonly subscriptions = new Map<string, StripeObject>();
  readonly charges = new Map<string, StripeObject>();
  readonly refunds = new Map<string, StripeObject>();
  readonly invoices = new Map<string, StripeObject>();
  /** Answers already given per Idempotency-Key: a request sent again with its key gets the same answer, as at Stripe. */
  private readonly idempotent = new Map<string, { status: number; body: string }>();
  /** Answer the next N API requests with this status (a Stripe outage); 0 answers normally. */
  failNext = { count: 0, status: 500 };
  private server?: Server;
  private readonly sdk = new Stripe(TEST_SECRET_KEY);

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the Stripe test server is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    // the SDK keeps its connections alive: they end with the server
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests to one endpoint, e.g. `requestsTo('POST', '/v1/checkout/sessions')`. */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  /**
   * What Stripe does when the buyer pays: the session completes, a subscription (active, a month
   * long), its first invoice and charge exist. Returns the `checkout.session.completed` event.
   */
  completeCheckout(sessionId: string, options: { created?: number } = {}): Stripe.Event {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no checkout session ${sessionId}`);
    const created = options.created ?? now();
    const customer = String(session.customer);
    const subscriptionId = newId('sub');
    const invoice = newId('in');
    const subscription: StripeObject = {
      id: subscriptionId,
      object: 'subscription',
      created,
      customer,
      status: 'active',
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      collection_method: 'charge_automatically',
      currency: 'usd',
      latest_invoice: invoice,
      livemode: false,
      metadata: (session.subscription_data as { metadata?: Record<string, string> } | undefined)?.metadata ?? {},
      start_date: created,
      items: {
        object: 'list',
        data: [{ id: newId('si'), object: 'subscription_item', created, current_period_start: created, current_period_end: created + 30 * DAY, quantity: 1, subscription: subscriptionId, price: { id: TEST_PREMIUM_PRICE, object: 'price', unit_amount: PREMIUM_AMOUNT, currency: 'usd', recurring: { interval: 'month', interval_count: 1 } } }],
        has_more: false,
        url: `/v1/subscription_items?subscription=${subscriptionId}`,
      },
    };
    this.subscriptions.set(subscriptionId, subscription);
    const charge = newId('ch');
    this.invoices.set(invoice, {
      id: invoice, object: 'invoice', customer, amount_due: PREMIUM_AMOUNT, amount_paid: PREMIUM_AMOUNT, amount_remaining: 0, currency: 'usd', status: 'paid', billing_reason: 'subscription_create', created, livemode: false,
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: subscription.metadata, subscription: subscriptionId } },
      payments: { object: 'list', data: [{ id: newId('inpay'), object: 'invoice_payment', amount_paid: PREMIUM_AMOUNT, currency: 'usd', invoice, is_default: true, status: 'paid', payment: { type: 'charge', charge } }], has_more: false, url: `/v1/invoice_payments?invoice=${invoice}` },
    });
    this.charges.set(charge, { id: charge, object: 'charge', amount: PREMIUM_AMOUNT, amount_refunded: 0, currency: 'usd', customer, created, paid: true, refunded: false, status: 'succeeded', livemode: false, metadata: {} });
    Object.assign(session, { status: 'complete', payment_status: 'paid', subscription: subscriptionId, invoice, amount_subtotal: PREMIUM_AMOUNT, amount_total: PREMIUM_AMOUNT, currency: 'usd' });
    return this.event('checkout.session.completed', { ...session }, created);
  }

  /** The charge of a customer's first payment (made by completeCheckout). */
  chargeFor(customerId: string): StripeObject {
    const charge = [...this.charges.values()].find((c) => c.customer === customerId);
    if (!charge) throw new Error(`no charge for ${customerId}`);
    return charge;
  }

  /** Changes a subscription as Stripe would (status, cancel_at_period_end, period) and returns `customer.subscription.updated` (or `.deleted` once canceled). */
  changeSubscription(id: string, changes: { status?: string; cancel_at_period_end?: boolean; current_period_end?: number }, created = now()): Stripe.Event {
    const subscription = this.subscriptionOrThrow(id);
    this.applyChanges(subscription, changes);
    return this.event(subscription.status === 'canceled' ? 'customer.subscription.deleted' : 'customer.subscription.updated', structuredClone(subscription), created);
  }

  /** The subscription's renewal invoice as Stripe sends it with `invoice.paid` or `invoice.payment_failed`. */
  invoiceEvent(type: 'invoice.paid' | 'invoice.payment_failed', subscriptionId: string, options: { invoiceId?: string; billingReason?: string; attempt?: number; created?: number } = {}): Stripe.Event {
    const subscription = this.subscriptionOrThrow(subscriptionId);
    const paid = type === 'invoice.paid';
    const invoice: StripeObject = {
      id: options.invoiceId ?? newId('in'),
      object: 'invoice',
      customer: subscription.customer,
      amount_due: PREMIUM_AMOUNT,
      amount_paid: paid ? PREMIUM_AMOUNT : 0,
      amount_remaining: paid ? 0 : PREMIUM_AMOUNT,
      attempt_count: options.attempt ?? 1,
      attempted: true,
      billing_reason: options.billingReason ?? 'subscription_cycle',
      currency: 'usd',
      status: paid ? 'paid' : 'open',
      livemode: false,
      created: options.created ?? now(),
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: subscription.metadata, subscription: subscription.id } },
      last_finalization_error: null,
    };
    return this.event(type, invoice, options.created);
  }

  /** `charge.refunded` after refunding `amount` (all of it by default) of a charge. */
  refundEvent(chargeId: string, amount?: number): Stripe.Event {
    const charge = this.chargeOrThrow(chargeId);
    charge.amount_refunded = Math.min(Number(charge.amount), Number(charge.amount_refunded) + (amount ?? Number(charge.amount)));
    charge.refunded = charge.amount_refunded === charge.amount;
    return this.event('charge.refunded', { ...charge });
  }

  /** `charge.dispute.created` for a charge (the dispute names the charge by id only, as Stripe's does). */
  disputeEvent(chargeId: string, reason = 'fraudulent'): Stripe.Event {
    const charge = this.chargeOrThrow(chargeId);
    return this.event('charge.dispute.created', { id: newId('dp'), object: 'dispute', amount: charge.amount, currency: charge.currency, charge: charge.id, reason, status: 'needs_response', created: now(), livemode: false, payment_intent: null, metadata: {} });
  }

  /** A Stripe Event around `object`, the way webhooks carry it. */
  event(type: string, object: Record<string, unknown>, created = now()): Stripe.Event {
    return {
      id: newId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created,
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    } as unknown as Stripe.Event;
  }

  /** The event's JSON and a `Stripe-Signature` header for it, from the SDK's test helper. */
  sign(event: Stripe.Event, options: { secret?: string; timestamp?: number } = {}): { payload: string; signature: string } {
    const payload = JSON.stringify(event, null, 2);
    const signature = this.sdk.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? TEST_WEBHOOK_SECRET, timestamp: options.timestamp ?? now() });
    return { payload, signature };
  }

  /** Delivers a signed event to a webhook endpoint the way Stripe does. */
  async deliver(endpoint: string, event: Stripe.Event, options: { secret?: string; timestamp?: number } = {}): Promise<Response> {
    const { payload, signature } = this.sign(event, options);
    return fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' }, body: payload });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://stripe.test');
    const body = qs.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, body, idempotencyKey: header('idempotency-key'), authorization: header('authorization'), stripeVersion: header('stripe-version') });
    const key = req.method !== 'GET' ? header('idempotency-key') : undefined;
    const replay = key ? this.idempotent.get(key) : undefined;
    if (replay) {
      res.writeHead(replay.status, { 'content-type': 'application/json', 'idempotent-replayed': 'true' });
      res.end(replay.body);
      return;
    }
    const send = (status: number, value: unknown) => {
      const body = JSON.stringify(value);
      // Stripe keeps only answers that are not server errors
      if (key && status < 500) this.idempotent.set(key, { status, body });
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req') });
      res.end(body);
    };
    if (this.failNext.count > 0) {
      this.failNext.count -= 1;
      return send(this.failNext.status, { error: { type: 'api_error', message: 'Stripe test server: failing as asked' } });
    }
    if (header('authorization') !== `Bearer ${TEST_SECRET_KEY}`) {
      return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    }
    const route = `${req.method} ${url.pathname}`;
    const missing = (what: string, id: string) => send(404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}: '${id}'`, param: 'id' } });
    let match: RegExpExecArray | null;
    if (route === 'POST /v1/customers') return send(200, this.createCustomer(body));
    if (route === 'POST /v1/checkout/sessions') return send(200, this.createSession(body));
    if (route === 'POST /v1/billing_portal/sessions') {
      if (!this.customers.has(String(body.customer))) return missing('customer', String(body.customer));
      const id = newId('bps');
      return send(200, { id, object: 'billing_portal.session', created: now(), customer: body.customer, livemode: false, locale: null, return_url: body.return_url ?? null, url: `https://billing.stripe.com/p/session/test_${id}` });
    }
    if ((match = /^(GET|POST) \/v1\/subscriptions\/([^/]+)$/.exec(route))) {
      const subscription = this.subscriptions.get(match[2]);
      if (!subscription) return missing('subscription', match[2]);
      if (match[1] === 'POST') this.applyChanges(subscription, { cancel_at_period_end: body.cancel_at_period_end === undefined ? undefined : body.cancel_at_period_end === 'true' });
      return send(200, subscription);
    }
    if ((match = /^DELETE \/v1\/subscriptions\/([^/]+)$/.exec(route))) {
      const subscription = this.subscriptions.get(match[1]);
      if (!subscription) return missing('subscription', match[1]);
      this.applyChanges(subscription, { status: 'canceled' });
      return send(200, subscription);
    }
    if ((match = /^GET \/v1\/invoices\/([^/]+)$/.exec(route))) {
      const invoice = this.invoices.get(match[1]);
      return invoice ? send(200, invoice) : missing('invoice', match[1]);
    }
    if ((match = /^GET \/v1\/charges\/([^/]+)$/.exec(route))) {
      const charge = this.charges.get(match[1]);
      return charge ? send(200, charge) : missing('charge', match[1]);
    }
    if (route === 'POST /v1/refunds') {
      const charge = this.charges.get(String(body.charge));
      if (!charge) return missing('charge', String(body.charge));
      const amount = body.amount ? Number(body.amount) : Number(charge.amount) - Number(charge.amount_refunded);
      charge.amount_refunded = Number(charge.amount_refunded) + amount;
      charge.refunded = charge.amount_refunded === charge.amount;
      const refund: StripeObject = { id: newId('re'), object: 'refund', amount, charge: charge.id, currency: charge.currency, created: now(), metadata: body.metadata ?? {}, payment_intent: null, reason: body.reason ?? null, status: 'succeeded' };
      this.refunds.set(refund.id, refund);
      return send(200, refund);
    }
    send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${route}); the Stripe test server speaks only what billing uses` } });
  }

  private createCustomer(body: Record<string, unknown>): StripeObject {
    const customer: StripeObject = { id: newId('cus'), object: 'customer', created: now(), email: body.email ?? null, name: body.name ?? null, livemode: false, metadata: body.metadata ?? {}, balance: 0, currency: null, delinquent: false, invoice_prefix: randomBytes(4).toString('hex').toUpperCase() };
    this.customers.set(customer.id, customer);
    return customer;
  }

  private createSession(body: Record<string, unknown>): StripeObject {
    const id = `cs_test_${randomBytes(24).toString('base64url').replace(/[-_]/g, 'a')}`;
    const created = now();
    const session: StripeObject = {
      id,
      object: 'checkout.session',
      created,
      expires_at: created + DAY,
      mode: body.mode,
      customer: body.customer ?? null,
      client_reference_id: body.client_reference_id ?? null,
      success_url: body.success_url ?? null,
      cancel_url: body.cancel_url ?? null,
      metadata: body.metadata ?? {},
      subscription_data: body.subscription_data,
      line_items: body.line_items,
      status: 'open',
      payment_status: 'unpaid',
      subscription: null,
      invoice: null,
      payment_intent: null,
      amount_subtotal: null,
      amount_total: null,
      currency: null,
      livemode: false,
      url: `https://checkout.stripe.com/c/pay/${id}`,
    };
    this.sessions.set(id, session);
    const { subscription_data: _data, line_items: _items, ...answer } = session;
    return answer as StripeObject;
  }

  private applyChanges(subscription: StripeObject, changes: { status?: string; cancel_at_period_end?: boolean; current_period_end?: number }): void {
    const items = (subscription.items as { data: Array<Record<string, unknown>> }).data;
    if (changes.status !== undefined) {
      subscription.status = changes.status;
      if (changes.status === 'canceled') Object.assign(subscription, { canceled_at: now(), ended_at: now() });
    }
    if (changes.cancel_at_period_end !== undefined) {
      subscription.cancel_at_period_end = changes.cancel_at_period_end;
      subscription.cancel_at = changes.cancel_at_period_end ? items[0].current_period_end : null;
      subscription.canceled_at = changes.cancel_at_period_end ? now() : null;
    }
    if (changes.current_period_end !== undefined) for (const item of items) item.current_period_end = changes.current_period_end;
  }

  private subscriptionOrThrow(id: string): StripeObject {
    const subscription = this.subscriptions.get(id);
    if (!subscription) throw new Error(`no subscription ${id}`);
    return subscription;
  }

  private chargeOrThrow(id: string): StripeObject {
    const charge = this.charges.get(id);
    if (!charge) throw new Error(`no charge ${id}`);
    return charge;
  }
}
