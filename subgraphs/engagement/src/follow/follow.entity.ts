import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A listener follows a show at most once (the primary key makes following idempotent). */
@Entity('follows')
export class Follow {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('uuid', { name: 'show_id' })
  showId: string;

  @Column({ type: 'timestamptz', name: 'created_at', precision: 3 })
  createdAt: Date;
}
