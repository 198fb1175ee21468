import { Link } from 'react-router';
import { useQuery } from 'urql';
import { ContinueListeningDocument } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { clock } from '../listener/clock';

/** On the home page for a signed-in listener: the episodes they started and did not finish, most recent first. */
export function ContinueListening() {
  const [{ data, error }] = useQuery({ query: ContinueListeningDocument, variables: { first: 10 }, requestPolicy: 'cache-and-network' });
  if (error) return <p className="error" role="alert">{errorMessage(error)}</p>;
  const unfinished = data?.me?.history?.edges.map((edge) => edge.node).filter((progress) => !progress.completed) ?? [];
  if (unfinished.length === 0) return null;
  return (
    <section>
      <h2>Continue listening</h2>
      <ul className="list" aria-label="Continue listening">
        {unfinished.map(({ episode, positionSeconds }) => episode && (
          <li key={episode.id}>
            <Link to={`/episodes/${episode.id}`}>{episode.title}</Link>{' '}
            <span className="muted">· <Link to={`/shows/${episode.show.id}`}>{episode.show.title}</Link> · at {clock(positionSeconds)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
