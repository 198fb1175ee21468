import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, type OperationResult } from 'urql';
import { DeletePlaylistDocument, RemoveFromPlaylistDocument, RenamePlaylistDocument, ReorderPlaylistDocument } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import type { Playlist } from './usePlaylists';

/** `ids` with the one at `index` swapped with its neighbour `by` places away (-1 up, +1 down). */
export const moved = (ids: string[], index: number, by: -1 | 1): string[] => {
  const next = [...ids];
  [next[index], next[index + by]] = [next[index + by], next[index]];
  return next;
};

/** One playlist: its name (renamed in place), its episodes in order, and what can be done to them. */
export function PlaylistCard({ playlist, onChanged }: { playlist: Playlist; onChanged(): void }) {
  const [{ fetching: renaming }, rename] = useMutation(RenamePlaylistDocument);
  const [{ fetching: deleting }, remove] = useMutation(DeletePlaylistDocument);
  const [{ fetching: removing }, removeEpisode] = useMutation(RemoveFromPlaylistDocument);
  const [{ fetching: reordering }, reorder] = useMutation(ReorderPlaylistDocument);
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(playlist.name);
  const [problem, setProblem] = useState<string | null>(null);
  const episodes = playlist.episodes.edges.flatMap((edge) => (edge.node ? [edge.node] : []));
  const busy = renaming || deleting || removing || reordering;

  const run = async (action: Promise<OperationResult>) => {
    setProblem(null);
    const result = await action;
    if (result.error) setProblem(errorMessage(result.error));
    else onChanged();
    return !result.error;
  };
  const submitName = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(rename({ id: playlist.id, name: name.trim() }))) setEditing(false);
  };
  const move = (index: number, by: -1 | 1) => run(reorder({ playlistId: playlist.id, episodeIds: moved(episodes.map((e) => e.id), index, by) }));

  return (
    <article className="playlist" aria-label={`Playlist ${playlist.name}`}>
      {editing ? (
        <form onSubmit={submitName} aria-label={`Rename ${playlist.name}`} className="inline">
          <label>New name <input name="name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} /></label>
          <button type="submit" disabled={busy}>Save</button>
          <button type="button" className="plain" onClick={() => setEditing(false)}>Cancel</button>
        </form>
      ) : (
        <div className="playlist-head">
          <h3>{playlist.name}</h3>
          <span className="muted">{playlist.episodeCount} episode{playlist.episodeCount === 1 ? '' : 's'}</span>
          <button type="button" className="plain" onClick={() => { setName(playlist.name); setEditing(true); }}>Rename</button>
          <button type="button" className="plain" disabled={busy} onClick={() => void run(remove({ id: playlist.id }))}>Delete playlist</button>
        </div>
      )}
      {problem && <p className="error" role="alert">{problem}</p>}
      {episodes.length === 0 && <p className="muted">No episodes in this playlist yet.</p>}
      <ol className="list" aria-label={`Episodes in ${playlist.name}`}>
        {episodes.map((episode, index) => (
          <li key={episode.id}>
            <Link to={`/episodes/${episode.id}`}>{episode.title}</Link>{' '}
            <button type="button" className="plain" aria-label={`Move ${episode.title} up`} disabled={busy || index === 0} onClick={() => void move(index, -1)}>↑</button>
            <button type="button" className="plain" aria-label={`Move ${episode.title} down`} disabled={busy || index === episodes.length - 1} onClick={() => void move(index, 1)}>↓</button>
            <button type="button" className="plain" aria-label={`Remove ${episode.title}`} disabled={busy} onClick={() => void run(removeEpisode({ playlistId: playlist.id, episodeId: episode.id }))}>Remove</button>
          </li>
        ))}
      </ol>
    </article>
  );
}
