import type { SubgraphModule } from '@wavegraph/kit';
import { MediaAsset } from './asset/asset.entity';
import { resolveAssetReferences } from './asset/asset.loader';
import { AssetResolver, EpisodeMediaResolver } from './asset/asset.resolver';
import { MediaProcessingResolver } from './live/live.resolver';
import { MediaStepRow } from './asset/step.entity';
import { episodeRef } from './episode/episode.type';
import { KnownEpisode } from '@wavegraph/events';
import { MEDIA_MIGRATIONS } from './migrations';
import { ChapterResolver } from './chapter/chapter.resolver';
import { TtsResolver } from './tts/tts.resolver';
import { playbackRoutes } from './playback/playback.routes';
import { QuotaResolver } from './quota/quota.resolver';
import { createMediaServices, type MediaOptions, type MediaServices } from './services';
import { MediaUpload } from './upload/upload.entity';
import { resolveUploadReferences, UploadResolver } from './upload/upload.resolver';
import { uploadRoutes } from './upload/upload.routes';
import { RecordingChunk, RecordingSession } from './recording/recording.entity';
import { RecordingResolver } from './recording/recording.resolver';
import { recordingRoutes } from './recording/recording.routes';
import { episodeVisibility } from './episode/episode.visibility';
import { EpisodeTranscriptResolver, TranscriptResolver } from './transcript/transcript.resolver';

/** The media subgraph: resumable uploads, processing state, signed playback, and `Episode.media`. */
export function createMediaModule(options: MediaOptions = {}): SubgraphModule<MediaServices> {
  return {
    name: 'media',
    resolvers: [AssetResolver, EpisodeMediaResolver, UploadResolver, QuotaResolver, MediaProcessingResolver, TranscriptResolver, EpisodeTranscriptResolver, ChapterResolver, TtsResolver, RecordingResolver],
    entities: [KnownEpisode, MediaAsset, MediaStepRow, MediaUpload, RecordingSession, RecordingChunk],
    migrations: MEDIA_MIGRATIONS,
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
    // not GraphQL: tus uploads, recording chunks and signed playback, reached through the gateway's pass-through
    routes: (app, services) => {
      app.use('/uploads', uploadRoutes(services));
      // chunks of browser recordings: PUT /recordings/<session>/chunks/<sequence>
      app.use('/recordings', recordingRoutes(services));
      app.use('/media', playbackRoutes(services));
    },
    eventLog: (services) => services.events.log!,
    ready: (services) => services.events.ping(),
    stopServices: (services) => services.stop(),
  };
}

export const mediaModule = createMediaModule();
