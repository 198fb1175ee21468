import { Field, Float, ObjectType } from 'type-graphql';

/** Where in an episode words of a search were spoken: one segment of its transcript. */
@ObjectType({ description: 'A transcript segment of an episode that matches a search' })
export class TranscriptMatch {
  @Field(() => Float, {
    description: 'When the first matching word is spoken, in seconds from the start of the episode (media estimates it within its segment where words were not timed one by one, as in an uploaded caption file; the segment\'s start where no word times came)',
  })
  startSeconds: number;

  @Field(() => Float, { description: 'When the segment ends, in seconds from the start of the episode' })
  endSeconds: number;

  @Field(() => String, { description: 'What was said, HTML-escaped, the matching words wrapped in <mark>…</mark>' })
  text: string;
}
