import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Catalog owns episodes; media adds `media` and answers references with the id alone. */
@ObjectType('Episode')
@Directive('@key(fields: "id")')
export class Episode {
  @Field(() => ID)
  id: string;
}

export const episodeRef = (id: string): Episode => Object.assign(new Episode(), { id });
