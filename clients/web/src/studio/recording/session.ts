import type { Client, CombinedError } from '@urql/core';
import {
  FinishRecordingSessionDocument,
  RecordingSessionDocument,
  RecordingSessionFieldsFragmentDoc,
  StartRecordingSessionDocument,
  useFragment,
  type RecordingSessionFieldsFragment,
} from '@wavegraph/client/documents';
import { errorMessage } from '../../errors';

export interface StartedSession {
  id: string;
  assetId: string;
  chunkUrl: string;
  token: string;
}

/** A GraphQL failure carried as an Error, with the API's words and, for a refused finish, the missing chunks. */
export class SessionError extends Error {
  constructor(
    readonly error: CombinedError | undefined,
    readonly missing: number[] = [],
  ) {
    super(errorMessage(error) ?? 'The recording session did not answer.');
  }
}

const notYetKnown = (error: CombinedError | undefined) => error?.graphQLErrors.some((e) => e.extensions?.code === 'NOT_FOUND') ?? false;

/** Starts the session; media hears of a new episode through catalog's events a moment after it was created, so NOT_FOUND is asked again. */
export async function startSession(client: Client, episodeId: string, mimeType: string): Promise<StartedSession> {
  let result = await client.mutation(StartRecordingSessionDocument, { episodeId, mimeType }).toPromise();
  for (let attempt = 0; attempt < 20 && notYetKnown(result.error); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    result = await client.mutation(StartRecordingSessionDocument, { episodeId, mimeType }).toPromise();
  }
  const started = result.data?.startRecordingSession;
  if (!started) throw new SessionError(result.error);
  const fields = useFragment(RecordingSessionFieldsFragmentDoc, started);
  return { id: fields.id, assetId: fields.asset.id, chunkUrl: started.chunkUrl, token: started.token };
}

/** Every number up to `lastSequence` the session does not hold: the gaps below its highest, and all after it. */
export async function missingChunks(client: Client, id: string, lastSequence: number): Promise<number[]> {
  const result = await client.query(RecordingSessionDocument, { id }, { requestPolicy: 'network-only' }).toPromise();
  if (!result.data?.recordingSession) throw new SessionError(result.error);
  const session: RecordingSessionFieldsFragment = useFragment(RecordingSessionFieldsFragmentDoc, result.data.recordingSession);
  const after = Array.from({ length: Math.max(0, lastSequence - (session.highestSequence ?? -1)) }, (_, i) => (session.highestSequence ?? -1) + 1 + i);
  return [...session.missing.filter((sequence) => sequence <= lastSequence), ...after];
}

/** Finishes the session; a refusal listing missing chunks keeps them in `SessionError.missing`. */
export async function finishSession(client: Client, id: string, lastSequence: number): Promise<void> {
  const result = await client.mutation(FinishRecordingSessionDocument, { id, lastSequence }).toPromise();
  if (result.data?.finishRecordingSession) return;
  const missing = result.error?.graphQLErrors.flatMap((e) => (Array.isArray(e.extensions?.missing) ? (e.extensions.missing as number[]) : [])) ?? [];
  throw new SessionError(result.error, missing);
}
