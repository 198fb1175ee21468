import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The show's Apple subcategory, from catalog's show snapshots, for the subcategory filter of browse
 * and search. NULL until the show's next event (or a rebuild): events before subcategories lack it.
 */
export class ShowSubcategory1766820000001 implements MigrationInterface {
  name = 'ShowSubcategory1766820000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE show_docs ADD COLUMN subcategory text');
    await runner.query('CREATE INDEX show_docs_subcategory_idx ON show_docs (subcategory, language) WHERE subcategory IS NOT NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX show_docs_subcategory_idx');
    await runner.query('ALTER TABLE show_docs DROP COLUMN subcategory');
  }
}
