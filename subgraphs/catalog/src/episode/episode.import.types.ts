import { Field, GraphQLISODateTime, InputType, ObjectType } from 'type-graphql';
import { Episode } from './episode.entity';
import { EpisodeContentInput } from './episode.types';

/** At most this many episodes per importEpisodes call: one transaction stays short. */
export const MAX_IMPORT_EPISODES = 100;

@InputType({ description: "One item of a feed, as createEpisode takes it, with the feed's guid and date" })
export class ImportEpisodeInput extends EpisodeContentInput {
  @Field({ description: "The feed item's guid: an episode of the show with this guid already is returned as it is" })
  guid: string;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'true: created PUBLISHED (EpisodePublished follows EpisodeCreated); false: a DRAFT' })
  published?: boolean | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: "The feed's pubDate: publishedAt of an episode imported as published (default: now; never later than now)" })
  publishedAt?: Date | null;
}

@ObjectType('ImportedEpisode')
export class ImportedEpisode {
  @Field(() => Episode)
  episode: Episode;

  @Field({ description: 'false: the show already had an episode with this guid (returned unchanged)' })
  created: boolean;
}
