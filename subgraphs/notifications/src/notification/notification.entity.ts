import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NotificationKind } from './notification.kind';

/** One entry of a user's inbox; written only by event handlers, read and marked read by its user. */
@Entity('notifications')
@ObjectType('Notification')
@Directive('@key(fields: "id")')
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID)
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text')
  @Field(() => NotificationKind)
  kind: NotificationKind;

  @Column('text')
  @Field({ description: 'A short sentence to show as is' })
  message: string;

  @Column({ type: 'timestamptz', name: 'created_at', precision: 3 })
  @Field()
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'read_at', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true })
  readAt: Date | null;

  @Column('uuid', { name: 'episode_id', nullable: true })
  episodeId: string | null;

  @Column('uuid', { name: 'show_id', nullable: true })
  showId: string | null;

  @Column('uuid', { name: 'comment_id', nullable: true })
  commentId: string | null;

  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('uuid', { name: 'asset_id', nullable: true })
  @Field(() => ID, { nullable: true, description: 'The media asset of MEDIA_READY and MEDIA_FAILED' })
  assetId: string | null;
}
