import { useState } from 'react';

/** Archiving cannot be undone, so it asks once more on the page itself. */
export function ArchiveButton({ disabled, onArchive }: { disabled: boolean; onArchive(): void }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return <button type="button" className="plain" disabled={disabled} onClick={() => setConfirming(true)}>Archive</button>;
  }
  return (
    <div className="confirm" role="group" aria-label="Confirm archiving">
      <p>Archived episodes are hidden from listeners and cannot be published again.</p>
      <button type="button" className="danger" disabled={disabled} onClick={() => { setConfirming(false); onArchive(); }}>Archive for good</button>{' '}
      <button type="button" className="plain" onClick={() => setConfirming(false)}>Keep it</button>
    </div>
  );
}
