import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { AddToPlaylistDocument, PlaylistFieldsFragmentDoc, useFragment } from '@wavegraph/client/documents';
import { Choice } from '../Choice';
import { errorMessage } from '../errors';
import { usePlaylists } from './usePlaylists';

/** On an episode's page: adds it to one of the listener's playlists. */
export function AddToPlaylist({ episodeId }: { episodeId: string }) {
  const library = usePlaylists();
  const [{ fetching }, add] = useMutation(AddToPlaylistDocument);
  const [chosen, setChosen] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  if (library.error) return <p className="error" role="alert">{errorMessage(library.error)}</p>;
  if (!library.loaded) return null;
  if (library.playlists.length === 0) return <p className="muted"><Link to="/library">Create a playlist</Link> to keep this episode for later.</p>;
  const playlistId = chosen || library.playlists[0].id;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setAdded(null);
    const result = await add({ playlistId, episodeId });
    if (result.data) {
      setAdded(`Added to ${useFragment(PlaylistFieldsFragmentDoc, result.data.addToPlaylist).name}.`);
      library.reload();
    } else setProblem(errorMessage(result.error));
  };
  return (
    <form onSubmit={submit} aria-label="Add to playlist" className="inline">
      <Choice label="Playlist" name="playlist" value={playlistId} options={library.playlists.map((playlist) => [playlist.id, playlist.name])} onChange={setChosen} />
      <button type="submit" disabled={fetching}>Add to playlist</button>
      {added && <span role="status">{added}</span>}
      {problem && <p className="error" role="alert">{problem}</p>}
    </form>
  );
}
