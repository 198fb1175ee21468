import { publicFor } from '@wavegraph/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * Catalog owns shows; engagement adds followers and answers references with the id.
 * Every field added here is nullable: while engagement is away the field is null (with its error), not the show.
 */
@ObjectType('Show')
@Directive('@key(fields: "id")')
@Directive(publicFor(30))
export class Show {
  @Field(() => ID)
  id: string;
}

export const showRef = (id: string): Show => Object.assign(new Show(), { id });
