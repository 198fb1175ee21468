import { assetPrefix } from '../asset/asset.outputs';
import { sameSignature, sign, unixNow } from '../common/hmac';
import type { MediaConfig } from '../media.config';

export type PlaybackVerdict = 'ok' | 'expired' | 'invalid';

/**
 * Playback URLs: `${publicUrl}/media/<assetId>/<key below the asset prefix>?exp=<unix>&sig=<hex>`,
 * the signature binding asset, key and expiry. Anyone holding the URL may play until it expires,
 * which is what lets players and CDNs fetch segments without our credentials.
 */
export class PlaybackSigner {
  constructor(private readonly config: Pick<MediaConfig, 'publicUrl' | 'signingSecret' | 'playbackTtlSeconds'>) {}

  /**
   * The expiry for URLs issued now, rounded up to the minute: URLs handed out within the same
   * minute are identical, so players and caches see stable URLs instead of new ones per request.
   */
  expiry(now = unixNow()): number {
    return Math.ceil((now + this.config.playbackTtlSeconds) / 60) * 60;
  }

  /** A signed URL for a key of the asset (keys outside the asset's prefix are a programming error). */
  url(assetId: string, key: string, exp: number): string {
    const prefix = assetPrefix(assetId);
    if (!key.startsWith(prefix)) throw new Error(`key ${key} is not below ${prefix}`);
    return this.urlOfRelative(assetId, key.slice(prefix.length), exp);
  }

  urlOfRelative(assetId: string, relative: string, exp: number): string {
    const path = relative.split('/').map(encodeURIComponent).join('/');
    return `${this.config.publicUrl}/media/${assetId}/${path}?exp=${exp}&sig=${this.signature(assetId, relative, exp)}`;
  }

  /**
   * A keyed hash of a client's IP address (for download counting): addresses can be compared,
   * never recovered. Keyed by the signing secret; rotating it starts new hashes, which can count
   * one listener's download twice only within the day of the rotation.
   */
  ipHash(ip: string): string {
    return sign(this.config.signingSecret, 'ip-hash', ip);
  }

  verify(assetId: string, relative: string, exp: number, sig: string, now = unixNow()): PlaybackVerdict {
    if (!sameSignature(sig, this.signature(assetId, relative, exp))) return 'invalid';
    return exp < now ? 'expired' : 'ok';
  }

  private signature(assetId: string, relative: string, exp: number): string {
    return sign(this.config.signingSecret, 'playback', assetId, relative, String(exp));
  }
}
