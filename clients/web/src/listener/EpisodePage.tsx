import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import {
  CommentAddedDocument, CommentFieldsFragmentDoc, EpisodeEngagementFragmentDoc, EpisodeMediaDocument, EpisodeWithEngagementDocument, LikeEpisodeDocument,
  FollowShowDocument, MediaAssetFieldsFragmentDoc, UnfollowShowDocument, UnlikeEpisodeDocument, useFragment,
} from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { useSession } from '../session';
import { Comments } from './Comments';
import { replyArrived } from './thread/live';
import { Player } from './Player';
import { useProgressReporter } from './progress';
import { AddToPlaylist } from '../library/AddToPlaylist';

/** An episode for listeners: the player, likes and the comments (new ones arrive live). */
export function EpisodePage() {
  const { episodeId = '' } = useParams();
  const session = useSession();
  const [{ data, error }, refetch] = useQuery({ query: EpisodeWithEngagementDocument, variables: { id: episodeId }, requestPolicy: 'cache-and-network' });
  const [media] = useQuery({ query: EpisodeMediaDocument, variables: { id: episodeId } });
  const [{ fetching: liking }, like] = useMutation(LikeEpisodeDocument);
  const [, unlike] = useMutation(UnlikeEpisodeDocument);
  const [{ fetching: following }, follow] = useMutation(FollowShowDocument);
  const [, unfollow] = useMutation(UnfollowShowDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const progress = useProgressReporter(episodeId, !!session);
  // someone else's comment: fetched again, so the thread shows it without a reload
  const [{ data: added }] = useSubscription({ query: CommentAddedDocument, variables: { episodeId }, pause: !episodeId });
  const latest = added ? useFragment(CommentFieldsFragmentDoc, added.commentAdded).id : null;
  const repliedTo = added?.commentAdded.parent?.id ?? null;
  useEffect(() => {
    if (!latest) return;
    // a reply: the comment it answers fetches its replies again, wherever it sits in the thread
    if (repliedTo) replyArrived(repliedTo);
    refetch({ requestPolicy: 'network-only' });
  }, [latest]);

  if (error) return <p className="error" role="alert">{errorMessage(error)}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  if (!data.episode) return <p className="error" role="alert">This episode does not exist or is not published.</p>;
  const engagement = useFragment(EpisodeEngagementFragmentDoc, data.episode);
  const asset = media.data?.episode?.media ? useFragment(MediaAssetFieldsFragmentDoc, media.data.episode.media) : null;
  const comments = data.episode.comments?.edges.map((edge) => edge.node) ?? [];

  const toggleLike = async () => {
    setProblem(null);
    const result = engagement.viewerHasLiked ? await unlike({ episodeId }) : await like({ episodeId });
    if (result.error) setProblem(errorMessage(result.error));
  };

  const show = data.episode.show;
  const toggleFollow = async () => {
    if (!show) return;
    setProblem(null);
    const result = show.viewerFollows ? await unfollow({ showId: show.id }) : await follow({ showId: show.id });
    if (result.error) setProblem(errorMessage(result.error));
  };

  return (
    <section className="card">
      {show && (
        <p className="engagement">
          <Link to={`/shows/${show.id}`}>{show.title}</Link>
          <span className="muted" data-testid="follower-count">{count(show.followerCount, 'follower')}</span>
          {session && (
            <button type="button" onClick={toggleFollow} disabled={following} aria-pressed={!!show.viewerFollows}>{show.viewerFollows ? 'Following' : 'Follow'}</button>
          )}
        </p>
      )}
      <h2>{data.episode.title}</h2>
      {asset?.hls?.masterUrl ? (
        <Player
          key={episodeId}
          masterUrl={asset.hls.masterUrl}
          title={data.episode.title}
          resumeAt={resumeFrom(engagement.viewerProgress)}
          progress={progress}
          waveformUrl={asset.waveformUrl}
          durationSeconds={asset.durationSeconds}
        />
      ) : <p className="muted">{media.fetching ? 'Loading the audio…' : 'No audio yet.'}</p>}
      <p className="engagement">
        <span data-testid="like-count">{count(engagement.likeCount, 'like')}</span> · {count(engagement.commentCount, 'comment')}
        {session ? (
          <button type="button" onClick={toggleLike} disabled={liking} aria-pressed={!!engagement.viewerHasLiked}>{engagement.viewerHasLiked ? '♥ Liked' : '♡ Like'}</button>
        ) : (
          <> · <Link to="/signin">Sign in</Link> to like and comment</>
        )}
      </p>
      {problem && <p className="error" role="alert">{problem}</p>}
      {session && <AddToPlaylist episodeId={episodeId} />}
      <Comments
        episodeId={episodeId}
        comments={comments}
        viewerId={session?.user.id ?? null}
        moderates={!!session && !!show?.owner && show.owner.id === session.user.id}
        onPosted={() => refetch({ requestPolicy: 'network-only' })}
      />
    </section>
  );
}

/** Where to pick up: the last reported position, unless the episode was finished. */
const resumeFrom = (progress: { positionSeconds: number; completed: boolean } | null | undefined) =>
  progress && !progress.completed && progress.positionSeconds > 0 ? progress.positionSeconds : null;

const count = (n: number | null | undefined, noun: string) => `${n ?? 0} ${noun}${n === 1 ? '' : 's'}`;
