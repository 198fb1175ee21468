import { connectionOf } from '@wavegraph/kit';
import { Field, ID, InputType, Int } from 'type-graphql';
import { Episode } from './episode.entity';

export const EpisodeConnection = connectionOf(Episode, 'Episode');

@InputType()
export class CreateEpisodeInput {
  @Field(() => ID)
  showId: string;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { nullable: true })
  seasonNumber?: number | null;

  @Field(() => Int, { nullable: true })
  episodeNumber?: number | null;
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
}
