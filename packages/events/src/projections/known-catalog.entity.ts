import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An episode as catalog last described it; written only by knownEpisodeHandlers. */
@Entity('known_episodes')
export class KnownEpisode {
  @PrimaryColumn('uuid', { name: 'episode_id' })
  episodeId: string;

  @Column('uuid', { name: 'show_id' })
  showId: string;

  /** The show's owner (who may upload its media, moderate its comments, ...). */
  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  @Column('text')
  status: string;

  @Column('bigint')
  position: string;
}

/** A show catalog told us exists; written only by knownShowHandlers. */
@Entity('known_shows')
export class KnownShow {
  @PrimaryColumn('uuid', { name: 'show_id' })
  showId: string;

  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  @Column('bigint')
  position: string;
}

export const PUBLISHED = 'PUBLISHED';
