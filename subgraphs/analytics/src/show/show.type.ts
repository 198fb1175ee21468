import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Catalog owns shows; analytics adds their figures. */
@ObjectType('Show')
@Directive('@key(fields: "id")')
export class Show {
  @Field(() => ID)
  id: string;
}

export const showRef = (id: string): Show => Object.assign(new Show(), { id });
