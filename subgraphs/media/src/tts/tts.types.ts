import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('TtsVoice', { description: 'A text-to-speech voice episodes can be made with (createEpisodeAudioFromScript)' })
export class TtsVoiceType {
  @Field(() => ID, { description: '<engine>:<voice>, e.g. flite:slt' })
  id: string;

  @Field()
  name: string;

  @Field({ description: 'BCP 47 language tag of what the voice speaks, e.g. en-US' })
  language: string;

  @Field({ description: 'flite or espeak-ng' })
  engine: string;
}
