import { createOutboxTable, dropOutboxTable } from '@wavegraph/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox catalog's events wait in until the relay has put them on the catalog stream. */
export class CreateCatalogOutbox1763800000000 implements MigrationInterface {
  name = 'CreateCatalogOutbox1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    await createOutboxTable(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropOutboxTable(runner);
  }
}
