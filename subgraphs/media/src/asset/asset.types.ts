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

  @Field(() => String, { nullable: true, description: 'Signed, expiring playback URL (with HTTP range support); null until the asset is READY, and while MediaAsset.locked' })
  url: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A URL that does not expire, for feeds and downloads: it redirects (302) to a freshly signed URL of this rendition of the episode's newest READY media, while the episode is published; null until the asset is READY",
  })
  enclosureUrl: string | null;
}

@ObjectType('MediaHls')
export class MediaHls {
  @Field({ description: 'Signed master playlist; every URI inside is signed with the same expiry' })
  masterUrl: string;
}

export const MediaAssetConnection = connectionOf(MediaAsset, 'MediaAsset');
export const assetCursor = (asset: MediaAsset): string => encodeTimeCursor(asset.updatedAt, asset.id);

@ObjectType('MediaVideoVariant', { description: 'One rung of the H.264/AAC ladder of a video source, listed in the HLS master playlist' })
export class MediaVideoVariant {
  @Field({ description: 'Lines of the short side, e.g. 720p' })
  name: string;

  @Field(() => Int)
  width: number;

  @Field(() => Int)
  height: number;

  @Field(() => Float)
  frameRate: number;

  @Field(() => Int, { description: 'Target bitrate of video and audio together' })
  bitrateKbps: number;

  @Field({ description: 'RFC 6381 codecs of the stream as encoded, e.g. avc1.640028,mp4a.40.2' })
  codecs: string;

  @Field(() => String, { nullable: true, description: 'Signed media playlist of this variant alone; null until READY, and while MediaAsset.locked' })
  playlistUrl: string | null;
}

@ObjectType('MediaStoryboard', { description: 'Scrubbing previews: thumbnails in one sprite, and a WebVTT track of `sprite#xywh=` cues' })
export class MediaStoryboard {
  @Field({ description: 'Signed JPEG sprite' })
  spriteUrl: string;

  @Field({ description: 'Signed WebVTT thumbnail track; the sprite URI in each cue is signed too' })
  vttUrl: string;

  @Field(() => Int, { description: 'Seconds between thumbnails' })
  intervalSeconds: number;

  @Field(() => Int)
  tileWidth: number;

  @Field(() => Int)
  tileHeight: number;

  @Field(() => Int, { description: 'Thumbnails in the sprite' })
  count: number;
}
