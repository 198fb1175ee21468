import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Apple's subcategory of a show, within its category (validated by catalog, like the category:
 * the list only grows, so no CHECK to migrate each time). NULL for every existing show: none chosen.
 */
export class ShowSubcategory1766820000000 implements MigrationInterface {
  name = 'ShowSubcategory1766820000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE shows ADD COLUMN subcategory text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE shows DROP COLUMN subcategory');
  }
}
