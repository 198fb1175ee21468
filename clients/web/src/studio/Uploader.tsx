import { useRef, useState, type ChangeEvent } from 'react';
import { useMutation } from 'urql';
import type { Upload } from 'tus-js-client';
import { CreateUploadDocument } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { startUpload } from './upload';

type Phase = { kind: 'idle' } | { kind: 'sending'; sent: number; total: number } | { kind: 'paused'; sent: number; total: number; reason: string } | { kind: 'done'; total: number };

/** Picks a file, creates the upload for the episode, and sends it with a real progress bar. */
export function Uploader({ episodeId, onAsset }: { episodeId: string; onAsset(assetId: string): void }) {
  const [, createUpload] = useMutation(CreateUploadDocument);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [problem, setProblem] = useState<string | null>(null);
  const [preparing, setPreparing] = useState(false);
  const upload = useRef<Upload | null>(null);

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setProblem(null);
    setPreparing(true);
    const input = { episodeId, filename: file.name, sizeBytes: file.size, mimeType: file.type || 'application/octet-stream' };
    let result = await createUpload({ input });
    // media hears of a new episode through catalog's events, a moment after it was created
    for (let attempt = 0; attempt < 20 && result.error?.graphQLErrors.some((e) => e.extensions?.code === 'NOT_FOUND'); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      result = await createUpload({ input });
    }
    setPreparing(false);
    const created = result.data?.createUpload;
    if (!created) {
      setProblem(errorMessage(result.error));
      return;
    }
    onAsset(created.upload.asset.id);
    setPhase({ kind: 'sending', sent: 0, total: file.size });
    upload.current = startUpload(file, created, {
      onProgress: (sent, total) => setPhase({ kind: 'sending', sent, total }),
      onSuccess: () => setPhase({ kind: 'done', total: file.size }),
      onError: (error) => setPhase((now) => ({ kind: 'paused', sent: 'sent' in now ? now.sent : 0, total: file.size, reason: error.message })),
    });
  };
  const resume = () => {
    if (phase.kind !== 'paused' || !upload.current) return;
    setPhase({ kind: 'sending', sent: phase.sent, total: phase.total });
    upload.current.start();
  };

  const percent = phase.kind === 'done' ? 100 : phase.kind === 'idle' ? 0 : Math.floor((phase.sent / Math.max(phase.total, 1)) * 100);
  return (
    <div className="uploader">
      <label>Audio or video file <input type="file" name="media" accept="audio/*,video/*" disabled={preparing || phase.kind === 'sending'} onChange={choose} /></label>
      {preparing && <p className="muted">Preparing the upload…</p>}
      {phase.kind !== 'idle' && (
        <div>
          <progress aria-label="Upload progress" max={100} value={percent} />
          <span className="muted" data-testid="upload-status">
            {phase.kind === 'done' ? 'Uploaded' : `${percent}% · ${kb(phase.sent)} of ${kb(phase.total)}`}
          </span>
        </div>
      )}
      {phase.kind === 'paused' && (
        <p className="error" role="alert">
          The connection dropped ({phase.reason}). <button type="button" onClick={resume}>Resume upload</button>
        </p>
      )}
      {problem && <p className="error" role="alert">{problem}</p>}
    </div>
  );
}

const kb = (bytes: number) => (bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);
