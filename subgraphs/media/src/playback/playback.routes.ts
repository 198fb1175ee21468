import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isUuid, type Logger } from '@wavegraph/kit';
import type { DataSource } from 'typeorm';
import { assetPrefix } from '../asset/asset.outputs';
import { CHAPTERS_FILE, podcastChapters } from '../chapter/chapter.formats';
import { chapterSetOf } from '../chapter/chapter.store';
import { unixNow } from '../common/hmac';
import type { MediaStorage } from '../storage/storage.port';
import { parseStablePath, serveStable } from './playback.enclosure';
import { rewritePlaylist } from './playback.hls';
import { rewriteThumbnailTrack } from './playback.vtt';
import { contentTypeOf } from './playback.mime';
import { parseRange } from './playback.range';
import type { PlaybackSigner } from './playback.signer';

interface Deps {
  dataSource: DataSource;
  storage: MediaStorage;
  signer: PlaybackSigner;
  log: Logger;
}

/** Playlists and WebVTT tracks are a few kilobytes; anything far larger is not one we wrote. */
const MAX_PLAYLIST_BYTES = 4 * 1024 * 1024;

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(`${message}\n`);
}

/** `/<assetId>/<key below the asset>` → [assetId, relative key], or null for anything else. */
function parsePath(pathname: string): [string, string] | null {
  try {
    const [assetId, ...rest] = pathname.split('/').filter((segment, i) => i > 0 || segment !== '').map(decodeURIComponent);
    if (!assetId || !isUuid(assetId) || !rest.length) return null;
    if (rest.some((segment) => segment === '' || segment === '.' || segment === '..' || segment.includes('/') || segment.includes('\\'))) return null;
    return [assetId.toLowerCase(), rest.join('/')];
  } catch {
    return null;
  }
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_PLAYLIST_BYTES) throw new Error('playlist too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface AssetFacts {
  status: string;
  has_video: boolean | null;
  episode_id: string;
  duration_seconds: number | null;
}

/** The episode's chapters as they are now (Podcasting 2.0 JSON), under a URL signed like any file of the asset. */
async function serveChapters(dataSource: DataSource, asset: AssetFacts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const set = await chapterSetOf(dataSource, asset.episode_id);
  if (!set?.chapters.length) return refuse(res, 404, 'Not found');
  const body = Buffer.from(JSON.stringify(podcastChapters(set.chapters, asset.duration_seconds)));
  res.writeHead(200, {
    'Content-Type': 'application/json+chapters',
    'Content-Length': String(body.length),
    // built per request: an edit shows at once; the URL bounds how long anyone may ask
    'Cache-Control': 'private, no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * GET/HEAD `/media/...`: signed playback of a READY asset's objects (and `/media/episodes/…`,
 * the stable download, transcript and chapters URLs of published episodes: playback.enclosure.ts). The signature and expiry
 * are checked before anything is looked up (403); objects are streamed from storage with
 * single-range support (206/416); playlists and thumbnail tracks are rewritten so the URIs
 * inside are signed too.
 */
export function playbackRoutes({ dataSource, storage, signer, log }: Deps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
      const url = new URL(req.url ?? '/', 'http://media.local');
      const stable = parseStablePath(url.pathname);
      if (stable) return await serveStable({ dataSource, signer }, stable, req, res, refuse);
      const parsed = parsePath(url.pathname);
      if (!parsed) return refuse(res, 404, 'Not found');
      const [assetId, relative] = parsed;
      const exp = Number(url.searchParams.get('exp'));
      const sig = url.searchParams.get('sig') ?? '';
      if (!Number.isSafeInteger(exp)) return refuse(res, 403, 'This URL is not signed');
      const verdict = signer.verify(assetId, relative, exp, sig);
      if (verdict === 'invalid') return refuse(res, 403, 'Invalid signature');
      if (verdict === 'expired') return refuse(res, 403, 'This URL has expired');

      const [asset] = (await dataSource.query('SELECT status, has_video, episode_id, duration_seconds FROM media_assets WHERE id = $1', [assetId])) as AssetFacts[];
      if (asset?.status !== 'READY') return refuse(res, 404, 'Not found');
      if (relative === CHAPTERS_FILE) return await serveChapters(dataSource, asset, req, res);
      const key = `${assetPrefix(assetId)}${relative}`;
      const info = await storage.stat(key);
      if (!info) return refuse(res, 404, 'Not found');

      const headers = {
        'Content-Type': contentTypeOf(key, asset.has_video === true, info.contentType),
        // the URL itself expires, so caches may keep the response as long as the URL is valid
        'Cache-Control': `private, max-age=${Math.max(0, exp - unixNow())}`,
      };
      // playlists and thumbnail tracks name other objects: those URIs are signed with the same expiry
      const rewrite = relative.endsWith('.m3u8') ? rewritePlaylist : relative.endsWith('.vtt') ? rewriteThumbnailTrack : null;
      if (rewrite) {
        const body = Buffer.from(rewrite(await readAll(await storage.read(key)), relative, (r) => signer.urlOfRelative(assetId, r, exp)));
        res.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }

      const range = parseRange(typeof req.headers.range === 'string' ? req.headers.range : undefined, info.size);
      if (range.kind === 'unsatisfiable') return refuse(res, 416, 'Range not satisfiable', { 'Content-Range': `bytes */${info.size}` });
      const partial = range.kind === 'partial' ? range : null;
      const length = partial ? partial.end - partial.start + 1 : info.size;
      res.writeHead(partial ? 206 : 200, {
        ...headers,
        'Accept-Ranges': 'bytes',
        'Content-Length': String(length),
        ...(partial ? { 'Content-Range': `bytes ${partial.start}-${partial.end}/${info.size}` } : {}),
      });
      if (req.method === 'HEAD' || length === 0) {
        res.end();
        return;
      }
      // streamed: a long episode never sits in memory; a listener who goes away stops the read
      await pipeline(await storage.read(key, partial ?? undefined), res);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      log.error({ err: error, url: req.url }, 'playback request failed');
      if (!res.headersSent) refuse(res, 500, 'Something went wrong');
      else res.destroy();
    }
  };
}
