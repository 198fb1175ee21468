import { publicFor } from '@wavegraph/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A comment on an episode, or a reply to another comment of the same episode. Deleting keeps
 * the row (its replies still hang from it) and erases its words.
 */
@Entity('comments')
@ObjectType('Comment')
@Directive('@key(fields: "id")')
@Directive(publicFor(30))
export class Comment {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID)
  id: string;

  @Column('uuid', { name: 'episode_id' })
  episodeId: string;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  @Column('uuid', { name: 'parent_id', nullable: true })
  parentId: string | null;

  /** Exposed through the resolver, which hides it once the comment is deleted. */
  @Column('text')
  body: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field()
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'edited_at', precision: 3, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the author last changed the body' })
  editedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'deleted_at', precision: 3, nullable: true })
  deletedAt: Date | null;

  @Column('uuid', { name: 'deleted_by', nullable: true })
  deletedBy: string | null;
}
