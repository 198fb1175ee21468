import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { BrowseDocument, type ShowCategory, type ShowSubcategory } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { Choice } from '../Choice';
import { CATEGORIES, categoryName, isCategory, subcategoriesOf } from './categories';

const PAGE_SIZE = 20;

/** Published episodes by their show's category and subcategory, newest first, a page at a time. */
export function Browse() {
  const [params, setParams] = useSearchParams();
  const asked = params.get('category');
  const category = isCategory(asked) ? asked : null;
  const subcategories = category ? subcategoriesOf(category) : [];
  const askedSub = params.get('subcategory');
  const subcategory = subcategories.find(([value]) => value === askedSub)?.[0] ?? null;
  const choose = (next: { category?: string; subcategory?: string }) => setParams(Object.fromEntries(Object.entries(next).filter(([, value]) => value)) as Record<string, string>);
  return (
    <section className="card">
      <h2>Browse</h2>
      <div className="toolbar">
        <Choice label="Category" name="category" value={category ?? ''} options={[['', 'All categories'], ...CATEGORIES]} onChange={(value) => choose({ category: value })} />
        {category && subcategories.length > 0 && (
          <Choice
            label="Subcategory"
            name="subcategory"
            value={subcategory ?? ''}
            options={[['', `All of ${categoryName(category)}`], ...subcategories]}
            onChange={(value) => choose({ category, subcategory: value })}
          />
        )}
      </div>
      {/* a new choice starts again from the first page */}
      <Pages key={`${category ?? ''}/${subcategory ?? ''}`} category={category} subcategory={subcategory} />
    </section>
  );
}

function Pages({ category, subcategory }: { category: ShowCategory | null; subcategory: ShowSubcategory | null }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <ul className="list" aria-label="Browsed episodes">
      {cursors.map((after, index) => (
        <Page key={after ?? 'first'} category={category} subcategory={subcategory} after={after} isFirst={index === 0} onMore={index === cursors.length - 1 ? (next) => setCursors([...cursors, next]) : undefined} />
      ))}
    </ul>
  );
}

interface PageProps {
  category: ShowCategory | null;
  subcategory: ShowSubcategory | null;
  after: string | null;
  isFirst: boolean;
  /** Only on the last page loaded: asks for the one after `cursor`. */
  onMore?: (cursor: string) => void;
}

function Page({ category, subcategory, after, isFirst, onMore }: PageProps) {
  const [{ data, error, fetching }] = useQuery({ query: BrowseDocument, variables: { category, subcategory, first: PAGE_SIZE, after }, requestPolicy: 'cache-and-network' });
  if (error) return <li><p className="error" role="alert">{errorMessage(error)}</p></li>;
  if (!data) return <li className="muted">Loading…</li>;
  const edges = data.browse.edges;
  const { hasNextPage, endCursor } = data.browse.pageInfo;
  return (
    <>
      {isFirst && edges.length === 0 && (
        <li className="muted">{category ? `No published episodes in ${categoryName(category)} yet.` : 'No published episodes yet.'}</li>
      )}
      {edges.map(({ cursor, node }) => node && (
        <li key={cursor}>
          <Link to={`/episodes/${node.id}`}>{node.title}</Link>{' '}
          {node.show && (
            <span className="muted">
              · <Link to={`/shows/${node.show.id}`}>{node.show.title}</Link> · {categoryName(node.show.category)}
              {node.publishedAt && ` · ${new Date(node.publishedAt).toLocaleDateString()}`}
            </span>
          )}
        </li>
      ))}
      {onMore && hasNextPage && endCursor && (
        <li><button type="button" disabled={fetching} onClick={() => onMore(endCursor)}>Load more</button></li>
      )}
    </>
  );
}
