import { addOutboxLog, dropOutboxLog } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Recovery from lost transport state: the outbox becomes the durable, numbered log its consumers recover from. */
export class EventLog1765000000000 implements MigrationInterface {
  name = 'EventLog1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await addOutboxLog(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropOutboxLog(runner);
  }
}
