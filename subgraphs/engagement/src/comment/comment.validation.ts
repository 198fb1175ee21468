import { requireLength } from '@wavegraph/kit';

export const MAX_COMMENT_LENGTH = 2000;

/** 1..2000 characters once surrounding whitespace is gone; the trimmed text is what we store. */
export const validCommentBody = (body: string): string => requireLength('body', body, 1, MAX_COMMENT_LENGTH);
