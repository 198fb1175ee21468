import { appError } from '@wavegraph/kit';
import type { GraphQLError } from 'graphql';

/**
 * Engagement only knows what catalog told it through events; an episode that is missing,
 * a draft or archived is all the same to a listener, so they share one answer.
 */
export const episodeUnavailable = (field = 'episodeId'): GraphQLError =>
  appError('NOT_FOUND', 'Episode not found or not published', { field });

export const showUnknown = (field = 'showId'): GraphQLError => appError('NOT_FOUND', 'Show not found', { field });
