import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { MediaUpload } from './upload.entity';

@InputType('CreateUploadInput')
export class CreateUploadInput {
  @Field(() => ID)
  episodeId: string;

  @Field({ description: '1..255 characters, no path' })
  filename: string;

  @Field(() => Float, { description: 'Exact size in bytes (a Float: files may exceed 2^31 bytes); at most the configured maximum' })
  sizeBytes: number;

  @Field({ description: 'audio/mpeg, audio/mp4, audio/aac, audio/wav, audio/x-wav, audio/flac, audio/ogg, video/mp4, video/quicktime or video/webm' })
  mimeType: string;

  @Field(() => String, { nullable: true, description: 'Hex sha-256 of the file; when given, an upload that does not match is rejected' })
  sha256?: string | null;
}

@ObjectType('UploadTicket', { description: 'Everything a tus client (tus-js-client, Uppy) needs to send the file' })
export class UploadTicket {
  @Field(() => MediaUpload)
  upload: MediaUpload;

  @Field({ description: 'The tus upload URL, already created: resume it with HEAD/PATCH (tus-js-client: `uploadUrl`)' })
  uploadUrl: string;

  @Field({ description: 'The tus endpoint the upload lives under' })
  endpoint: string;

  @Field(() => Int, {
    description:
      'Bytes to send per PATCH (tus-js-client: `chunkSize`): large, since each request has a fixed cost; an interrupted PATCH keeps what arrived, so resuming loses nothing',
  })
  chunkSize: number;

  @Field({ description: 'Send as header `x-upload-token` with every tus request; valid for this upload until it expires' })
  token: string;

  @Field()
  expiresAt: Date;
}
