import { connectionOf, encodeTimeCursor } from '@wavegraph/kit';

import { PlayProgress } from './play.entity';

export const PlayProgressConnection = connectionOf(PlayProgress, 'PlayProgress');
export const playCursor = (progress: PlayProgress): string => encodeTimeCursor(progress.updatedAt, progress.episodeId);
