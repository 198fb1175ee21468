import { Field, Float, InputType, ObjectType } from 'type-graphql';
import { MAX_TITLE_LENGTH, MAX_URL_LENGTH } from './chapter.rules';

@InputType('ChapterInput')
export class ChapterInput {
  @Field(() => Float, { description: 'Seconds from the start of the episode; each chapter starts later than the one before (the first may start after 0)' })
  startSeconds: number;

  @Field({ description: `1 to ${MAX_TITLE_LENGTH} characters (trimmed)` })
  title: string;

  @Field(() => String, { nullable: true, description: `A link about the chapter: http or https, at most ${MAX_URL_LENGTH} characters` })
  url?: string | null;

  @Field(() => String, { nullable: true, description: 'An image for the chapter: http or https' })
  imageUrl?: string | null;
}

@ObjectType('Chapter', { description: 'A chapter of an episode; also embedded as a chapter mark in the .m4a renditions' })
export class Chapter {
  @Field(() => Float)
  startSeconds: number;

  @Field(() => Float, { nullable: true, description: "Where the next chapter starts; for the last one the end of the episode's media when it is READY" })
  endSeconds: number | null;

  @Field()
  title: string;

  @Field(() => String, { nullable: true })
  url: string | null;

  @Field(() => String, { nullable: true })
  imageUrl: string | null;
}
