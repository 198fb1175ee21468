import { smallList } from '@wavegraph/kit';
import { Arg, Ctx, Directive, ID, Mutation, Query, Resolver } from 'type-graphql';
import { MediaAsset } from '../asset/asset.entity';
import type { MediaContext } from '../services';
import { MAX_SCRIPT_CHARS } from './tts.script';
import { TtsVoiceType } from './tts.types';

@Resolver()
export class TtsResolver {
  @Directive(smallList(32))
  @Query(() => [TtsVoiceType], { description: 'The voices createEpisodeAudioFromScript accepts, from the engines this server runs' })
  ttsVoices(@Ctx() ctx: MediaContext): TtsVoiceType[] {
    return ctx.services.tts.engines.voices();
  }

  @Mutation(() => MediaAsset, {
    description: `The episode's owner, EDITOR or ADMIN: makes the episode's audio from a plain-text script (paragraphs separated by blank lines, at most ${MAX_SCRIPT_CHARS} characters, no SSML) spoken by a voice of ttsVoices. Returns the new asset (PROCESSING); its first step, synthesize, reports progress like the others, then the usual pipeline runs`,
  })
  createEpisodeAudioFromScript(
    @Arg('episodeId', () => ID) episodeId: string,
    @Arg('script') script: string,
    @Arg('voice', () => ID) voice: string,
    @Ctx() ctx: MediaContext,
  ): Promise<MediaAsset> {
    return ctx.services.tts.create(ctx.viewer, episodeId, script, voice);
  }
}
