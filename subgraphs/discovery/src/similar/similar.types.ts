import { REFERENCE } from '@wavegraph/kit';
import { Field, Int, ObjectType } from 'type-graphql';
import { Episode } from '../episode/episode.type';

@ObjectType({ description: '"Listeners also liked": an episode engaged with by listeners of another' })
export class SimilarEpisode {
  @Field(() => Episode, REFERENCE)
  episode: Episode;

  @Field(() => Int, { description: 'Listeners who liked or played both episodes' })
  sharedListeners: number;
}
