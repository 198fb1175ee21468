import { addOutboxLog, createInboxTable, createOutboxTable, createPositionTables, dropInboxTable, dropOutboxLog, dropOutboxTable, dropPositionTables } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One Stripe customer per user; each user's Premium subscription as billing last learned it
 * (`state_at`: Stripe's time of that state, so an older webhook never replaces a newer state);
 * payments and charge incidents (refunds, disputes); the Stripe events already processed (each
 * inserted in the transaction of its effect); the Premium sagas (each step's status and error);
 * the outbox, durable log of billing's events, and the inbox of identity's answers.
 */
export class CreateBilling1766830000000 implements MigrationInterface {
  name = 'CreateBilling1766830000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE billing_customers (
        user_id uuid PRIMARY KEY,
        stripe_customer_id text NOT NULL UNIQUE,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE subscriptions (
        user_id uuid PRIMARY KEY,
        stripe_subscription_id text NOT NULL UNIQUE,
        stripe_customer_id text NOT NULL,
        status text NOT NULL,
        plan text NOT NULL DEFAULT 'PREMIUM',
        current_period_end timestamptz(3),
        cancel_at_period_end boolean NOT NULL DEFAULT false,
        state_at timestamptz(3) NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE payments (
        id text PRIMARY KEY,
        user_id uuid NOT NULL,
        stripe_customer_id text NOT NULL,
        stripe_subscription_id text,
        status text NOT NULL,
        amount integer NOT NULL,
        currency text NOT NULL,
        failed_attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX payments_user_idx ON payments (user_id, created_at DESC)');
    await runner.query(`
      CREATE TABLE charge_incidents (
        stripe_object_id text PRIMARY KEY,
        kind text NOT NULL,
        stripe_charge_id text NOT NULL,
        user_id uuid NOT NULL,
        amount integer NOT NULL,
        currency text NOT NULL,
        detail text,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX charge_incidents_user_idx ON charge_incidents (user_id, created_at DESC)');
    await runner.query(`
      CREATE TABLE stripe_events (
        event_id text PRIMARY KEY,
        type text NOT NULL,
        stripe_created_at timestamptz(3) NOT NULL,
        outcome text NOT NULL,
        processed_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE billing_sagas (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        kind text NOT NULL,
        trigger text NOT NULL,
        payment_id text,
        stripe_subscription_id text,
        status text NOT NULL,
        steps jsonb NOT NULL,
        error text,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX billing_sagas_user_idx ON billing_sagas (user_id, created_at DESC)');
    await runner.query(`CREATE INDEX billing_sagas_open_idx ON billing_sagas (status, updated_at) WHERE status IN ('RUNNING', 'COMPENSATING')`);
    await createOutboxTable(runner);
    await addOutboxLog(runner);
    await createInboxTable(runner);
    await createPositionTables(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropPositionTables(runner);
    await dropInboxTable(runner);
    await dropOutboxLog(runner);
    await dropOutboxTable(runner);
    for (const table of ['billing_sagas', 'stripe_events', 'charge_incidents', 'payments', 'subscriptions', 'billing_customers']) await runner.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
