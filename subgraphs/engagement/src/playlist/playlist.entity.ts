import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A listener's ordered list of episodes. Private ones do not exist for anyone but their owner. */
@Entity('playlists')
@ObjectType('Playlist')
@Directive('@key(fields: "id")')
export class Playlist {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID)
  id: string;

  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  @Column('text')
  @Field()
  name: string;

  @Column('boolean', { name: 'is_public' })
  @Field()
  isPublic: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  @Field()
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  @Field()
  updatedAt: Date;
}

/** One episode in a playlist; `position` orders the list and may have gaps after removals. */
@Entity('playlist_items')
export class PlaylistItem {
  @PrimaryColumn('uuid', { name: 'playlist_id' })
  playlistId: string;

  @PrimaryColumn('uuid', { name: 'episode_id' })
  episodeId: string;

  @Column('int')
  position: number;

  @Column({ type: 'timestamptz', name: 'added_at', precision: 3 })
  addedAt: Date;
}
