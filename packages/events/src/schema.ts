import type { MigrationInterface, QueryRunner } from 'typeorm';

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

/**
 * Makes the outbox the producer's durable event log: `seq` numbers the events in the order
 * they reached the transport, without gaps, so a consumer can tell what it has not seen. Sent
 * rows stay for the log's retention (the relay prunes older ones).
 */
export async function addOutboxLog(runner: QueryRunner): Promise<void> {
  await runner.query('ALTER TABLE outbox ADD COLUMN seq bigint');
  await runner.query('CREATE UNIQUE INDEX outbox_seq_idx ON outbox (seq) WHERE seq IS NOT NULL');
  await runner.query('CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL');
}

export async function dropOutboxLog(runner: QueryRunner): Promise<void> {
  await runner.query('DROP INDEX IF EXISTS outbox_published_idx');
  await runner.query('DROP INDEX IF EXISTS outbox_seq_idx');
  await runner.query('ALTER TABLE outbox DROP COLUMN IF EXISTS seq');
}

/**
 * What a consumer has seen of each producer's log: `event_watermarks` is the sequence number up
 * to which it has seen everything, `event_positions` the numbers it has seen above it. A number
 * missing between them is an event the transport lost, fetched again from the producer's log.
 */
export async function createPositionTables(runner: QueryRunner): Promise<void> {
  await runner.query(`
    CREATE TABLE event_watermarks (
      consumer text NOT NULL,
      producer text NOT NULL,
      seq bigint NOT NULL,
      updated_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, producer)
    )`);
  await runner.query(`
    CREATE TABLE event_positions (
      consumer text NOT NULL,
      producer text NOT NULL,
      seq bigint NOT NULL,
      PRIMARY KEY (consumer, producer, seq)
    )`);
  await runner.query('CREATE INDEX inbox_processed_idx ON inbox (processed_at)');
}

export async function dropPositionTables(runner: QueryRunner): Promise<void> {
  await runner.query('DROP INDEX IF EXISTS inbox_processed_idx');
  await runner.query('DROP TABLE IF EXISTS event_positions');
  await runner.query('DROP TABLE IF EXISTS event_watermarks');
}

/**
 * The migration that brings a subgraph's event tables to recovery from lost transport state:
 * a producer's outbox becomes its durable, numbered log; a consumer records what it has seen
 * of each producer's log. One class per subgraph, named alike (each runs in its own database).
 */
export function eventLogMigration(roles: { produces: boolean; consumes: boolean }): new () => MigrationInterface {
  return class EventLog1765000000000 implements MigrationInterface {
    name = 'EventLog1765000000000';

    async up(runner: QueryRunner): Promise<void> {
      if (roles.produces) await addOutboxLog(runner);
      if (roles.consumes) await createPositionTables(runner);
    }

    async down(runner: QueryRunner): Promise<void> {
      if (roles.consumes) await dropPositionTables(runner);
      if (roles.produces) await dropOutboxLog(runner);
    }
  };
}
