import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CommentFieldsFragmentDoc, PostCommentDocument, useFragment, type FragmentType } from '@wavegraph/client/documents';
import { errorMessage } from '../errors';

type CommentRef = FragmentType<typeof CommentFieldsFragmentDoc>;

function Comment({ comment }: { comment: CommentRef }) {
  const fields = useFragment(CommentFieldsFragmentDoc, comment);
  return (
    <li>
      <strong>{fields.author?.displayName ?? fields.author?.handle ?? 'someone'}</strong>{' '}
      <span className="muted">{new Date(fields.createdAt).toLocaleString()}</span>
      <p>{fields.deleted ? <em>deleted</em> : fields.body}</p>
    </li>
  );
}

/** An episode's comments and, for a signed-in listener, a form to add one. */
export function Comments({ episodeId, comments, canPost, onPosted }: { episodeId: string; comments: CommentRef[]; canPost: boolean; onPosted(): void }) {
  const [{ fetching }, post] = useMutation(PostCommentDocument);
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const result = await post({ episodeId, body });
    if (result.data) {
      setBody('');
      onPosted();
    } else setProblem(errorMessage(result.error));
  };
  return (
    <section>
      <h3>Comments</h3>
      {comments.length === 0 && <p className="muted">No comments yet.</p>}
      <ul className="list comments" aria-label="Comments">
        {comments.map((comment, index) => <Comment key={index} comment={comment} />)}
      </ul>
      {canPost && (
        <form onSubmit={submit} aria-label="Comment">
          <label>Your comment <textarea name="comment" required value={body} onChange={(e) => setBody(e.target.value)} /></label>
          {problem && <p className="error" role="alert">{problem}</p>}
          <button type="submit" disabled={fetching}>Post comment</button>
        </form>
      )}
    </section>
  );
}
