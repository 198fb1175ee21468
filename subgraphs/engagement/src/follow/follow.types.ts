import { connectionOf, encodeTimeCursor } from '@wavegraph/kit';

import { Show } from '../show/show.type';
import type { Follow } from './follow.entity';

export const FollowedShowConnection = connectionOf(Show, 'FollowedShow', { referenceNodes: true });
export const followCursor = (follow: Follow): string => encodeTimeCursor(follow.createdAt, follow.showId);
