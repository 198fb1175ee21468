import type { SubgraphModule } from '@wavegraph/kit';
import { MediaAsset } from './asset/asset.entity';
import { resolveAssetReferences } from './asset/asset.loader';
import { AssetResolver, EpisodeMediaResolver } from './asset/asset.resolver';
import { MediaProcessingResolver } from './live/live.resolver';
import { MediaStepRow } from './asset/step.entity';
import { episodeRef } from './episode/episode.type';
import { KnownEpisode } from '@wavegraph/events';
import { CreateMedia1764000000000 } from './migrations/1764000000000-CreateMedia';
import { UploadQuotas1764600000000 } from './migrations/1764600000000-UploadQuotas';
import { EventLog1765000000000 } from './migrations/1765000000000-EventLog';
import { ProcessingIndex1765200000000 } from './migrations/1765200000000-ProcessingIndex';
import { VideoPicture1766000000000 } from './migrations/1766000000000-VideoPicture';
import { playbackRoutes } from './playback/playback.routes';
import { QuotaResolver } from './quota/quota.resolver';
import { createMediaServices, type MediaOptions, type MediaServices } from './services';
import { MediaUpload } from './upload/upload.entity';
import { resolveUploadReferences, UploadResolver } from './upload/upload.resolver';
import { uploadRoutes } from './upload/upload.routes';
import { episodeVisibility } from './episode/episode.visibility';

/** The media subgraph: resumable uploads, processing state, signed playback, and `Episode.media`. */
export function createMediaModule(options: MediaOptions = {}): SubgraphModule<MediaServices> {
  return {
    name: 'media',
    resolvers: [AssetResolver, EpisodeMediaResolver, UploadResolver, QuotaResolver, MediaProcessingResolver],
    entities: [KnownEpisode, MediaAsset, MediaStepRow, MediaUpload],
    migrations: [CreateMedia1764000000000, UploadQuotas1764600000000, EventLog1765000000000, ProcessingIndex1765200000000, VideoPicture1766000000000],
    createServices: (deps) => createMediaServices(deps, options),
    references: {
      MediaAsset: resolveAssetReferences,
      Upload: resolveUploadReferences,
      // catalog owns episodes; `media` is resolved (batched) from the id alone
      Episode: async (ids) => ids.map(episodeRef),
    },
    // catalog's rule: an unpublished episode's media (and any asset of it, however reached) exists only for its owner and staff
    guards: {
      Episode: { rule: episodeVisibility },
      MediaAsset: { rule: episodeVisibility, subjectOf: (asset) => asset.episodeId as string },
    },
    // not GraphQL: tus uploads and signed playback, reached through the gateway's pass-through
    routes: (app, services) => {
      app.use('/uploads', uploadRoutes(services));
      app.use('/media', playbackRoutes(services));
    },
    eventLog: (services) => services.events.log!,
    ready: (services) => services.events.ping(),
    stopServices: (services) => services.stop(),
  };
}

export const mediaModule = createMediaModule();
