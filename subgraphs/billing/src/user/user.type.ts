import { Directive, Field, ID, ObjectType } from 'type-graphql';

/**
 * Identity owns users; billing adds their Premium subscription.
 * Every field added here is nullable: while billing is away the field is null (with its error), not the user.
 */
@ObjectType('User')
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID)
  id: string;
}

export const userRef = (id: string): User => Object.assign(new User(), { id });
