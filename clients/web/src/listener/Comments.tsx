import { useMemo } from 'react';
import { useMutation } from 'urql';
import { CommentFieldsFragmentDoc, PostCommentDocument, useFragment } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';
import { CommentForm } from './thread/CommentForm';
import { ThreadContext, type ThreadViewer } from './thread/context';
import { CommentItem, type CommentRef } from './thread/Thread';

interface Props {
  episodeId: string;
  comments: CommentRef[];
  /** The signed-in listener's id; null when signed out (reading only). */
  viewerId: string | null;
  /** The viewer owns the show: they may delete anyone's comment. */
  moderates: boolean;
  onPosted(): void;
}

/** An episode's comment threads and, for a signed-in listener, a form to add one. */
export function Comments({ episodeId, comments, viewerId, moderates, onPosted }: Props) {
  const [, post] = useMutation(PostCommentDocument);
  const thread = useMemo<ThreadViewer>(() => ({ episodeId, viewerId, moderates }), [episodeId, viewerId, moderates]);
  const submit = async (body: string) => {
    const result = await post({ episodeId, body });
    if (!result.data) return errorMessage(result.error) ?? 'The comment was not posted.';
    onPosted();
    return null;
  };
  return (
    <section>
      <h3>Comments</h3>
      {comments.length === 0 && <p className="muted">No comments yet.</p>}
      <ThreadContext.Provider value={thread}>
        <ul className="list comments" aria-label="Comments">
          {comments.map((comment) => <CommentItem key={useFragment(CommentFieldsFragmentDoc, comment).id} comment={comment} />)}
        </ul>
      </ThreadContext.Provider>
      {viewerId && <CommentForm name="Comment" label="Your comment" submitText="Post comment" onSubmit={submit} />}
    </section>
  );
}
