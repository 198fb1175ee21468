import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An episode as catalog last described it; written only by catalog events. */
@Entity('known_episodes')
export class KnownEpisode {
  @PrimaryColumn('uuid', { name: 'episode_id' })
  episodeId: string;

  @Column('uuid', { name: 'show_id' })
  showId: string;

  /** The show's owner: the creator who may upload media for the episode. */
  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  @Column('text')
  status: string;

  @Column('bigint')
  position: string;
}
