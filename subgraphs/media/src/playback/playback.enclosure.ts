import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnclosureRequested, KnownEpisodeReader, PUBLISHED, recordEvent } from '@wavegraph/events';
import type { DataSource } from 'typeorm';
import type { AssetOutputs } from '../asset/asset.outputs';
import type { PlaybackSigner } from './playback.signer';

/** `/episodes/<episodeId>/<rendition name>.m4a`, below `/media`. */
const ENCLOSURE = /^\/episodes\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/([a-z0-9-]{1,40})\.m4a$/i;

/** The URL that never expires for a rendition of the episode's media, e.g. for a feed's enclosure. */
export const enclosureUrl = (publicUrl: string, episodeId: string, rendition: string): string => `${publicUrl}/media/episodes/${episodeId}/${rendition}.m4a`;

export function parseEnclosurePath(pathname: string): { episodeId: string; rendition: string } | null {
  const match = ENCLOSURE.exec(pathname);
  return match ? { episodeId: match[1].toLowerCase(), rendition: match[2] } : null;
}

/**
 * A stable URL for an episode's download: podcast apps keep a feed's enclosure URL for years,
 * while signed URLs expire within the hour. It answers 302 to the signed URL of the rendition of
 * the episode's newest READY media, signed afresh, so it survives re-signing, new signing secrets
 * and replaced media. Published episodes only (catalog's rule, from known_episodes): anything else
 * is 404, so the URL says nothing about drafts. The redirect may be cached for a minute; the URL it
 * points at plays far longer than that.
 */
export async function serveEnclosure(
  { dataSource, signer }: { dataSource: DataSource; signer: PlaybackSigner },
  { episodeId, rendition }: { episodeId: string; rendition: string },
  req: IncomingMessage,
  res: ServerResponse,
  refuse: (res: ServerResponse, status: number, message: string) => void,
): Promise<void> {
  const facts = (await new KnownEpisodeReader(dataSource).factsOf([episodeId])).get(episodeId);
  if (facts?.status !== PUBLISHED) return refuse(res, 404, 'Not found');
  const [asset] = (await dataSource.query(
    `SELECT id, outputs FROM media_assets WHERE episode_id = $1 AND status = 'READY' ORDER BY created_at DESC, id DESC LIMIT 1`,
    [episodeId],
  )) as { id: string; outputs: AssetOutputs }[];
  const file = asset?.outputs.renditions?.find((r) => r.name === rendition);
  if (!asset || !file) return refuse(res, 404, 'Not found');
  // a download for analytics (a HEAD asks about the file, it fetches nothing)
  if (req.method === 'GET') await dataSource.transaction((tx) => recordEvent(tx, EnclosureRequested, episodeId, enclosureRequest(req, signer, episodeId, rendition)));
  res.writeHead(302, { Location: signer.url(asset.id, file.key, signer.expiry()), 'Cache-Control': 'public, max-age=60', 'Content-Length': '0' });
  res.end();
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
