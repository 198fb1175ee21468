import { publicFor } from '@wavegraph/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * Catalog owns episodes; engagement adds likes, comments, plays, and answers references with the id.
 * Every field added here is nullable and follows catalog's visibility rule (the module's guard).
 */
@ObjectType('Episode')
@Directive('@key(fields: "id")')
@Directive(publicFor(30))
export class Episode {
  @Field(() => ID)
  id: string;
}

export const episodeRef = (id: string): Episode => Object.assign(new Episode(), { id });
