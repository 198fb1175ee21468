import { addOutboxLog, dropOutboxLog, createPositionTables, dropPositionTables } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Recovery from lost transport state: the outbox becomes the durable, numbered log its consumers recover from; what this context has seen of each producer's log, so lost events are noticed and fetched again. */
export class EventLog1765000000000 implements MigrationInterface {
  name = 'EventLog1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await addOutboxLog(runner);
    await createPositionTables(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropPositionTables(runner);
    await dropOutboxLog(runner);
  }
}
