import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: "A listener's private feed of a show: its URL lists the PREMIUM episodes too; keep it secret" })
export class PrivateFeed {
  @Field({ description: 'The feed URL for a podcast app, with its token (shown only in this answer; createPrivateFeed again replaces it)' })
  url: string;

  @Field()
  createdAt: Date;
}
