import { EventBackbone, KnownEpisodeReader, knownEpisodeHandlers, knownShowHandlers } from '@wavegraph/events';
import type { Context, ServiceDeps } from '@wavegraph/kit';
import { CommentQueries } from './comment/comment.queries';
import { CommentService } from './comment/comment.service';
import { EpisodeStatsService } from './episode/episode-stats.service';
import { FollowService } from './follow/follow.service';
import { KnownCatalog } from './known/known.service';
import { LikeService } from './like/like.service';
import { PlayService } from './play/play.service';
import { PlaylistQueries } from './playlist/playlist.queries';
import { PlaylistService } from './playlist/playlist.service';

export interface EngagementServices {
  stats: EpisodeStatsService;
  likes: LikeService;
  comments: CommentService;
  commentQueries: CommentQueries;
  plays: PlayService;
  follows: FollowService;
  playlists: PlaylistService;
  playlistQueries: PlaylistQueries;
  events: EventBackbone;
  /** Visibility facts of episodes, for the guards on Episode and Comment. */
  knownEpisodes: KnownEpisodeReader;
}

export type EngagementContext = Context<EngagementServices>;

export async function createEngagementServices(deps: ServiceDeps): Promise<EngagementServices> {
  const { dataSource } = deps.db;
  const known = new KnownCatalog();
  const stats = new EpisodeStatsService(dataSource);
  // relays what our transactions record; applies catalog's events to known_shows / known_episodes
  const events = await EventBackbone.start({
    dataSource,
    metrics: deps.metrics,
    redis: deps.redis,
    prefix: deps.redisPrefix,
    log: deps.log,
    produces: 'engagement',
    consumes: { group: 'engagement', producers: ['catalog'], handlers: [...knownShowHandlers, ...knownEpisodeHandlers] },
  });
  return {
    stats,
    likes: new LikeService(dataSource, known, stats, deps.pubSub),
    comments: new CommentService(dataSource, known, stats, deps.pubSub),
    commentQueries: new CommentQueries(dataSource),
    plays: new PlayService(dataSource, known, stats),
    follows: new FollowService(dataSource, known),
    playlists: new PlaylistService(dataSource, known),
    playlistQueries: new PlaylistQueries(dataSource),
    events,
    knownEpisodes: new KnownEpisodeReader(dataSource),
  };
}
