import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CreatePlaylistDocument } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { PlaylistCard } from './PlaylistCard';
import { usePlaylists } from './usePlaylists';

/** The listener's playlists: create, rename, delete, and their episodes in order (remove, move up and down). */
export function Library() {
  const library = usePlaylists();
  return (
    <div className="grid">
      <section className="card">
        <h2>Library</h2>
        {library.error && <p className="error" role="alert">{errorMessage(library.error)}</p>}
        {!library.loaded && !library.error && <p className="muted">Loading…</p>}
        {library.loaded && library.playlists.length === 0 && <p className="muted">No playlists yet: create one, then add episodes from their pages.</p>}
        {library.playlists.map((playlist) => <PlaylistCard key={playlist.id} playlist={playlist} onChanged={library.reload} />)}
      </section>
      <NewPlaylist onCreated={library.reload} />
    </div>
  );
}

function NewPlaylist({ onCreated }: { onCreated(): void }) {
  const [{ fetching }, create] = useMutation(CreatePlaylistDocument);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const result = await create({ name: name.trim() });
    if (result.data) {
      setName('');
      onCreated();
    } else setProblem(errorMessage(result.error));
  };
  return (
    <section className="card">
      <h2>New playlist</h2>
      <form onSubmit={submit} aria-label="New playlist">
        <label>Playlist name <input name="name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} /></label>
        {problem && <p className="error" role="alert">{problem}</p>}
        <button type="submit" disabled={fetching}>Create playlist</button>
      </form>
    </section>
  );
}
