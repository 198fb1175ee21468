import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('CheckoutSession', { description: 'A Stripe Checkout session for buying Premium' })
export class CheckoutSession {
  @Field(() => ID, { description: "Stripe's id for it (cs_…)" })
  id: string;

  @Field({ description: "Stripe's hosted payment page: send the buyer there" })
  url: string;
}
