import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { LatestEpisodesDocument, SearchDocument, EpisodeFieldsFragmentDoc, useFragment } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { ContinueListening } from '../library/ContinueListening';
import { useSession } from '../session';
import { Highlight } from './Highlight';

/** Search shows and episodes (matching words highlighted), and the latest episodes when nothing is asked. */
export function Search() {
  const [params, setParams] = useSearchParams();
  const asked = params.get('q') ?? '';
  const [text, setText] = useState(asked);
  const [{ data, error, fetching }, again] = useQuery({ query: SearchDocument, variables: { query: asked, first: 20 }, pause: !asked, requestPolicy: 'network-only' });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === asked) again({ requestPolicy: 'network-only' });
    else setParams({ q: text.trim() });
  };
  const hits = data?.search.edges.map((edge) => edge.node) ?? [];
  const session = useSession();
  return (
    <div>
      <form className="search" role="search" onSubmit={submit}>
        <input type="search" name="q" aria-label="Search" placeholder="Search shows and episodes" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      {error && <p className="error" role="alert">{errorMessage(error)}</p>}
      {asked && data && !fetching && hits.length === 0 && <p className="muted">Nothing found for “{asked}”.</p>}
      {asked ? (
        <ul className="list results" aria-label="Results">
          {hits.map((hit, index) => (
            <li key={hit.episode?.id ?? hit.show?.id ?? index}>
              {hit.episode ? (
                <>
                  <Link to={`/episodes/${hit.episode.id}`}>{hit.episode.title}</Link> <span className="muted">episode · {hit.episode.show?.title}</span>
                </>
              ) : hit.show ? (
                <>
                  <Link to={`/shows/${hit.show.id}`}>{hit.show.title}</Link> <span className="muted">show</span>
                </>
              ) : null}
              {hit.highlight && <p className="snippet"><Highlight text={hit.highlight} /></p>}
            </li>
          ))}
        </ul>
      ) : (
        <>
          {session && <ContinueListening />}
          <Latest />
        </>
      )}
    </div>
  );
}

function Latest() {
  const [{ data, error }] = useQuery({ query: LatestEpisodesDocument, variables: { first: 20 } });
  if (error) return <p className="error" role="alert">{errorMessage(error)}</p>;
  const episodes = data?.episodes.edges ?? [];
  return (
    <section>
      <h2>Latest episodes</h2>
      <ul className="list">
        {episodes.map(({ node }) => {
          const episode = useFragment(EpisodeFieldsFragmentDoc, node);
          return (
            <li key={episode.id}>
              <Link to={`/episodes/${episode.id}`}>{episode.title}</Link>{' '}
              {node.show && <span className="muted">· <Link to={`/shows/${node.show.id}`}>{node.show.title}</Link></span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
