import {
  MAX_PEOPLE, SHOW_CATEGORY_ENUM_CONFIG, SHOW_SUBCATEGORY_ENUM_CONFIG, ShowCategoryEnum, ShowSubcategoryEnum, type ShowCategory, type ShowSubcategory,
} from '@wavegraph/events';
import { publicFor } from '@wavegraph/kit';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Person } from '../person/person.types';

registerEnumType(ShowCategoryEnum, SHOW_CATEGORY_ENUM_CONFIG);
registerEnumType(ShowSubcategoryEnum, SHOW_SUBCATEGORY_ENUM_CONFIG);

/** itunes:type: episodes listened to in any order (newest first) or in sequence (oldest first). */
export enum ShowType {
  EPISODIC = 'EPISODIC',
  SERIAL = 'SERIAL',
}
registerEnumType(ShowType, { name: 'ShowType', description: 'itunes:type of the feed' });

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

  @Column('text', { nullable: true })
  @Field(() => ShowSubcategoryEnum, { nullable: true, description: "Apple's subcategory, always one of the category's (the feed nests it in its itunes:category)" })
  subcategory: ShowSubcategory | null;

  @Column('text')
  @Field()
  language: string;

  @Column('text', { name: 'artwork_url', nullable: true })
  @Field(() => String, { nullable: true })
  artworkUrl: string | null;

  @Column('boolean', { default: false })
  @Field({ description: 'itunes:explicit of the feed; episodes say otherwise where they do' })
  explicit: boolean;

  @Column('text', { nullable: true })
  @Field(() => String, { nullable: true, description: 'itunes:author of the feed' })
  author: string | null;

  @Column('text', { name: 'owner_email', nullable: true })
  @Field(() => String, { nullable: true, description: "The feed's itunes:owner email (and podcast:locked owner): where directories verify who owns the feed. It is public in the feed" })
  ownerEmail: string | null;

  @Column('text', { name: 'show_type', default: ShowType.EPISODIC })
  @Field(() => ShowType)
  showType: ShowType;

  @Column('boolean', { default: false })
  @Field({ description: 'podcast:locked: other platforms must not import the feed' })
  locked: boolean;

  @Column('jsonb', { default: () => "'[]'" })
  @Field(() => [Person])
  @Directive(`@listSize(assumedSize: ${MAX_PEOPLE})`)
  people: Person[];

  /** Podcasting 2.0 GUID, set at creation (null only for shows older than feeds: filled on first use); GraphQL via ShowResolver. */
  @Column('uuid', { name: 'podcast_guid', nullable: true })
  podcastGuid: string | null;

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
