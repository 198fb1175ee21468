import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Engagement owns comments; a reply notification points at the reply. */
@ObjectType('Comment')
@Directive('@key(fields: "id")')
export class Comment {
  @Field(() => ID)
  id: string;
}

export const commentRef = (id: string): Comment => Object.assign(new Comment(), { id });
