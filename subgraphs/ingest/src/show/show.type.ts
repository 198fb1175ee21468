import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Catalog owns shows; an import only points at the one it fills. */
@ObjectType('Show')
@Directive('@key(fields: "id")')
export class Show {
  @Field(() => ID)
  id: string;
}

export const showRef = (id: string): Show => Object.assign(new Show(), { id });
