import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { CreateShowDocument, MyShowsDocument, ShowFieldsFragmentDoc, useFragment, type ShowCategory } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';

const CATEGORIES: ShowCategory[] = [
  'ARTS', 'BUSINESS', 'COMEDY', 'EDUCATION', 'FICTION', 'GOVERNMENT', 'HEALTH', 'HISTORY', 'KIDS_AND_FAMILY', 'LEISURE',
  'MUSIC', 'NEWS', 'RELIGION_AND_SPIRITUALITY', 'SCIENCE', 'SOCIETY', 'SPORTS', 'TECHNOLOGY', 'TRUE_CRIME', 'TV_AND_FILM',
];
const label = (category: string) => category.charAt(0) + category.slice(1).toLowerCase().replace(/_/g, ' ');
const slugOf = (title: string) => title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);

/** The studio's front page: the creator's shows and a form for a new one. */
export function MyShows() {
  const [{ data, fetching, error }] = useQuery({ query: MyShowsDocument, requestPolicy: 'cache-and-network' });
  const shows = data?.me?.shows?.edges.map((edge) => useFragment(ShowFieldsFragmentDoc, edge.node)) ?? [];
  return (
    <div className="grid">
      <section className="card">
        <h2>My shows</h2>
        {fetching && !data && <p className="muted">Loading…</p>}
        {error && <p className="error" role="alert">{errorMessage(error)}</p>}
        {data && shows.length === 0 && <p className="muted">No shows yet: create your first one.</p>}
        <ul className="list" aria-label="My shows">
          {shows.map((show) => (
            <li key={show.id}>
              <Link to={`/studio/shows/${show.id}`}>{show.title}</Link> <span className="muted">{label(show.category)} · {show.language}</span>
            </li>
          ))}
        </ul>
      </section>
      <CreateShow />
    </div>
  );
}

function CreateShow() {
  const navigate = useNavigate();
  const [{ fetching }, createShow] = useMutation(CreateShowDocument);
  const [form, setForm] = useState({ title: '', slug: '', description: '', category: 'TECHNOLOGY' as ShowCategory, language: 'en' });
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const result = await createShow({
      input: { title: form.title, slug: form.slug || slugOf(form.title), description: form.description || undefined, category: form.category, language: form.language },
    });
    if (result.data) navigate(`/studio/shows/${useFragment(ShowFieldsFragmentDoc, result.data.createShow).id}`);
    else setProblem(errorMessage(result.error));
  };
  return (
    <section className="card">
      <h2>New show</h2>
      <form onSubmit={submit} aria-label="New show">
        <label>Title <input name="title" required value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} /></label>
        <label>Address <input name="slug" placeholder={slugOf(form.title) || 'my-show'} value={form.slug} onChange={(e) => setForm({ ...form, slug: e.target.value })} /></label>
        <label>Description <textarea name="description" value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} /></label>
        <label>Category
          <select name="category" value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value as ShowCategory })}>
            {CATEGORIES.map((category) => <option key={category} value={category}>{label(category)}</option>)}
          </select>
        </label>
        <label>Language <input name="language" required value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })} /></label>
        {problem && <p className="error" role="alert">{problem}</p>}
        <button type="submit" disabled={fetching}>Create show</button>
      </form>
    </section>
  );
}
