import { connectionOf, encodeTimeCursor } from '@wavegraph/kit';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { MediaAsset } from './asset.entity';

@ObjectType('MediaLoudness', { description: 'EBU R128 measurements: the source before, the master after normalisation' })
export class MediaLoudness {
  @Field(() => Float, { nullable: true, description: 'Integrated loudness of the source (LUFS)' })
  inputLufs: number | null;

  @Field(() => Float, { nullable: true, description: 'Integrated loudness after normalisation (LUFS; target -16)' })
  integratedLufs: number | null;

  @Field(() => Float, { nullable: true, description: 'True peak after normalisation (dBTP)' })
  truePeakDbtp: number | null;
}

@ObjectType('MediaRendition')
export class MediaRendition {
  @Field({ description: 'e.g. aac-128' })
  name: string;

  @Field(() => Int)
  bitrateKbps: number;

  @Field()
  mimeType: string;

  @Field(() => Float)
  sizeBytes: number;

  @Field(() => String, { nullable: true, description: 'Signed, expiring playback URL (with HTTP range support); null until the asset is READY' })
  url: string | null;
}

@ObjectType('MediaHls')
export class MediaHls {
  @Field({ description: 'Signed master playlist; every URI inside is signed with the same expiry' })
  masterUrl: string;
}

export const MediaAssetConnection = connectionOf(MediaAsset, 'MediaAsset');
export const assetCursor = (asset: MediaAsset): string => encodeTimeCursor(asset.updatedAt, asset.id);
