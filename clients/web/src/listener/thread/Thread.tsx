import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { CommentFieldsFragmentDoc, CommentRepliesDocument, useFragment, type FragmentType } from '@wavegraph/client/documents';
import { errorMessage } from '../../errors';
import { CommentForm } from './CommentForm';
import { useThread } from './context';
import { useReplyVersion } from './live';
import { useCommentActions } from './useCommentActions';

export type CommentRef = FragmentType<typeof CommentFieldsFragmentDoc>;

const PAGE = 20;
/** The API's largest page. */
const MOST = 100;

/**
 * One comment and, under it, its replies (each a comment of its own, so a thread nests as deep
 * as people answer). The comment's own text and buttons sit in its article; its replies follow
 * it, in a list named after it.
 */
export function CommentItem({ comment }: { comment: CommentRef }) {
  const fields = useFragment(CommentFieldsFragmentDoc, comment);
  const { episodeId, viewerId, moderates } = useThread();
  const actions = useCommentActions(episodeId, fields.id);
  const [mode, setMode] = useState<'read' | 'reply' | 'edit'>('read');
  const [problem, setProblem] = useState<string | null>(null);
  const author = fields.author?.displayName ?? fields.author?.handle ?? 'someone';
  const own = !!viewerId && fields.author?.id === viewerId;
  const live = !fields.deleted && !!viewerId;

  const remove = async () => {
    setProblem(null);
    setProblem(await actions.remove());
  };
  const done = (failure: string | null) => {
    if (!failure) setMode('read');
    return failure;
  };

  return (
    <li>
      <article aria-label={`Comment by ${author}`} className="comment">
        <strong>{author}</strong>{' '}
        <span className="muted">{new Date(fields.createdAt).toLocaleString()}</span>
        {fields.editedAt && !fields.deleted && <span className="muted"> · <span title={new Date(fields.editedAt).toLocaleString()}>edited</span></span>}
        {mode === 'edit' ? (
          <CommentForm name="Edit comment" label="Edited comment" submitText="Save" initial={fields.body ?? ''} onSubmit={async (body) => done(await actions.edit(body))} onCancel={() => setMode('read')} />
        ) : (
          <p data-testid="comment-body">{fields.deleted ? <em>[deleted]</em> : fields.body}</p>
        )}
        {live && mode === 'read' && (
          <p className="comment-actions">
            <button type="button" className="plain" onClick={() => setMode('reply')}>Reply</button>
            {own && <button type="button" className="plain" onClick={() => setMode('edit')}>Edit</button>}
            {(own || moderates) && <button type="button" className="plain" onClick={remove} disabled={actions.deleting}>Delete</button>}
          </p>
        )}
        {problem && <p className="error" role="alert">{problem}</p>}
        {mode === 'reply' && (
          <CommentForm name={`Reply to ${author}`} label="Your reply" submitText="Post reply" onSubmit={async (body) => done(await actions.reply(body))} onCancel={() => setMode('read')} />
        )}
      </article>
      <Replies parentId={fields.id} author={author} replyCount={fields.replyCount} />
    </li>
  );
}

/** A comment's replies, fetched once it has any, again when one arrives live, more with "More replies". */
function Replies({ parentId, author, replyCount }: { parentId: string; author: string; replyCount: number }) {
  const version = useReplyVersion(parentId);
  const [first, setFirst] = useState(PAGE);
  const [{ data, error }, refetch] = useQuery({
    query: CommentRepliesDocument,
    variables: { id: parentId, first },
    pause: replyCount === 0 && version === 0,
    requestPolicy: 'cache-and-network',
  });
  useEffect(() => {
    if (version > 0) refetch({ requestPolicy: 'network-only' });
  }, [version]);
  if (error) return <p className="error" role="alert">{errorMessage(error)}</p>;
  const replies = data?.comment?.replies.edges.map((edge) => edge.node) ?? [];
  if (replies.length === 0) return null;
  return (
    <>
      <ul className="list comments replies" aria-label={`Replies to ${author}`}>
        {replies.map((reply) => <CommentItem key={useFragment(CommentFieldsFragmentDoc, reply).id} comment={reply} />)}
      </ul>
      {data?.comment?.replies.pageInfo.hasNextPage && first < MOST && (
        <button type="button" className="plain" onClick={() => setFirst(Math.min(MOST, first + PAGE))}>More replies</button>
      )}
    </>
  );
}
