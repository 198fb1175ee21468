import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shows and episodes. Timestamps keep milliseconds only, so a cursor made from a JS Date
 * matches the stored value exactly (keyset pagination compares them).
 */
export class CreateCatalog1763700000000 implements MigrationInterface {
  name = 'CreateCatalog1763700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE shows (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL CHECK (char_length(slug) BETWEEN 3 AND 80),
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        category text NOT NULL,
        language text NOT NULL,
        artwork_url text,
        owner_id uuid NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE UNIQUE INDEX shows_slug_key ON shows (slug)');
    await runner.query('CREATE INDEX shows_newest_idx ON shows (created_at DESC, id DESC)');
    await runner.query('CREATE INDEX shows_owner_newest_idx ON shows (owner_id, created_at DESC, id DESC)');
    await runner.query('CREATE INDEX shows_category_newest_idx ON shows (category, created_at DESC, id DESC)');

    await runner.query(`
      CREATE TABLE episodes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        show_id uuid NOT NULL REFERENCES shows (id) ON DELETE CASCADE,
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        season_number integer CHECK (season_number BETWEEN 1 AND 100000),
        episode_number integer CHECK (episode_number BETWEEN 1 AND 100000),
        status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'SCHEDULED', 'PUBLISHED', 'ARCHIVED')),
        published_at timestamptz(3),
        scheduled_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (status <> 'PUBLISHED' OR published_at IS NOT NULL),
        CHECK (status <> 'SCHEDULED' OR scheduled_at IS NOT NULL)
      )`);
    // An episode number is unique within its season; episodes without a season share "season 0".
    await runner.query(
      'CREATE UNIQUE INDEX episodes_number_key ON episodes (show_id, COALESCE(season_number, 0), episode_number) WHERE episode_number IS NOT NULL',
    );
    await runner.query(
      "CREATE INDEX episodes_published_idx ON episodes (published_at DESC, id DESC) WHERE status = 'PUBLISHED'",
    );
    await runner.query(
      'CREATE INDEX episodes_show_newest_idx ON episodes (show_id, (COALESCE(published_at, created_at)) DESC, id DESC)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE episodes');
    await runner.query('DROP TABLE shows');
  }
}
