import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Catalog's episodes as its events describe them (status and the show's owner), so an inbox
 * shows a notification about an episode only while its user may see that episode.
 */
export class KnownEpisodes1764200000000 implements MigrationInterface {
  name = 'KnownEpisodes1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE known_episodes (
        episode_id uuid PRIMARY KEY,
        show_id uuid NOT NULL,
        owner_id uuid NOT NULL,
        status text NOT NULL,
        position bigint NOT NULL
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE known_episodes');
  }
}
