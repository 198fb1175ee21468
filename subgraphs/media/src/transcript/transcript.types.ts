import { connectionOf, encodeCursor, smallList } from '@wavegraph/kit';
import { Directive, Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { SegmentRow, TranscriptRow } from './transcript.store';

export enum TranscriptStatus {
  PENDING = 'PENDING',
  READY = 'READY',
  FAILED = 'FAILED',
  UNSUPPORTED = 'UNSUPPORTED',
}
registerEnumType(TranscriptStatus, {
  name: 'TranscriptStatus',
  description: 'PENDING while (re)made; READY; FAILED when the engine gave up (reason says why); UNSUPPORTED when the engine does not know the language',
});

export enum TranscriptFileFormat {
  VTT = 'VTT',
  SRT = 'SRT',
}
registerEnumType(TranscriptFileFormat, { name: 'TranscriptFileFormat', description: 'WebVTT or SubRip' });

@ObjectType('TranscriptWord')
export class TranscriptWordType {
  @Field()
  text: string;

  @Field(() => Float)
  startSeconds: number;

  @Field(() => Float)
  endSeconds: number;

  @Field(() => Float, { description: '0..1 as the engine rated it; 1 for text a person wrote' })
  confidence: number;
}

@ObjectType('TranscriptSegment')
export class TranscriptSegmentType {
  @Field(() => Int, { description: 'Place in the transcript from 0; what editTranscriptSegments names' })
  position: number;

  @Field(() => Float)
  startSeconds: number;

  @Field(() => Float)
  endSeconds: number;

  @Field()
  text: string;

  @Field(() => String, { nullable: true })
  speaker: string | null;

  // a recognised segment lasts at most 12 s (about 36 words); the cost estimate assumes a little more
  @Directive(smallList(40))
  @Field(() => [TranscriptWordType])
  words: TranscriptWordType[];
}

export const TranscriptSegmentConnection = connectionOf(TranscriptSegmentType, 'TranscriptSegment');
export const segmentCursor = (segment: TranscriptSegmentType): string => encodeCursor([String(segment.position)]);

export const segmentOf = (row: SegmentRow): TranscriptSegmentType => ({
  position: row.position,
  startSeconds: row.start_seconds,
  endSeconds: row.end_seconds,
  text: row.text,
  speaker: row.speaker,
  words: row.words.map((w) => ({ text: w.text, startSeconds: w.start, endSeconds: w.end, confidence: w.confidence })),
});

/** An episode's transcript: the one of the media the viewer sees as Episode.media. Files, segments and URLs are resolved by TranscriptResolver. */
@ObjectType('Transcript', { description: 'Visible exactly when the episode and its media are' })
export class Transcript {
  @Field({ description: 'BCP 47, e.g. en-US' })
  language: string;

  @Field({ description: 'What made it: pocketsphinx (or another configured engine), script, upload, edited' })
  engine: string;

  @Field(() => TranscriptStatus)
  status: TranscriptStatus;

  @Field(() => String, { nullable: true, description: 'Why it is FAILED or UNSUPPORTED' })
  reason: string | null;

  @Field(() => Int, { description: 'Grows with every change of the episode\'s transcript (TranscriptPublished carries it)' })
  revision: number;

  @Field()
  updatedAt: Date;

  row: TranscriptRow;
  /** The media's status: files are served only for READY media. */
  assetReady: boolean;
}

export function transcriptOfRow(row: TranscriptRow, assetReady: boolean): Transcript {
  return Object.assign(new Transcript(), {
    language: row.language,
    engine: row.engine,
    status: row.status as TranscriptStatus,
    reason: row.reason,
    revision: row.revision,
    updatedAt: row.updated_at,
    row,
    assetReady,
  });
}

@InputType('TranscriptSegmentEdit', { description: 'What changes in one segment; omitted fields stay as they are' })
export class TranscriptSegmentEdit {
  @Field(() => Int)
  position: number;

  @Field(() => String, { nullable: true })
  text?: string | null;

  @Field(() => Float, { nullable: true })
  startSeconds?: number | null;

  @Field(() => Float, { nullable: true })
  endSeconds?: number | null;
}
