import { useMutation } from 'urql';
import { DeleteCommentDocument, EditCommentDocument, PostCommentDocument } from '@wavegraph/client/documents';
import { errorMessage } from '../../errors';

/**
 * Reply, edit and delete for one comment; each resolves to an error in words or null. The
 * document cache fetches again every query holding a Comment after each of them.
 */
export function useCommentActions(episodeId: string, commentId: string) {
  const [, post] = useMutation(PostCommentDocument);
  const [, edit] = useMutation(EditCommentDocument);
  const [{ fetching: deleting }, remove] = useMutation(DeleteCommentDocument);
  return {
    deleting,
    reply: async (body: string) => {
      const result = await post({ episodeId, body, parentId: commentId });
      return result.data ? null : errorMessage(result.error) ?? 'The reply was not posted.';
    },
    edit: async (body: string) => {
      const result = await edit({ id: commentId, body });
      return result.data ? null : errorMessage(result.error) ?? 'The comment was not changed.';
    },
    remove: async () => {
      const result = await remove({ id: commentId });
      return result.data ? null : errorMessage(result.error) ?? 'The comment was not deleted.';
    },
  };
}
