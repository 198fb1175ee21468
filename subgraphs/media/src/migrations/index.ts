import { CreateMedia1764000000000 } from './1764000000000-CreateMedia';
import { UploadQuotas1764600000000 } from './1764600000000-UploadQuotas';
import { EventLog1765000000000 } from './1765000000000-EventLog';
import { ProcessingIndex1765200000000 } from './1765200000000-ProcessingIndex';
import { VideoPicture1766000000000 } from './1766000000000-VideoPicture';
import { Transcripts1766100000000 } from './1766100000000-Transcripts';
import { EpisodeChapters1766200000000 } from './1766200000000-EpisodeChapters';
import { EpisodeScripts1766300000000 } from './1766300000000-EpisodeScripts';
import { RetiredObjects1766840000000 } from './1766840000000-RetiredObjects';
import { KnownEpisodeAccess1766850000000 } from './1766850000000-KnownEpisodeAccess';
import { PrivateFeedGrants1766850000001 } from './1766850000001-PrivateFeedGrants';
import { RecordingSessions1766860000000 } from './1766860000000-RecordingSessions';

/** Every migration of the media database, oldest first (the subgraph runs them; specs of the worker too). */
export const MEDIA_MIGRATIONS = [
  CreateMedia1764000000000,
  UploadQuotas1764600000000,
  EventLog1765000000000,
  ProcessingIndex1765200000000,
  VideoPicture1766000000000,
  Transcripts1766100000000,
  EpisodeChapters1766200000000,
  EpisodeScripts1766300000000,
  RetiredObjects1766840000000,
  KnownEpisodeAccess1766850000000,
  PrivateFeedGrants1766850000001,
  RecordingSessions1766860000000,
];
