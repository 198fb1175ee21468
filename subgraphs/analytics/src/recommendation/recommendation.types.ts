import { Field, Int, ObjectType } from 'type-graphql';
import { Episode } from '../episode/episode.type';

@ObjectType({ description: 'A published episode recommended from what listeners played' })
export class EpisodeRecommendation {
  /** Null while catalog cannot complete it (an outage nulls the reference, not the list). */
  @Field(() => Episode, { nullable: true })
  episode: Episode;

  @Field(() => Int, { description: 'Listeners behind the recommendation' })
  sharedListeners: number;
}
