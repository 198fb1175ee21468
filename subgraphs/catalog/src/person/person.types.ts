import { Field, InputType, ObjectType } from 'type-graphql';

/** Someone who makes a show or episode (Podcasting 2.0 podcast:person). */
@ObjectType('Person', { description: 'Someone who makes a show or episode (Podcasting 2.0 podcast:person)' })
export class Person {
  @Field()
  name: string;

  @Field({ description: 'From the Podcasting 2.0 person taxonomy, e.g. "host", "guest", "producer"' })
  role: string;

  @Field({ description: 'From the Podcasting 2.0 person taxonomy, e.g. "cast", "writing", "audio post-production"' })
  group: string;

  @Field(() => String, { nullable: true, description: 'A page about the person' })
  href: string | null;

  @Field(() => String, { nullable: true, description: 'A picture of the person' })
  img: string | null;
}

@InputType('PersonInput')
export class PersonInput {
  @Field()
  name: string;

  @Field(() => String, { nullable: true, description: 'Default "host"' })
  role?: string | null;

  @Field(() => String, { nullable: true, description: 'Default "cast"' })
  group?: string | null;

  @Field(() => String, { nullable: true })
  href?: string | null;

  @Field(() => String, { nullable: true })
  img?: string | null;
}
