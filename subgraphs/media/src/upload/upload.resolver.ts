import { byKeys, isUuid, REFERENCE } from '@wavegraph/kit';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { MediaAsset } from '../asset/asset.entity';
import { loadAsset } from '../asset/asset.loader';
import { canManage } from '@wavegraph/auth';
import { Episode, episodeRef } from '../episode/episode.type';
import type { MediaContext } from '../services';
import { MediaUpload } from './upload.entity';
import { CreateUploadInput, UploadTicket } from './upload.types';

@Resolver(() => MediaUpload)
export class UploadResolver {
  @Mutation(() => UploadTicket, {
    description: "The episode's owner, EDITOR or ADMIN: creates the asset and a resumable (tus) upload; send the bytes to uploadUrl with the token",
  })
  createUpload(@Arg('input', () => CreateUploadInput) input: CreateUploadInput, @Ctx() ctx: MediaContext): Promise<UploadTicket> {
    return ctx.services.uploads.create(ctx.viewer, input);
  }

  @Query(() => MediaUpload, { nullable: true, description: 'The owner of its episode, EDITOR or ADMIN; NOT_FOUND otherwise' })
  upload(@Arg('id', () => ID) id: string, @Ctx() ctx: MediaContext): Promise<MediaUpload> {
    return ctx.services.uploads.get(ctx.viewer, id);
  }

  /** Whoever sees the upload manages its asset, so every state of the asset is theirs to see. */
  @FieldResolver(() => MediaAsset)
  async asset(@Root() upload: MediaUpload, @Ctx() ctx: MediaContext): Promise<MediaAsset | null> {
    return loadAsset(ctx, upload.assetId);
  }

  @FieldResolver(() => Episode, REFERENCE)
  episode(@Root() upload: MediaUpload): Episode {
    return episodeRef(upload.episodeId);
  }
}

/** Upload references: one query, and only for whoever may see the upload. */
export async function resolveUploadReferences(ids: readonly string[], ctx: MediaContext): Promise<(MediaUpload | null)[]> {
  const keys = ids.map((id) => id.toLowerCase());
  const rows = await ctx.services.uploads.findByIds(keys.filter(isUuid));
  return byKeys(keys, rows, (upload) => upload.id).map((upload) => (upload && canManage(ctx.viewer, upload.ownerId) ? upload : null));
}
