import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { CreateEpisodeDocument, EpisodeFieldsFragmentDoc, ShowDocument, ShowFieldsFragmentDoc, useFragment } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { localTime } from './publishing/schedule';

/** One of the creator's shows: its episodes (any status) and a form for a new one. */
export function ShowStudio() {
  const { showId = '' } = useParams();
  const [{ data, error }] = useQuery({ query: ShowDocument, variables: { id: showId }, requestPolicy: 'cache-and-network' });
  if (error) return <p className="error" role="alert">{errorMessage(error)}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  if (!data.show) return <p className="error" role="alert">This show does not exist.</p>;
  const show = useFragment(ShowFieldsFragmentDoc, data.show);
  const episodes = data.show.episodes.edges.map((edge) => useFragment(EpisodeFieldsFragmentDoc, edge.node));
  return (
    <div className="grid">
      <section className="card">
        <p><Link to="/studio">← My shows</Link></p>
        <h2>{show.title}</h2>
        {show.description && <p>{show.description}</p>}
        <p><Link to={`/shows/${show.id}`}>Listener page</Link></p>
        <h3>Episodes</h3>
        {episodes.length === 0 && <p className="muted">No episodes yet.</p>}
        <ul className="list" aria-label="Episodes">
          {episodes.map((episode) => (
            <li key={episode.id}>
              <Link to={`/studio/episodes/${episode.id}`}>{episode.title}</Link>{' '}
              <span className={`badge ${episode.status.toLowerCase()}`}>{episode.status}</span>
              {episode.status === 'SCHEDULED' && episode.scheduledAt && (
                <span className="muted"> · for <time dateTime={episode.scheduledAt}>{localTime(episode.scheduledAt)}</time></span>
              )}
            </li>
          ))}
        </ul>
      </section>
      <CreateEpisode showId={show.id} />
    </div>
  );
}

function CreateEpisode({ showId }: { showId: string }) {
  const navigate = useNavigate();
  const [{ fetching }, createEpisode] = useMutation(CreateEpisodeDocument);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const result = await createEpisode({ input: { showId, title, description: description || undefined } });
    if (result.data) navigate(`/studio/episodes/${useFragment(EpisodeFieldsFragmentDoc, result.data.createEpisode).id}`);
    else setProblem(errorMessage(result.error));
  };
  return (
    <section className="card">
      <h2>New episode</h2>
      <form onSubmit={submit} aria-label="New episode">
        <label>Title <input name="title" required value={title} onChange={(e) => setTitle(e.target.value)} /></label>
        <label>Description <textarea name="description" value={description} onChange={(e) => setDescription(e.target.value)} /></label>
        {problem && <p className="error" role="alert">{problem}</p>}
        <button type="submit" disabled={fetching}>Create episode</button>
      </form>
    </section>
  );
}
