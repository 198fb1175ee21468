import { EventBackbone, KnownEpisodeReader, knownEpisodeHandlersWithAccess } from '@wavegraph/events';
import type { Context, Logger, ServiceDeps, SubgraphPubSub } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { AssetQueries } from './asset/asset.queries';
import { privateFeedHandlers } from './episode/private-feed.handlers';
import { AssetService } from './asset/asset.service';
import { mediaConfigFromEnv, retiredGraceSecondsOf, type MediaConfig } from './media.config';
import { PlaybackSigner } from './playback/playback.signer';
import type { ChaptersEmbedder, ProcessingStarter } from './processing/processing.port';
import { ChapterService } from './chapter/chapter.service';
import { ttsEnginesFromEnv } from './tts/tts.engines';
import { TtsService } from './tts/tts.service';
import { ProcessingQueue } from './processing/processing.queue';
import { QuotaService } from './quota/quota.service';
import { createStorage, createUploadStore, stagedReader } from './storage/storage.factory';
import { Retirement } from './storage/retired';
import type { MediaStorage } from './storage/storage.port';
import { filePatch, type FilePatch } from './upload/file.patch';
import { RedisLocker } from './upload/redis.locker';
import { createTusServer, type TusServer } from './upload/tus.server';
import { scheduleUploadCleanup } from './upload/upload.cleanup';
import { UploadFiles } from './upload/upload.files';
import { UploadFinisher } from './upload/upload.finisher';
import { UploadHashes } from './upload/upload.hashes';
import { UploadService } from './upload/upload.service';
import { TranscriptService } from './transcript/transcript.service';
import { RecordingChunks } from './recording/recording.chunks';
import { RecordingFinisher } from './recording/recording.finisher';
import { RecordingService } from './recording/recording.service';

/** A ProcessingStarter, with whatever it must close on shutdown (a queue connection). */
export type ManagedStarter = ProcessingStarter & ChaptersEmbedder & { close?(): Promise<void> };

/** Builds the starter once storage and configuration exist; tests pass one that records calls. */
export type StarterFactory = (deps: ServiceDeps, media: { config: MediaConfig; storage: MediaStorage }) => ManagedStarter | Promise<ManagedStarter>;

export interface MediaOptions {
  /** Configuration (default: from the environment). */
  config?: () => MediaConfig;
  starter?: StarterFactory;
}

export interface MediaServices {
  dataSource: DataSource;
  log: Logger;
  /** Where the API process announces an asset's end to `mediaProcessing` subscribers (the worker publishes the rest). */
  pubSub: SubgraphPubSub;
  config: MediaConfig;
  storage: MediaStorage;
  files: UploadFiles;
  uploads: UploadService;
  quotas: QuotaService;
  finisher: UploadFinisher;
  recordings: RecordingService;
  /** Chunks of recording sessions, stored as they arrive over HTTP. */
  recordingChunks: RecordingChunks;
  tus: TusServer;
  /** PATCHes of the file store, answered without @tus/server's web streams (null with S3: tus answers them). */
  filePatch: FilePatch | null;
  assets: AssetService;
  assetQueries: AssetQueries;
  transcripts: TranscriptService;
  chapters: ChapterService;
  tts: TtsService;
  signer: PlaybackSigner;
  starter: ManagedStarter;
  events: EventBackbone;
  /** Visibility facts of episodes, for the guards on Episode and MediaAsset. */
  knownEpisodes: KnownEpisodeReader;
  stop(): Promise<void>;
}

export type MediaContext = Context<MediaServices>;

/** Sweep for abandoned uploads and recording sessions, and retired objects, every 5 minutes unless configured otherwise. */
const DEFAULT_CLEANUP_SECONDS = 300;

/** The real pipeline: a BullMQ flow per asset, run by the media worker process(es). */
export const processingQueue: StarterFactory = (deps) => new ProcessingQueue(deps.redis, deps.redisPrefix, deps.db.dataSource);

export async function createMediaServices(deps: ServiceDeps, options: MediaOptions = {}): Promise<MediaServices> {
  const { dataSource } = deps.db;
  const config = (options.config ?? mediaConfigFromEnv)();
  const storage = createStorage(config);
  const starter = await (options.starter ?? processingQueue)(deps, { config, storage });
  // one lock per upload across all replicas, shared by tus and our own removals
  const locker = await RedisLocker.start(deps.redis, deps.redisPrefix, deps.log);
  // sha-256 of each upload as its bytes arrive, so the finish need not read the file again
  const files = new UploadFiles(createUploadStore(config), locker, deps.log, new UploadHashes(stagedReader(config)));
  const finisher = new UploadFinisher(dataSource, files, storage, starter, config, deps.pubSub, deps.log);
  const quotas = new QuotaService(dataSource, config.quotas, config.maxUploadBytes);
  const uploads = new UploadService(dataSource, files, quotas, config);
  // relays UploadCompleted/MediaFailed from our outbox; learns episodes and their owners from catalog
  const events = await EventBackbone.start({
    dataSource,
    metrics: deps.metrics,
    redis: deps.redis,
    prefix: deps.redisPrefix,
    log: deps.log,
    produces: 'media',
    consumes: { group: 'media', producers: ['catalog'], handlers: [...knownEpisodeHandlersWithAccess, ...privateFeedHandlers] },
  });
  const stopCleanup = scheduleUploadCleanup({ dataSource, files, pubSub: deps.pubSub, storage }, (config.uploadCleanupSeconds ?? DEFAULT_CLEANUP_SECONDS) * 1000, deps.log);
  const retirement = new Retirement(dataSource, storage, retiredGraceSecondsOf(config));
  return {
    dataSource,
    log: deps.log,
    pubSub: deps.pubSub,
    config,
    storage,
    files,
    uploads,
    quotas,
    finisher,
    recordings: new RecordingService(dataSource, quotas, new RecordingFinisher(dataSource, storage, starter, config, deps.pubSub, deps.log), config, deps.pubSub, deps.log),
    recordingChunks: new RecordingChunks(dataSource, storage, quotas, config, deps.pubSub, deps.log),
    tus: createTusServer(files, finisher, config, deps.log),
    filePatch: config.storage === 'filesystem' ? filePatch(files, finisher, config.maxUploadBytes, deps.log) : null,
    assets: new AssetService(dataSource, storage, starter, uploads, deps.pubSub, deps.log),
    assetQueries: new AssetQueries(dataSource),
    transcripts: new TranscriptService(dataSource, storage, retirement, starter, deps.log),
    chapters: new ChapterService(dataSource, starter, deps.log),
    tts: new TtsService(dataSource, ttsEnginesFromEnv(), starter, deps.pubSub, deps.log),
    signer: new PlaybackSigner(config),
    starter,
    events,
    knownEpisodes: new KnownEpisodeReader(dataSource),
    stop: async () => {
      await stopCleanup();
      await locker.stop();
      await events.stop();
      await starter.close?.();
    },
  };
}
