import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, type CombinedError } from 'urql';
import {
  ArchiveEpisodeDocument,
  EpisodeFieldsFragmentDoc,
  PublishEpisodeDocument,
  UnpublishEpisodeDocument,
  useFragment,
  type EpisodeFieldsFragment,
  type FragmentType,
} from '@wavegraph/client/documents';
import { errorMessage } from '../../errors';
import { ArchiveButton } from './ArchiveButton';
import { localTime } from './schedule';
import { ScheduleForm } from './ScheduleForm';
import { useScheduleWatch } from './useScheduleWatch';

interface Props {
  episode: EpisodeFieldsFragment;
  /** Whether the episode's media is READY: it is published or scheduled only then. */
  ready: boolean;
  /** The episode as a change left it, shown at once. */
  onChange(episode: EpisodeFieldsFragment): void;
  /** Asks the API for the episode again (to see the worker publish it on time). */
  refresh(): void;
}

/** The publishing workflow: publish now or at a time, cancel a schedule, unpublish, archive. */
export function Publishing({ episode, ready, onChange, refresh }: Props) {
  const [publishing, publish] = useMutation(PublishEpisodeDocument);
  const [unpublishing, unpublish] = useMutation(UnpublishEpisodeDocument);
  const [archiving, archive] = useMutation(ArchiveEpisodeDocument);
  const [problem, setProblem] = useState<string | null>(null);
  useScheduleWatch(episode.status, episode.scheduledAt, refresh);
  const busy = publishing.fetching || unpublishing.fetching || archiving.fetching;
  const { status, scheduledAt, publishedAt } = episode;

  const settle = (changed: FragmentType<typeof EpisodeFieldsFragmentDoc> | undefined, error: CombinedError | undefined) => {
    if (changed) onChange(useFragment(EpisodeFieldsFragmentDoc, changed));
    else setProblem(errorMessage(error));
  };
  const variables = { id: episode.id };
  const onPublish = async () => {
    setProblem(null);
    const { data, error } = await publish(variables);
    settle(data?.publishEpisode, error);
  };
  const onUnpublish = async () => {
    setProblem(null);
    const { data, error } = await unpublish(variables);
    settle(data?.unpublishEpisode, error);
  };
  const onArchive = async () => {
    setProblem(null);
    const { data, error } = await archive(variables);
    settle(data?.archiveEpisode, error);
  };
  const changed = (next: EpisodeFieldsFragment) => {
    setProblem(null);
    onChange(next);
  };

  return (
    <section aria-label="Publishing">
      <h3>Publishing</h3>
      {status === 'DRAFT' && <p className="muted">A draft: only you and the editors see it.</p>}
      {status === 'SCHEDULED' && scheduledAt && (
        <p data-testid="scheduled-for">
          Scheduled for <time dateTime={scheduledAt}>{localTime(scheduledAt)}</time>
        </p>
      )}
      {status === 'PUBLISHED' && (
        <p>
          Published{publishedAt && <> <time dateTime={publishedAt} data-testid="published-at">{localTime(publishedAt)}</time></>}.{' '}
          <Link to={`/episodes/${episode.id}`}>Open the listener page</Link>
        </p>
      )}
      {status === 'ARCHIVED' && <p>Archived: listeners no longer see it, and it cannot be published again.</p>}
      {(status === 'DRAFT' || status === 'SCHEDULED') && (
        <>
          <div className="actions">
            <button type="button" onClick={onPublish} disabled={busy || !ready} title={ready ? '' : 'Publish once the media is ready'}>Publish now</button>{' '}
            {status === 'SCHEDULED' && <button type="button" className="plain" onClick={onUnpublish} disabled={busy}>Cancel schedule</button>}
          </div>
          <ScheduleForm episodeId={episode.id} enabled={ready && !busy} onScheduled={changed} onProblem={setProblem} />
        </>
      )}
      {status === 'PUBLISHED' && (
        <div className="actions">
          <button type="button" className="plain" onClick={onUnpublish} disabled={busy}>Unpublish</button>
        </div>
      )}
      {status !== 'ARCHIVED' && (
        <div className="actions">
          <ArchiveButton disabled={busy} onArchive={onArchive} />
        </div>
      )}
      {problem && <p className="error" role="alert">{problem}</p>}
    </section>
  );
}
