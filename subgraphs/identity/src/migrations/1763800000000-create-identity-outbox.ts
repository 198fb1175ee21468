import { createOutboxTable, dropOutboxTable } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox identity's events wait in until the relay has put them on the identity stream. */
export class CreateIdentityOutbox1763800000000 implements MigrationInterface {
  name = 'CreateIdentityOutbox1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    await createOutboxTable(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropOutboxTable(runner);
  }
}
