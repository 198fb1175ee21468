import { useQuery } from 'urql';
import { MyPlaylistsDocument, PlaylistFieldsFragmentDoc, useFragment, type PlaylistFieldsFragment } from '@wavegraph/client/documents';

export type Playlist = PlaylistFieldsFragment;

/** The signed-in listener's playlists, newest first, and a way to fetch them again after a change. */
export function usePlaylists() {
  const [{ data, error, fetching }, refetch] = useQuery({ query: MyPlaylistsDocument, variables: { first: 20 }, requestPolicy: 'cache-and-network' });
  const playlists: Playlist[] = data?.me?.playlists?.edges.map((edge) => useFragment(PlaylistFieldsFragmentDoc, edge.node)) ?? [];
  return { loaded: !!data, error, fetching, playlists, reload: () => refetch({ requestPolicy: 'network-only' }) };
}
