import { appError } from '@wavegraph/kit';
import type { GraphQLError } from 'graphql';

/** Missing, deleted and not-yet-visible assets look the same to someone who may not see them. */
export const assetNotFound = (field = 'assetId'): GraphQLError => appError('NOT_FOUND', 'Media asset not found', { field });

/** Media knows an episode only once catalog told it through an event. */
export const episodeUnknown = (field = 'episodeId'): GraphQLError => appError('NOT_FOUND', 'Episode not found', { field });
