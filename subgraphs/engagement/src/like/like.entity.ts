import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A listener likes an episode at most once (the primary key makes liking idempotent). */
@Entity('likes')
export class Like {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('uuid', { name: 'episode_id' })
  episodeId: string;

  @Column({ type: 'timestamptz', name: 'created_at', precision: 3 })
  createdAt: Date;
}
