import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnclosureRequested, KnownEpisodeReader, PUBLISHED, recordEvent } from '@wavegraph/events';
import type { DataSource } from 'typeorm';
import type { AssetOutputs } from '../asset/asset.outputs';
import { chaptersKey } from '../chapter/chapter.formats';
import { chapterSetOf } from '../chapter/chapter.store';
import { accessOf } from '../episode/episode.playback';
import { privateFeedAllows } from '../episode/private-feed.handlers';
import type { PlaybackSigner } from './playback.signer';

const EPISODE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** `/episodes/<episodeId>/<file>`, below `/media`. */
const STABLE = new RegExp(`^/episodes/(${EPISODE})/(?:([a-z0-9-]{1,40})\\.m4a|transcript\\.(vtt|srt|json)|(chapters)\\.json)$`, 'i');

export type TranscriptFormat = 'vtt' | 'srt' | 'json';

/** Which file of an episode's newest READY media a stable URL names. */
export type StableFile = { kind: 'rendition'; rendition: string } | { kind: 'transcript'; format: TranscriptFormat } | { kind: 'chapters' };

export interface StablePath {
  episodeId: string;
  file: StableFile;
}

/** The URL that never expires for a rendition of the episode's media, e.g. for a feed's enclosure. */
export const enclosureUrl = (publicUrl: string, episodeId: string, rendition: string): string => `${publicUrl}/media/episodes/${episodeId}/${rendition}.m4a`;
/** The URL that never expires for the episode's transcript (podcast:transcript). */
export const transcriptUrl = (publicUrl: string, episodeId: string, format: TranscriptFormat): string => `${publicUrl}/media/episodes/${episodeId}/transcript.${format}`;
/** The URL that never expires for the episode's Podcasting 2.0 JSON chapters (podcast:chapters). */
export const chaptersUrl = (publicUrl: string, episodeId: string): string => `${publicUrl}/media/episodes/${episodeId}/chapters.json`;

export function parseStablePath(pathname: string): StablePath | null {
  const match = STABLE.exec(pathname);
  if (!match) return null;
  const episodeId = match[1].toLowerCase();
  if (match[2]) return { episodeId, file: { kind: 'rendition', rendition: match[2] } };
  if (match[3]) return { episodeId, file: { kind: 'transcript', format: match[3].toLowerCase() as TranscriptFormat } };
  return { episodeId, file: { kind: 'chapters' } };
}

interface NewestAsset {
  id: string;
  outputs: AssetOutputs;
  vtt_key: string | null;
  srt_key: string | null;
  json_key: string | null;
}

/** The key (below the asset) a stable URL leads to, or null when the newest READY media has no such file. */
async function keyOf(dataSource: DataSource, asset: NewestAsset, episodeId: string, file: StableFile): Promise<string | null> {
  switch (file.kind) {
    case 'rendition':
      return asset.outputs.renditions?.find((r) => r.name === file.rendition)?.key ?? null;
    case 'transcript':
      return { vtt: asset.vtt_key, srt: asset.srt_key, json: asset.json_key }[file.format];
    case 'chapters':
      // playback builds the JSON from the current chapters; none set means there is nothing to point at
      return (await chapterSetOf(dataSource, episodeId))?.chapters.length ? chaptersKey(asset.id) : null;
  }
}

/**
 * Stable URLs for an episode's download, transcript and chapters: podcast apps keep a feed's URLs
 * for years, while signed URLs expire within the hour. Each answers 302 to the signed URL of the
 * file of the episode's newest READY media, signed afresh, so it survives re-signing, new signing
 * secrets and replaced media. Published episodes only (catalog's rule, from known_episodes):
 * anything else is 404, so the URL says nothing about drafts. The redirect may be cached for a
 * minute; the URL it points at plays far longer than that.
 */
export async function serveStable(
  { dataSource, signer }: { dataSource: DataSource; signer: PlaybackSigner },
  { episodeId, file }: StablePath,
  req: IncomingMessage,
  res: ServerResponse,
  refuse: (res: ServerResponse, status: number, message: string) => void,
): Promise<void> {
  const facts = (await new KnownEpisodeReader(dataSource).factsOf([episodeId])).get(episodeId);
  if (facts?.status !== PUBLISHED) return refuse(res, 404, 'Not found');
  const [asset] = (await dataSource.query(
    `SELECT a.id, a.outputs, t.vtt_key, t.srt_key, t.json_key
       FROM media_assets a LEFT JOIN media_transcripts t ON t.asset_id = a.id AND t.status = 'READY'
      WHERE a.episode_id = $1 AND a.status = 'READY' ORDER BY a.created_at DESC, a.id DESC LIMIT 1`,
    [episodeId],
  )) as NewestAsset[];
  const key = asset ? await keyOf(dataSource, asset, episodeId, file) : null;
  if (!asset || !key) return refuse(res, 404, 'Not found');
  // a PREMIUM episode's download and transcript: only with a live private feed token of its show
  if (file.kind !== 'chapters' && !(await premiumAllowed(dataSource, episodeId, req))) {
    return refuse(res, 403, 'This episode is for Premium listeners: use your private feed');
  }
  // a download for analytics (a HEAD asks about the file, it fetches nothing; transcripts and chapters are no downloads)
  if (req.method === 'GET' && file.kind === 'rendition') {
    await dataSource.transaction((tx) => recordEvent(tx, EnclosureRequested, episodeId, enclosureRequest(req, signer, episodeId, file.rendition)));
  }
  res.writeHead(302, { Location: signer.url(asset.id, key, signer.expiry()), 'Cache-Control': 'public, max-age=60', 'Content-Length': '0' });
  res.end();
}

/** A PUBLIC episode, or a PREMIUM one asked for with `?token=` of a live private feed of its show. */
async function premiumAllowed(dataSource: DataSource, episodeId: string, req: IncomingMessage): Promise<boolean> {
  const episode = (await accessOf(dataSource, [episodeId])).get(episodeId);
  if (!episode || episode.access === 'PUBLIC') return true;
  const token = new URL(req.url ?? '/', 'http://media.local').searchParams.get('token');
  return token !== null && (await privateFeedAllows(dataSource, token, episode.showId));
}

/**
 * The client's address: the last X-Forwarded-For entry, the one our gateway appends (the media
 * port itself is not reachable from outside), else the peer of the socket.
 */
function clientIp(req: IncomingMessage): string {
  const forwarded = typeof req.headers['x-forwarded-for'] === 'string' ? req.headers['x-forwarded-for'].split(',').map((s) => s.trim()).filter(Boolean) : [];
  return forwarded.at(-1) ?? req.socket.remoteAddress ?? '';
}

/** What analytics learns of a download: no raw address, the user agent cut to the contract's length. */
function enclosureRequest(req: IncomingMessage, signer: PlaybackSigner, episodeId: string, rendition: string) {
  const range = typeof req.headers.range === 'string' ? /^bytes=(\d+)-/.exec(req.headers.range) : null;
  const rangeStart = range ? Number(range[1]) : undefined;
  return {
    episodeId,
    rendition,
    ipHash: signer.ipHash(clientIp(req)),
    userAgent: (req.headers['user-agent'] ?? '').slice(0, 512),
    ...(rangeStart !== undefined && Number.isSafeInteger(rangeStart) ? { rangeStart } : {}),
  };
}
