import { connectionOf, encodeTimeCursor } from '@wavegraph/kit';

import { Comment } from './comment.entity';

export const CommentConnection = connectionOf(Comment, 'Comment');
export const commentCursor = (comment: Comment): string => encodeTimeCursor(comment.createdAt, comment.id);
