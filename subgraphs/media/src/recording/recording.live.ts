import { type Context, requireUuid, unauthenticated, withEventLoaders, type SubgraphPubSub } from '@wavegraph/kit';
import { canManage } from '@wavegraph/auth';
import { isFinal, mediaProcessingTopic, type ProcessingMessage } from '../processing/progress';
import { startThenUntil } from '../live/live.follow';
import type { MediaContext } from '../services';
import { RecordingStatus, type RecordingSession } from './recording.entity';

/** What is published about a session on its topic: it changed (a chunk, the finish, expiry); subscribers read it anew. */
export interface SessionMessage {
  sessionId: string;
  status: RecordingStatus;
}

/** The stream of `recordingSession(id)`: the session as it is, then session changes and its asset's processing. */
export type RecordingLiveEvent = { session: string } | SessionMessage | ProcessingMessage;

export const recordingTopic = (sessionId: string): string => `RECORDING_SESSION:${sessionId}`;

/** After the commit; best effort, like every live update. */
export function announceSession(pubSub: Pick<SubgraphPubSub, 'publish'>, message: SessionMessage): Promise<void> {
  return pubSub.publish(recordingTopic(message.sessionId), message);
}

/** Nothing more happens to a session that ended without a source. */
const ENDED_WITHOUT_SOURCE = new Set<RecordingStatus>([RecordingStatus.FAILED, RecordingStatus.EXPIRED]);

const isLast = (event: RecordingLiveEvent): boolean =>
  'sessionId' in event ? ENDED_WITHOUT_SOURCE.has(event.status) : 'assetId' in event && isFinal(event);

/**
 * Listens on both topics first (the session's, and its asset's processing that the worker
 * publishes), then reads the session, so nothing published in between is missed; ends after the
 * asset's final processing message, or when the session failed or expired.
 */
export async function recordingSessionStream(ctx: MediaContext, idArg: string): Promise<AsyncIterableIterator<unknown>> {
  if (!ctx.viewer) throw unauthenticated();
  const id = requireUuid('id', idArg);
  const found = await ctx.services.recordings.find(id);
  if (!found || !canManage(ctx.viewer, found.ownerId)) throw ctx.services.recordings.notFound();
  const sources = [await ctx.pubSub.subscribe(recordingTopic(id)), await ctx.pubSub.subscribe(mediaProcessingTopic(found.assetId))] as AsyncIterableIterator<RecordingLiveEvent>[];
  let session: RecordingSession | null;
  let assetEnded: boolean;
  try {
    session = await ctx.services.recordings.find(id);
    if (!session) throw ctx.services.recordings.notFound();
    assetEnded = await ctx.services.recordings.assetEnded(session.assetId);
  } catch (error) {
    await Promise.all(sources.map((source) => source.return?.()));
    throw error;
  }
  const done = ENDED_WITHOUT_SOURCE.has(session.status) || (session.status === RecordingStatus.FINISHED && assetEnded);
  const events = startThenUntil<RecordingLiveEvent>({ session: id }, done, merge(sources), isLast);
  return withEventLoaders(events, ctx as Context<unknown>);
}

/**
 * The events of several iterators as they come. Own code: a dozen lines, where a library
 * (e.g. @repeaterjs/repeater) would be a new dependency for one use. Ending the result ends every source.
 */
export function merge<T>(sources: AsyncIterableIterator<T>[]): AsyncIterableIterator<T> {
  const pending = new Map(sources.map((source) => [source, source.next().then((result) => ({ source, result }))]));
  const close = async (): Promise<void> => {
    await Promise.all(sources.map((source) => source.return?.()));
  };
  return {
    async next(): Promise<IteratorResult<T>> {
      while (pending.size) {
        const { source, result } = await Promise.race(pending.values());
        if (result.done) {
          pending.delete(source);
          continue;
        }
        pending.set(source, source.next().then((next) => ({ source, result: next })));
        return result;
      }
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<T>> {
      await close();
      pending.clear();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      await close();
      pending.clear();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
