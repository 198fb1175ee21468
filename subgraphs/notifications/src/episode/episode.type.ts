import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Catalog owns episodes; a notification only points at one. */
@ObjectType('Episode')
@Directive('@key(fields: "id")')
export class Episode {
  @Field(() => ID)
  id: string;
}

export const episodeRef = (id: string): Episode => Object.assign(new Episode(), { id });
