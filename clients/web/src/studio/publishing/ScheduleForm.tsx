import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { EpisodeFieldsFragmentDoc, ScheduleEpisodeDocument, useFragment, type EpisodeFieldsFragment } from '@wavegraph/client/documents';
import { fromLocalInput, scheduleRefusal } from './schedule';

interface Props {
  episodeId: string;
  /** False while the media is not READY, or another change is under way. */
  enabled: boolean;
  onScheduled(episode: EpisodeFieldsFragment): void;
  onProblem(problem: string | null): void;
}

/** "Publish at" a local date and time, to the second; the API decides whether the time is acceptable. */
export function ScheduleForm({ episodeId, enabled, onScheduled, onProblem }: Props) {
  const [{ fetching }, schedule] = useMutation(ScheduleEpisodeDocument);
  const [value, setValue] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    onProblem(null);
    const publishAt = fromLocalInput(value);
    if (!publishAt) return onProblem('Choose the date and time to publish at.');
    const result = await schedule({ id: episodeId, publishAt });
    if (result.data) onScheduled(useFragment(EpisodeFieldsFragmentDoc, result.data.scheduleEpisode));
    else onProblem(scheduleRefusal(result.error));
  };
  return (
    <form className="inline" onSubmit={submit} aria-label="Schedule">
      <label>
        Publish at <input type="datetime-local" name="publishAt" step={1} required value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      <button type="submit" disabled={!enabled || fetching} title={enabled ? '' : 'Schedule once the media is ready'}>Schedule</button>
    </form>
  );
}
