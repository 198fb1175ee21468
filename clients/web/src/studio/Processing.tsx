import { useEffect } from 'react';
import { useSubscription } from 'urql';
import { MediaProcessingDocument, type MediaProcessingSubscription } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';

type Event = MediaProcessingSubscription['mediaProcessing'];

/** The asset's processing, live: overall status and each step's progress, until READY or FAILED. */
export function Processing({ assetId, onDone }: { assetId: string; onDone(status: string): void }) {
  // the latest event is all there is to show: each carries the asset as it is now
  const [{ data: event, error }] = useSubscription({ query: MediaProcessingDocument, variables: { assetId } }, (_previous: Event | undefined, next) => next.mediaProcessing);
  const finished = event?.done ? event.status : null;
  useEffect(() => {
    if (finished) onDone(finished);
  }, [finished]);
  return (
    <div className="processing" aria-label="Processing">
      <p>
        Processing: <strong data-testid="media-status">{event?.status ?? 'waiting…'}</strong>
        {event && !event.done && <span className="muted"> · {event.asset.progress}%</span>}
      </p>
      {event && (
        <ol className="steps">
          {event.asset.steps.map((step) => (
            <li key={step.name} className={`step ${step.status.toLowerCase()}`}>
              <span className="step-name">{step.name}</span>
              <progress max={100} value={step.progress} aria-label={`${step.name} progress`} />
              <span className="muted">{step.status.toLowerCase()}{step.attempts > 1 ? ` · attempt ${step.attempts}` : ''}</span>
              {step.reason && <span className="error"> {step.reason}</span>}
            </li>
          ))}
        </ol>
      )}
      {event?.status === 'FAILED' && <p className="error" role="alert">Processing failed{event.reason ? `: ${event.reason}` : ''}.</p>}
      {error && <p className="error" role="alert">{errorMessage(error)}</p>}
    </div>
  );
}
