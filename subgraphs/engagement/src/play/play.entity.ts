import { Field, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where a listener is in an episode: one row per (listener, episode), overwritten by each report. */
@Entity('play_progress')
@ObjectType('PlayProgress', { description: "The viewer's own listening position in an episode" })
export class PlayProgress {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('uuid', { name: 'episode_id' })
  episodeId: string;

  @Column('int', { name: 'position_seconds' })
  @Field(() => Int)
  positionSeconds: number;

  @Column('boolean')
  @Field()
  completed: boolean;

  @Column({ type: 'timestamptz', name: 'updated_at', precision: 3 })
  @Field({ description: 'When the last position was reported' })
  updatedAt: Date;
}
