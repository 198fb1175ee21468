import { createInboxTable, createPositionTables, dropInboxTable, dropPositionTables } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Identity consumes billing's events (plan changes of the Premium saga): its inbox and log positions. */
export class ConsumeBilling1766830100000 implements MigrationInterface {
  name = 'ConsumeBilling1766830100000';

  async up(runner: QueryRunner): Promise<void> {
    await createInboxTable(runner);
    await createPositionTables(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropPositionTables(runner);
    await dropInboxTable(runner);
  }
}
