import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { TrendingDocument, type TrendingWindow } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { Choice } from '../Choice';

const WINDOWS: [TrendingWindow, string][] = [['DAY', 'Today'], ['WEEK', 'This week'], ['MONTH', 'This month']];
const isWindow = (value: string | null): value is TrendingWindow => WINDOWS.some(([known]) => known === value);

/** The episodes people play and like most right now, over a day, a week or a month. */
export function Trending() {
  const [params, setParams] = useSearchParams();
  const asked = params.get('window');
  const period: TrendingWindow = isWindow(asked) ? asked : 'DAY';
  const [{ data, error, fetching }, again] = useQuery({ query: TrendingDocument, variables: { window: period, first: 20 }, requestPolicy: 'cache-and-network' });
  const trending = data?.trending ?? [];
  return (
    <section className="card">
      <h2>Trending</h2>
      <div className="toolbar">
        <Choice label="Period" name="window" value={period} options={WINDOWS} onChange={(value) => setParams({ window: value })} />
        <button type="button" onClick={() => again({ requestPolicy: 'network-only' })} disabled={fetching}>Refresh</button>
      </div>
      {error && <p className="error" role="alert">{errorMessage(error)}</p>}
      {data && trending.length === 0 && <p className="muted">Nothing is trending yet: episodes show here once people play and like them.</p>}
      <ol className="list ranked" aria-label="Trending episodes">
        {trending.map(({ episode, score }) => episode && (
          <li key={episode.id}>
            <Link to={`/episodes/${episode.id}`}>{episode.title}</Link>{' '}
            {episode.show && <span className="muted">· <Link to={`/shows/${episode.show.id}`}>{episode.show.title}</Link></span>}{' '}
            <span className="muted" title={`score ${score.toFixed(2)}`}>· {plural(episode.playCount, 'play')} · {plural(episode.likeCount, 'like')}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

const plural = (n: number | null | undefined, noun: string) => `${n ?? 0} ${noun}${n === 1 ? '' : 's'}`;
