import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { EpisodeDocument, EpisodeFieldsFragmentDoc, EpisodeMediaDocument, MediaAssetFieldsFragmentDoc, useFragment, type EpisodeFieldsFragment } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { Waveform } from '../media/Waveform';
import { Processing } from './Processing';
import { Publishing } from './publishing/Publishing';
import { Recorder } from './recording/Recorder';
import { Uploader } from './Uploader';

/** An episode in the studio: upload or record its media, watch it process, see its waveform, publish or schedule it. */
export function EpisodeStudio() {
  const { episodeId = '' } = useParams();
  const [{ data, error }, reexecute] = useQuery({ query: EpisodeDocument, variables: { id: episodeId }, requestPolicy: 'cache-and-network' });
  const [media, refetchMedia] = useQuery({ query: EpisodeMediaDocument, variables: { id: episodeId }, requestPolicy: 'network-only' });
  const [assetId, setAssetId] = useState<string | null>(null);
  const [mediaStatus, setMediaStatus] = useState<string | null>(null);
  // what the last change returned, shown until the episode is next read from the API
  const [changed, setChanged] = useState<EpisodeFieldsFragment | null>(null);
  useEffect(() => setChanged(null), [data]);
  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);

  // a failed poll keeps the page as it was; only a first load that fails replaces it
  if (!data) return error ? <p className="error" role="alert">{errorMessage(error)}</p> : <p className="muted">Loading…</p>;
  if (!data.episode) return <p className="error" role="alert">This episode does not exist.</p>;
  const episode = useFragment(EpisodeFieldsFragmentDoc, data.episode);
  const existing = media.data?.episode?.media ? useFragment(MediaAssetFieldsFragmentDoc, media.data.episode.media) : null;
  const liveAsset = assetId ?? (existing && existing.status !== 'READY' ? existing.id : null);
  const ready = (mediaStatus ?? existing?.status) === 'READY';
  const current = changed ?? episode;
  const status = current.status;
  const followAsset = (id: string) => {
    setAssetId(id);
    setMediaStatus(null);
  };

  return (
    <section className="card">
      {data.episode.show && <p><Link to={`/studio/shows/${data.episode.show.id}`}>← {data.episode.show.title}</Link></p>}
      <h2>{episode.title} <span className={`badge ${status.toLowerCase()}`} data-testid="episode-status">{status}</span></h2>
      <h3>Media</h3>
      {existing && <p className="muted">Current media: {existing.status.toLowerCase()}{existing.durationSeconds ? ` · ${Math.round(existing.durationSeconds)} s` : ''}</p>}
      {existing?.status === 'READY' && existing.waveformUrl && <Waveform key={existing.id} url={existing.waveformUrl} />}
      <Uploader episodeId={episode.id} onAsset={followAsset} />
      <Recorder episodeId={episode.id} onAsset={followAsset} />
      {liveAsset && (
        <Processing
          key={liveAsset}
          assetId={liveAsset}
          onDone={(done) => {
            setMediaStatus(done);
            refetchMedia({ requestPolicy: 'network-only' });
          }}
        />
      )}
      <Publishing episode={current} ready={ready} onChange={setChanged} refresh={refresh} />
    </section>
  );
}
