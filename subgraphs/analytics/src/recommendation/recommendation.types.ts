import { Field, Int, ObjectType } from 'type-graphql';
import { Episode } from '../episode/episode.type';

@ObjectType({ description: 'A published episode recommended from what listeners played' })
export class EpisodeRecommendation {
  @Field(() => Episode)
  episode: Episode;

  @Field(() => Int, { description: 'Listeners behind the recommendation' })
  sharedListeners: number;
}
