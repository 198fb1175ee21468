import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Per-show counters, changed in the same transaction as the follow they count. */
@Entity('show_stats')
export class ShowStats {
  @PrimaryColumn('uuid', { name: 'show_id' })
  showId: string;

  @Column('int', { name: 'follower_count' })
  followerCount: number;
}
