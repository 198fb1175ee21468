import type { QueryRunner } from 'typeorm';

/**
 * The outbox of a producing subgraph. `position` orders events; the partial index keeps the
 * relay's claim query cheap however many events were sent before.
 */
export async function createOutboxTable(runner: QueryRunner): Promise<void> {
  await runner.query(`
    CREATE TABLE outbox (
      position bigserial PRIMARY KEY,
      event_id uuid NOT NULL UNIQUE,
      type text NOT NULL,
      version integer NOT NULL,
      aggregate_id text NOT NULL,
      occurred_at timestamptz(3) NOT NULL,
      payload jsonb NOT NULL,
      trace jsonb NOT NULL DEFAULT '{}',
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
      last_error text,
      published_at timestamptz(3)
    )`);
  await runner.query('CREATE INDEX outbox_unpublished_idx ON outbox (position) WHERE published_at IS NULL');
  await runner.query('CREATE INDEX outbox_unpublished_aggregate_idx ON outbox (aggregate_id, position) WHERE published_at IS NULL');
}

export async function dropOutboxTable(runner: QueryRunner): Promise<void> {
  await runner.query('DROP TABLE IF EXISTS outbox');
}

/** The inbox of a consuming subgraph: one row per event applied, written with its effect. */
export async function createInboxTable(runner: QueryRunner): Promise<void> {
  await runner.query(`
    CREATE TABLE inbox (
      consumer text NOT NULL,
      event_id uuid NOT NULL,
      type text NOT NULL,
      processed_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, event_id)
    )`);
}

export async function dropInboxTable(runner: QueryRunner): Promise<void> {
  await runner.query('DROP TABLE IF EXISTS inbox');
}
