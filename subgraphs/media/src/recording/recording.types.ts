import { Field, ObjectType } from 'type-graphql';
import { MediaProcessingEvent } from '../live/live.types';
import { RecordingSession } from './recording.entity';

@ObjectType({ description: 'A change in a recording session: the first one is the state when subscribing' })
export class RecordingSessionEvent {
  @Field(() => RecordingSession, { description: 'As it is now (chunks and bytes received, missing, status)' })
  session: RecordingSession;

  @Field(() => MediaProcessingEvent, {
    nullable: true,
    description: "Once finished, the processing of the session's asset (as mediaProcessing reports it); null for chunk and status changes",
  })
  processing: MediaProcessingEvent | null;

  @Field({ description: 'The last event (the asset READY, FAILED or DELETED, or the session FAILED or EXPIRED); the subscription then completes' })
  done: boolean;
}
