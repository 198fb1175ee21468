import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { EpisodeDocument, EpisodeFieldsFragmentDoc, EpisodeMediaDocument, MediaAssetFieldsFragmentDoc, PublishEpisodeDocument, useFragment } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { Waveform } from '../media/Waveform';
import { Processing } from './Processing';
import { Recorder } from './recording/Recorder';
import { Uploader } from './Uploader';

/** An episode in the studio: upload or record its media, watch it process, see its waveform, publish it. */
export function EpisodeStudio() {
  const { episodeId = '' } = useParams();
  const [{ data, error }] = useQuery({ query: EpisodeDocument, variables: { id: episodeId }, requestPolicy: 'cache-and-network' });
  const [media, refetchMedia] = useQuery({ query: EpisodeMediaDocument, variables: { id: episodeId }, requestPolicy: 'network-only' });
  const [{ fetching: publishing }, publish] = useMutation(PublishEpisodeDocument);
  const [assetId, setAssetId] = useState<string | null>(null);
  const [mediaStatus, setMediaStatus] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [published, setPublished] = useState<string | null>(null);

  if (error) return <p className="error" role="alert">{errorMessage(error)}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  if (!data.episode) return <p className="error" role="alert">This episode does not exist.</p>;
  const episode = useFragment(EpisodeFieldsFragmentDoc, data.episode);
  const existing = media.data?.episode?.media ? useFragment(MediaAssetFieldsFragmentDoc, media.data.episode.media) : null;
  const liveAsset = assetId ?? (existing && existing.status !== 'READY' ? existing.id : null);
  const ready = (mediaStatus ?? existing?.status) === 'READY';
  const status = published ?? episode.status;
  const followAsset = (id: string) => {
    setAssetId(id);
    setMediaStatus(null);
  };

  const onPublish = async () => {
    setProblem(null);
    const result = await publish({ id: episode.id });
    if (result.data) setPublished(useFragment(EpisodeFieldsFragmentDoc, result.data.publishEpisode).status);
    else setProblem(errorMessage(result.error));
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
      <h3>Publishing</h3>
      {status === 'PUBLISHED' ? (
        <p>Published. <Link to={`/episodes/${episode.id}`}>Open the listener page</Link></p>
      ) : (
        <button type="button" onClick={onPublish} disabled={publishing || !ready} title={ready ? '' : 'Publish once the media is ready'}>
          Publish
        </button>
      )}
      {problem && <p className="error" role="alert">{problem}</p>}
    </section>
  );
}
