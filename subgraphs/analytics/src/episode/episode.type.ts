import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Catalog owns episodes; analytics adds their figures and recommendations. */
@ObjectType('Episode')
@Directive('@key(fields: "id")')
export class Episode {
  @Field(() => ID)
  id: string;
}

export const episodeRef = (id: string): Episode => Object.assign(new Episode(), { id });
