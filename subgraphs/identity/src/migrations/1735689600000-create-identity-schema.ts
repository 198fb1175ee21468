import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, refresh-token families and the JWT signing keys. Uniqueness lives in the database so concurrent writes cannot both win. */
export class CreateIdentitySchema1735689600000 implements MigrationInterface {
  name = 'CreateIdentitySchema1735689600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        handle text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL DEFAULT 'USER' CHECK (role IN ('ADMIN', 'EDITOR', 'USER')),
        plan text NOT NULL DEFAULT 'FREE' CHECK (plan IN ('FREE', 'PREMIUM')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await runner.query(`CREATE UNIQUE INDEX users_handle_key ON users (lower(handle))`);
    await runner.query(`
      CREATE TABLE session_family (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await runner.query(`CREATE INDEX session_family_user_idx ON session_family (user_id)`);
    await runner.query(`
      CREATE TABLE refresh_token (
        token_hash text PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES session_family (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX refresh_token_family_idx ON refresh_token (family_id)`);
    await runner.query(`
      CREATE TABLE signing_key (
        kid text PRIMARY KEY,
        public_jwk jsonb NOT NULL,
        private_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE signing_key');
    await runner.query('DROP TABLE refresh_token');
    await runner.query('DROP TABLE session_family');
    await runner.query('DROP TABLE users');
  }
}
