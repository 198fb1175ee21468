import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { EpisodeFieldsFragmentDoc, ShowDocument, ShowFieldsFragmentDoc, useFragment } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';

/** A show for listeners: what it is and its published episodes. */
export function ShowPage() {
  const { showId = '' } = useParams();
  const [{ data, error }] = useQuery({ query: ShowDocument, variables: { id: showId } });
  if (error) return <p className="error" role="alert">{errorMessage(error)}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  if (!data.show) return <p className="error" role="alert">This show does not exist.</p>;
  const show = useFragment(ShowFieldsFragmentDoc, data.show);
  const episodes = data.show.episodes.edges.map((edge) => useFragment(EpisodeFieldsFragmentDoc, edge.node)).filter((episode) => episode.status === 'PUBLISHED');
  return (
    <section className="card">
      <h2>{show.title}</h2>
      <p className="muted">by {data.show.owner?.displayName ?? data.show.owner?.handle}</p>
      {show.description && <p>{show.description}</p>}
      <ul className="list" aria-label="Episodes">
        {episodes.map((episode) => (
          <li key={episode.id}><Link to={`/episodes/${episode.id}`}>{episode.title}</Link> {episode.publishedAt && <span className="muted">{new Date(episode.publishedAt).toLocaleDateString()}</span>}</li>
        ))}
      </ul>
      {episodes.length === 0 && <p className="muted">No episodes published yet.</p>}
    </section>
  );
}
