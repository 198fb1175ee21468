import type { JsonWebKey } from 'node:crypto';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An ES256 key pair shared by every identity replica; only the public half ever leaves the database. */
@Entity('signing_key')
export class SigningKey {
  @PrimaryColumn('text')
  kid: string;

  @Column('jsonb', { name: 'public_jwk' })
  publicJwk: JsonWebKey;

  @Column('jsonb', { name: 'private_jwk' })
  privateJwk: JsonWebKey;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
