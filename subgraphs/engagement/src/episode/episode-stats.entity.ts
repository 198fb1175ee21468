import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Per-episode counters, changed in the same transaction as the like, play or comment they count. */
@Entity('episode_stats')
export class EpisodeStats {
  @PrimaryColumn('uuid', { name: 'episode_id' })
  episodeId: string;

  @Column('int', { name: 'like_count' })
  likeCount: number;

  @Column('int', { name: 'play_count' })
  playCount: number;

  @Column('int', { name: 'comment_count' })
  commentCount: number;
}

export type EpisodeCounter = 'like_count' | 'play_count' | 'comment_count';
