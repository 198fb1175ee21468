import { SHOW_CATEGORY_ENUM_CONFIG, ShowCategoryEnum, type ShowCategory } from '@wavegraph/events';
import { publicFor } from '@wavegraph/kit';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

registerEnumType(ShowCategoryEnum, SHOW_CATEGORY_ENUM_CONFIG);

/** A podcast or video show. Shows are public; writes need ownership or a staff role. */
@Entity('shows')
@ObjectType('Show')
@Directive('@key(fields: "id")')
@Directive(publicFor(60))
export class Show {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID)
  id: string;

  @Column('text')
  @Field()
  slug: string;

  @Column('text')
  @Field()
  title: string;

  @Column('text')
  @Field()
  description: string;

  @Column('text')
  @Field(() => ShowCategoryEnum)
  category: ShowCategory;

  @Column('text')
  @Field()
  language: string;

  @Column('text', { name: 'artwork_url', nullable: true })
  @Field(() => String, { nullable: true })
  artworkUrl: string | null;

  /** Identity's user id; no foreign key, the user lives in another database. */
  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field()
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  @Field()
  updatedAt: Date;
}
