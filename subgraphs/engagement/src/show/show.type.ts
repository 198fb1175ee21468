import { publicFor } from '@wavegraph/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Catalog owns shows; engagement adds followers and answers references with the id. */
@ObjectType('Show')
@Directive('@key(fields: "id")')
@Directive(publicFor(30))
export class Show {
  @Field(() => ID)
  id: string;
}

export const showRef = (id: string): Show => Object.assign(new Show(), { id });
