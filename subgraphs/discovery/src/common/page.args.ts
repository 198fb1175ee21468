import { ArgsType, Field, Int } from 'type-graphql';

/** Relay forward pagination arguments; `first` is checked by kit's pageSize (1..100, default 20). */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}
