import { publicFor } from '@wavegraph/kit';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * Identity owns users; catalog only adds `User.shows` and answers references with the id.
 * What it adds is nullable: while catalog is away the field is null (with its error), not the user.
 */
@ObjectType('User')
@Directive('@key(fields: "id")')
@Directive(publicFor(60))
export class User {
  @Field(() => ID)
  id: string;
}

export const userRef = (id: string): User => Object.assign(new User(), { id });
