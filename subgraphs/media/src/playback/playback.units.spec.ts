import { rewritePlaylist } from './playback.hls';
import { rewriteThumbnailTrack } from './playback.vtt';
import { contentTypeOf } from './playback.mime';
import { parseRange } from './playback.range';
import { PlaybackSigner } from './playback.signer';

describe('parseRange', () => {
  it.each([
    [undefined, { kind: 'whole' }],
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=900-', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=900-5000', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=50-10', { kind: 'whole' }],
    ['bytes=0-1,5-9', { kind: 'whole' }],
    ['items=0-9', { kind: 'whole' }],
  ])('%s of 1000 bytes → %j', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });

  it('finds nothing to serve in an empty object', () => {
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('contentTypeOf', () => {
  it.each([
    ['assets/a/hls/master.m3u8', false, 'application/vnd.apple.mpegurl'],
    ['assets/a/hls/aac-64/seg-001.ts', false, 'video/mp2t'],
    ['assets/a/hls/aac-64/seg-001.aac', false, 'audio/aac'],
    ['assets/a/renditions/aac-128.m4a', false, 'audio/mp4'],
    ['assets/a/renditions/aac-128.mp4', false, 'audio/mp4'],
    ['assets/a/renditions/video.mp4', true, 'video/mp4'],
    ['assets/a/waveform.json', false, 'application/json'],
    ['assets/a/run-0/storyboard/storyboard.vtt', true, 'text/vtt; charset=utf-8'],
    ['assets/a/thumbnail.jpg', true, 'image/jpeg'],
    ['assets/a/unknown.bin', false, 'application/octet-stream'],
  ])('%s → %s', (key, hasVideo, expected) => {
    expect(contentTypeOf(key, hasVideo)).toBe(expected);
  });
});

describe('rewritePlaylist', () => {
  const sign = (relative: string) => `https://cdn.test/${relative}?signed`;

  it('signs variant playlists, segments and URI attributes relative to the playlist', () => {
    const master = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000\naac-64/index.m3u8\n\n#EXT-X-STREAM-INF:BANDWIDTH=128000\r\naac-128/index.m3u8\n';
    expect(rewritePlaylist(master, 'hls/master.m3u8', sign)).toBe(
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000\nhttps://cdn.test/hls/aac-64/index.m3u8?signed\n\n#EXT-X-STREAM-INF:BANDWIDTH=128000\nhttps://cdn.test/hls/aac-128/index.m3u8?signed\n',
    );
    const media = '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:6.0,\nseg-000.m4s\n#EXTINF:6.0,\n../shared/seg-001.m4s?x=1\n#EXT-X-ENDLIST';
    expect(rewritePlaylist(media, 'hls/aac-64/index.m3u8', sign)).toBe(
      '#EXTM3U\n#EXT-X-MAP:URI="https://cdn.test/hls/aac-64/init.mp4?signed"\n#EXTINF:6.0,\nhttps://cdn.test/hls/aac-64/seg-000.m4s?signed\n#EXTINF:6.0,\nhttps://cdn.test/hls/shared/seg-001.m4s?signed\n#EXT-X-ENDLIST',
    );
  });

  it('leaves absolute URIs and URIs outside the asset untouched', () => {
    const playlist = '#EXTM3U\nhttps://elsewhere.test/seg.ts\n/root.ts\n../../../escape.ts';
    expect(rewritePlaylist(playlist, 'hls/index.m3u8', sign)).toBe(playlist);
  });
});

describe('rewriteThumbnailTrack', () => {
  const sign = (relative: string) => `https://cdn.test/${relative}?signed`;

  it('signs the images of thumbnail cues, keeping their fragments, and leaves text cues alone', () => {
    const track = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nsprite.jpg#xywh=0,0,160,90\n\n00:00:02.000 --> 00:00:04.000\r\nframes/b.png\n\n00:00:04.000 --> 00:00:06.000\nSee notes.jpg for more\n';
    expect(rewriteThumbnailTrack(track, 'run-0/storyboard/storyboard.vtt', sign)).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nhttps://cdn.test/run-0/storyboard/sprite.jpg?signed#xywh=0,0,160,90\n\n00:00:02.000 --> 00:00:04.000\nhttps://cdn.test/run-0/storyboard/frames/b.png?signed\n\n00:00:04.000 --> 00:00:06.000\nSee notes.jpg for more\n',
    );
  });

  it('leaves absolute references and references outside the asset untouched', () => {
    const track = 'WEBVTT\n\nhttps://elsewhere.test/a.jpg#xywh=0,0,1,1\n/root.jpg\n../../../escape.jpg';
    expect(rewriteThumbnailTrack(track, 'storyboard/storyboard.vtt', sign)).toBe(track);
  });
});

describe('PlaybackSigner', () => {
  const signer = new PlaybackSigner({ publicUrl: 'https://media.test', signingSecret: 's3cret', playbackTtlSeconds: 3600 });
  const assetId = '2f7f6a4e-3c3b-4d8e-9d55-1b1c3e0b9a11';

  it('signs asset, key and expiry together', () => {
    const url = new URL(signer.url(assetId, `assets/${assetId}/hls/master.m3u8`, 2_000_000_000));
    expect(url.pathname).toBe(`/media/${assetId}/hls/master.m3u8`);
    const sig = url.searchParams.get('sig')!;
    expect(signer.verify(assetId, 'hls/master.m3u8', 2_000_000_000, sig)).toBe('ok');
    expect(signer.verify(assetId, 'hls/other.m3u8', 2_000_000_000, sig)).toBe('invalid');
    expect(signer.verify(assetId, 'hls/master.m3u8', 2_000_000_001, sig)).toBe('invalid');
    expect(signer.verify(assetId.replace('2f', '3f'), 'hls/master.m3u8', 2_000_000_000, sig)).toBe('invalid');
    expect(signer.verify(assetId, 'hls/master.m3u8', 2_000_000_000, 'zz')).toBe('invalid');
    expect(signer.verify(assetId, 'hls/master.m3u8', 2_000_000_000, sig, 2_000_000_001)).toBe('expired');
  });

  it('hands out the same expiry within a minute, at least the TTL ahead', () => {
    const now = 1_700_000_000;
    expect(signer.expiry(now) % 60).toBe(0);
    expect(signer.expiry(now)).toBeGreaterThanOrEqual(now + 3600);
    expect(signer.expiry(now)).toBe(signer.expiry(now + 1));
  });

  it('refuses keys of another asset', () => {
    expect(() => signer.url(assetId, 'assets/other/source', 1)).toThrow();
  });
});
