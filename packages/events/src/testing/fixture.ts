import { createLogger, openDatabase, type Database } from '@wavegraph/kit';
import { freshDatabase, type TestDatabase } from '@wavegraph/testkit';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { on } from '../apply';
import { EpisodeLiked } from '../contracts';
import type { EventEnvelope } from '../envelope';
import { addOutboxLog, createInboxTable, createOutboxTable, createPositionTables } from '../schema';

/** An outbox, an inbox and an `effects` table where the test handler writes one row per application. */
class EventsTestSchema1700000000000 implements MigrationInterface {
  name = 'EventsTestSchema1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await createOutboxTable(runner);
    await addOutboxLog(runner);
    await createInboxTable(runner);
    await createPositionTables(runner);
    await runner.query('CREATE TABLE effects (id serial PRIMARY KEY, event_id uuid NOT NULL, aggregate_id text NOT NULL, position bigint NOT NULL, consumer text)');
  }
  async down(): Promise<void> {}
}

export const log = createLogger('events-test');

export interface EventsFixture {
  database: TestDatabase;
  db: Database;
  stop(): Promise<void>;
}

/** The events tables on a fresh database of the shared server, or on `url` (a private server's). */
export async function eventsFixture(url?: string): Promise<EventsFixture> {
  const database: TestDatabase = url ? { name: new URL(url).pathname.slice(1), url, drop: async () => undefined } : await freshDatabase('events');
  const db = await openDatabase({ url: database.url, entities: [], migrations: [EventsTestSchema1700000000000], logger: log, poolSize: 20 });
  return {
    database,
    db,
    stop: async () => {
      await db.dataSource.destroy();
      await database.drop();
    },
  };
}

/** Records one application of an EpisodeLiked; `consumer` tells which replica applied it. */
export const recordEffect = (consumer = 'test') =>
  on(EpisodeLiked, async (event, tx: EntityManager) => {
    await tx.query('INSERT INTO effects (event_id, aggregate_id, position, consumer) VALUES ($1, $2, $3, $4)', [event.id, event.aggregateId, event.position, consumer]);
  });

export interface EffectRow {
  event_id: string;
  aggregate_id: string;
  position: string;
  consumer: string;
}

export const effects = (db: Database): Promise<EffectRow[]> => db.dataSource.query('SELECT event_id, aggregate_id, position, consumer FROM effects ORDER BY id');

export const likePayload = (episodeId: string, userId: string) => ({ episodeId, userId, likedAt: new Date().toISOString() });
export type { EventEnvelope };
