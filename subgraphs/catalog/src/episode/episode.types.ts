import { connectionOf } from '@wavegraph/kit';
import { Field, ID, InputType, Int } from 'type-graphql';
import { PersonInput } from '../person/person.types';
import { Episode, EpisodeAccess, EpisodeType } from './episode.entity';

export const EpisodeConnection = connectionOf(Episode, 'Episode');

/** What createEpisode and importEpisodes both take of an episode (inherited: no input references it, so no GraphQL type of its own). */
@InputType()
export abstract class EpisodeContentInput {
  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { nullable: true })
  seasonNumber?: number | null;

  @Field(() => Int, { nullable: true })
  episodeNumber?: number | null;

  @Field(() => EpisodeType, { nullable: true })
  episodeType?: EpisodeType | null;

  @Field(() => Boolean, { nullable: true })
  explicit?: boolean | null;

  @Field(() => [PersonInput], { nullable: true })
  people?: PersonInput[] | null;

  @Field(() => EpisodeAccess, { nullable: true, description: 'Default PUBLIC' })
  access?: EpisodeAccess | null;
}

@InputType()
export class CreateEpisodeInput extends EpisodeContentInput {
  @Field(() => ID)
  showId: string;

  @Field(() => String, { nullable: true, description: "The feed's guid, e.g. an imported episode's original one (default: the episode's id); unique per show" })
  guid?: string | null;
}

@InputType()
export class UpdateEpisodeInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { nullable: true })
  seasonNumber?: number | null;

  @Field(() => Int, { nullable: true })
  episodeNumber?: number | null;

  @Field(() => EpisodeType, { nullable: true })
  episodeType?: EpisodeType | null;

  @Field(() => Boolean, { nullable: true, description: "null: as the show's" })
  explicit?: boolean | null;

  @Field(() => [PersonInput], { nullable: true, description: 'Replaces the whole list' })
  people?: PersonInput[] | null;

  @Field(() => EpisodeAccess, { nullable: true })
  access?: EpisodeAccess | null;
}
