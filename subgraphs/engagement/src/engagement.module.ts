import type { SubgraphModule } from '@wavegraph/kit';
import { Comment } from './comment/comment.entity';
import { resolveCommentReferences } from './comment/comment.loader';
import { CommentResolver, EpisodeCommentsResolver } from './comment/comment.resolver';
import { EpisodeStats } from './episode/episode-stats.entity';
import { episodeRef } from './episode/episode.type';
import { episodeVisibility } from './episode/episode.visibility';
import { Follow } from './follow/follow.entity';
import { ShowFollowsResolver, UserFollowsResolver } from './follow/follow.resolver';
import { KnownEpisode, KnownShow } from '@wavegraph/events';
import { Like } from './like/like.entity';
import { EpisodeLikesResolver, UserLikesResolver } from './like/like.resolver';
import { PlayProgress } from './play/play.entity';
import { EpisodePlaysResolver, PlayResolver, UserPlaysResolver } from './play/play.resolver';
import { Playlist, PlaylistItem } from './playlist/playlist.entity';
import { resolvePlaylistReferences } from './playlist/playlist.loader';
import { PlaylistResolver, UserPlaylistsResolver } from './playlist/playlist.resolver';
import { CreateEngagement1763800000000 } from './migrations/1763800000000-CreateEngagement';
import { EventLog1765000000000 } from './migrations/1765000000000-EventLog';
import { createEngagementServices, type EngagementServices } from './services';
import { ShowStats } from './show/show-stats.entity';
import { Show, showRef } from './show/show.type';
import { User, userRef } from './user/user.type';

/** The engagement subgraph: likes, threaded comments, play progress, follows and playlists. */
export const engagementModule: SubgraphModule<EngagementServices> = {
  name: 'engagement',
  resolvers: [
    EpisodeLikesResolver, UserLikesResolver, CommentResolver, EpisodeCommentsResolver, PlayResolver, EpisodePlaysResolver, UserPlaysResolver,
    ShowFollowsResolver, UserFollowsResolver, PlaylistResolver, UserPlaylistsResolver,
  ],
  // reachable only through _entities, so not found by walking Query and Mutation
  orphanedTypes: [User, Show],
  entities: [KnownEpisode, KnownShow, EpisodeStats, Like, Comment, PlayProgress, Follow, ShowStats, Playlist, PlaylistItem],
  migrations: [CreateEngagement1763800000000, EventLog1765000000000],
  createServices: createEngagementServices,
  references: {
    Comment: resolveCommentReferences,
    Playlist: resolvePlaylistReferences,
    // other contexts own these; their engagement fields are resolved (batched) from the id alone
    Episode: async (ids) => ids.map(episodeRef),
    Show: async (ids) => ids.map(showRef),
    User: async (ids) => ids.map(userRef),
  },
  // catalog's rule: an unpublished episode's counts, comments and viewer fields exist only for its owner and staff,
  // however the episode (or one of its comments) is reached
  guards: {
    Episode: { rule: episodeVisibility },
    Comment: { rule: episodeVisibility, subjectOf: (comment) => comment.episodeId as string },
  },
  eventLog: (services) => services.events.log!,
  ready: (services) => services.events.ping(),
  stopServices: (services) => services.events.stop(),
};
