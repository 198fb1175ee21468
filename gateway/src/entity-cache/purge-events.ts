import { entityTag, type EntityTag } from './keys';

/** An entity an event changes: its type and the payload field holding its id. */
type Changed = readonly [typename: string, idField: string];

/**
 * Which cached entities each domain event outdates (every version of the event: these payload
 * fields are part of the contracts in @wavegraph/events and stay in later versions). The
 * entity's own fields and the fields other subgraphs contribute to it are cached under the same
 * tag, so one event drops all of them: `EpisodeLiked` drops the episode's `likeCount` (engagement)
 * and, needlessly but harmlessly, its catalog fields. An event not listed purges nothing.
 */
export const PURGES: Readonly<Record<string, readonly Changed[]>> = {
  // the show's own fields; its owner's `shows` list
  'catalog.ShowCreated': [['Show', 'showId'], ['User', 'ownerId']],
  'catalog.ShowUpdated': [['Show', 'showId'], ['User', 'ownerId']],
  // the episode's fields; its show's `episodes` list
  'catalog.EpisodeCreated': [['Episode', 'episodeId'], ['Show', 'showId']],
  'catalog.EpisodeUpdated': [['Episode', 'episodeId'], ['Show', 'showId']],
  'catalog.EpisodePublished': [['Episode', 'episodeId'], ['Show', 'showId']],
  'catalog.EpisodeUnpublished': [['Episode', 'episodeId'], ['Show', 'showId']],
  'catalog.EpisodeArchived': [['Episode', 'episodeId'], ['Show', 'showId']],
  // the public profile (handle, displayName)
  'identity.UserRegistered': [['User', 'userId']],
  'identity.UserProfileUpdated': [['User', 'userId']],
  'identity.UserPlanChanged': [['User', 'userId']],
  // counts on the episode or show; the user's own lists
  'engagement.EpisodeLiked': [['Episode', 'episodeId'], ['User', 'userId']],
  'engagement.EpisodeUnliked': [['Episode', 'episodeId'], ['User', 'userId']],
  'engagement.CommentPosted': [['Episode', 'episodeId'], ['Comment', 'commentId'], ['Comment', 'parentId']],
  'engagement.CommentEdited': [['Episode', 'episodeId'], ['Comment', 'commentId']],
  'engagement.CommentDeleted': [['Episode', 'episodeId'], ['Comment', 'commentId']],
  'engagement.PlayRecorded': [['Episode', 'episodeId']],
  'engagement.ShowFollowed': [['Show', 'showId'], ['User', 'userId']],
  'engagement.ShowUnfollowed': [['Show', 'showId'], ['User', 'userId']],
  // the episode's media and the asset itself
  'media.UploadCompleted': [['Episode', 'episodeId'], ['MediaAsset', 'assetId']],
  'media.RecordingSessionFinished': [['Episode', 'episodeId'], ['MediaAsset', 'assetId']],
  'media.MediaReady': [['Episode', 'episodeId'], ['MediaAsset', 'assetId']],
  'media.MediaFailed': [['Episode', 'episodeId'], ['MediaAsset', 'assetId']],
  'media.RenditionsReplaced': [['Episode', 'episodeId'], ['MediaAsset', 'assetId']],
  // the episode's chapters (media's fields on it)
  'media.ChaptersPublished': [['Episode', 'episodeId']],
};

/** The producing contexts whose streams the gateway reads: every one some event above comes from. */
export const PURGING_PRODUCERS: readonly string[] = [...new Set(Object.keys(PURGES).map((type) => type.slice(0, type.indexOf('.'))))];

/** The entities the event in a stream entry's `event` field outdates; none for an unknown or unreadable one. */
export function tagsOfEvent(json: string | undefined): EntityTag[] {
  if (json === undefined) return [];
  let event: { type?: unknown; payload?: unknown };
  try {
    event = JSON.parse(json) as typeof event;
  } catch {
    return [];
  }
  const changed = typeof event.type === 'string' ? PURGES[event.type] : undefined;
  if (!changed || event.payload === null || typeof event.payload !== 'object') return [];
  const payload = event.payload as Record<string, unknown>;
  const tags: EntityTag[] = [];
  for (const [typename, field] of changed) {
    const id = payload[field];
    if (typeof id === 'string' && id) tags.push(entityTag(typename, id));
  }
  return tags;
}
