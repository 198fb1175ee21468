import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WavegraphClient } from '@wavegraph/client';
import { eventually, sendWithTusClient, sha256Of, subscribeOverWebSocket } from '@wavegraph/testkit';
import { errorCodes } from './support/graphql';
import { startTestSupergraph, type TestSupergraph } from './support/supergraph';
import { creatorWithEpisode } from './support/users';

const LIVE_PROCESSING = `subscription($id: ID!) { mediaProcessing(assetId: $id) {
  status step stepStatus progress done asset { id status episode { title } }
} }`;
interface LiveProcessing {
  mediaProcessing: { status: string; step: string | null; stepStatus: string | null; progress: number; done: boolean; asset: { id: string; status: string; episode: { title: string } } };
}

const uris = (playlist: string): string[] => playlist.split('\n').filter((line) => line && !line.startsWith('#'));

describe('media through the gateway: upload with tus, process with ffmpeg, play signed HLS', () => {
  let supergraph: TestSupergraph;
  let dir: string;
  let creator: WavegraphClient;
  let creatorToken: string;
  let episodeId: string;

  beforeAll(async () => {
    supergraph = await startTestSupergraph();
    dir = mkdtempSync(path.join(tmpdir(), 'wgtest-media-e2e-'));
    ({ client: creator, token: creatorToken, episodeId } = await creatorWithEpisode(supergraph, 'sound', { slug: 'loud-and-clear', title: 'Loud and Clear', category: 'MUSIC' }, 'Tuning fork'));
  });
  afterAll(async () => {
    await supergraph?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creator uploads (interrupted and resumed), media goes READY at -16 LUFS, anyone plays the signed HLS', async () => {
    // a quiet 20 s tone: loudness normalisation has real work to do
    const source = path.join(dir, 'tone.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=20', '-af', 'volume=-28dB', '-b:a', '128k', '-y', source]);
    const bytes = readFileSync(source);

    // media learns of the episode from catalog's events
    const { createUpload: ticket } = await eventually(() =>
      creator.CreateUpload({ input: { episodeId, filename: 'tone.mp3', sizeBytes: bytes.length, mimeType: 'audio/mpeg', sha256: sha256Of(bytes) } }),
    );
    expect(ticket.uploadUrl.startsWith(`${supergraph.origin}/uploads/`)).toBe(true);

    // the creator's UI follows processing live through the gateway, with the episode's title from catalog
    const assetId = ticket.upload.asset.id;
    const live = subscribeOverWebSocket<LiveProcessing>(supergraph.url, LIVE_PROCESSING, { id: assetId }, { authorization: `Bearer ${creatorToken}` });
    await eventually(async () => supergraph.media.pubSub.listeners(`MEDIA_PROCESSING:${assetId}`) === 1);

    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes, Math.floor(bytes.length / 2)).done).toBe('aborted');
    const head = await fetch(ticket.uploadUrl, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', 'x-upload-token': ticket.token } });
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(bytes.length);
    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes).done).toBe('finished');

    const { upload } = await creator.UploadStatus({ id: ticket.upload.id });
    expect(upload).toMatchObject({ status: 'COMPLETED', sha256: sha256Of(bytes) });

    const media = await eventually(async () => {
      const { episode } = await creator.EpisodeMedia({ id: episodeId });
      expect(episode?.media?.status).toBe('READY');
      return episode!.media!;
    }, 90_000);
    expect(media.progress).toBe(100);

    // the live view saw where things stood, every step, and READY last, then the subscription completed
    expect(await live.ended).toEqual({ completed: true });
    const events = live.results.map((r) => r.data?.mediaProcessing);
    expect(events[0]).toMatchObject({ status: 'AWAITING_UPLOAD', step: null, done: false, asset: { id: assetId, episode: { title: 'Tuning fork' } } });
    expect(events.at(-1)).toMatchObject({ status: 'READY', step: 'finalize', done: true, progress: 100, asset: { status: 'READY', episode: { title: 'Tuning fork' } } });
    expect(new Set(events.map((e) => e?.step).filter(Boolean))).toEqual(new Set(['synthesize', 'probe', 'loudness', 'renditions', 'video', 'hls', 'waveform', 'thumbnail', 'storyboard', 'transcribe', 'finalize']));
    expect(events.filter((e) => e?.done)).toHaveLength(1);
    expect(media.steps.map((s) => [s.name, s.status])).toEqual([
      ['synthesize', 'SKIPPED'],
      ['probe', 'DONE'],
      ['loudness', 'DONE'],
      ['renditions', 'DONE'],
      ['video', 'SKIPPED'],
      ['hls', 'DONE'],
      ['waveform', 'DONE'],
      ['thumbnail', 'SKIPPED'],
      ['storyboard', 'SKIPPED'],
      ['transcribe', 'DONE'],
    ]);
    expect(media.durationSeconds).toBeCloseTo(20, 0);
    expect(Math.abs(media.loudness!.integratedLufs! + 16)).toBeLessThanOrEqual(1);
    expect(media.loudness!.truePeakDbtp!).toBeLessThanOrEqual(-1);
    expect(media.renditions.map((r) => r.bitrateKbps).sort()).toEqual([128, 64].sort());

    // a listener with no token plays it: master → media playlist → segment, all signed, all via the gateway
    const { episode: listened } = await supergraph.client().EpisodeMedia({ id: episodeId });
    const masterUrl = listened!.media!.hls!.masterUrl;
    expect(masterUrl.startsWith(`${supergraph.origin}/media/`)).toBe(true);
    const master = await fetch(masterUrl);
    expect(master.status).toBe(200);
    expect(master.headers.get('content-type')).toContain('mpegurl');
    const variants = uris(await master.text());
    expect(variants).toHaveLength(2);
    const playlist = await (await fetch(variants[0])).text();
    const segments = uris(playlist);
    expect(segments.length).toBeGreaterThanOrEqual(3);
    for (const segment of segments) {
      const res = await fetch(segment);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }

    const rendition = listened!.media!.renditions[0].url!;
    const partial = await fetch(rendition, { headers: { range: 'bytes=0-99' } });
    expect(partial.status).toBe(206);
    expect((await partial.arrayBuffer()).byteLength).toBe(100);
    const tampered = rendition.replace(/sig=([0-9a-f])/, (_m, c: string) => `sig=${c === 'a' ? 'b' : 'a'}`);
    expect((await fetch(tampered)).status).toBe(403);
    // the download URL a feed can keep: through the gateway, a redirect to a freshly signed file
    const enclosure = listened!.media!.renditions[0].enclosureUrl!;
    expect(enclosure).toBe(`${supergraph.origin}/media/episodes/${episodeId}/${listened!.media!.renditions[0].name}.m4a`);
    const redirected = await fetch(enclosure, { redirect: 'manual' });
    expect(redirected.status).toBe(302);
    const downloaded = await fetch(redirected.headers.get('location')!);
    expect([downloaded.status, Number(downloaded.headers.get('content-length'))]).toEqual([200, listened!.media!.renditions[0].sizeBytes]);
  }, 120_000);

  it('refuses uploads for someone else’s episode, and fails a file that is not media with a clear reason', async () => {
    const { register } = await supergraph.client().Register({ input: { email: 'other@example.com', handle: 'other', displayName: 'Other', password: 'another long password' } });
    const other = supergraph.client(register.accessToken);
    expect(await errorCodes(other.CreateUpload({ input: { episodeId, filename: 'x.mp3', sizeBytes: 10, mimeType: 'audio/mpeg' } }))).toEqual(['FORBIDDEN']);
    expect(await errorCodes(creator.CreateUpload({ input: { episodeId, filename: 'x.exe', sizeBytes: 10, mimeType: 'application/x-msdownload' } }))).toEqual(['BAD_USER_INPUT']);

    const text = Buffer.from('this is a text file wearing an .mp3 costume\n'.repeat(200));
    const { createUpload: ticket } = await creator.CreateUpload({ input: { episodeId, filename: 'notes.mp3', sizeBytes: text.length, mimeType: 'audio/mpeg' } });
    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, text).done).toBe('finished');
    const failed = await eventually(async () => {
      const { mediaAsset } = await creator.MediaAsset({ id: ticket.upload.asset.id });
      expect(mediaAsset?.status).toBe('FAILED');
      return mediaAsset!;
    }, 60_000);
    expect(failed.failedStep).toBe('probe');
    expect(failed.failureReason).toMatch(/not an audio or video file/);
    // listeners keep hearing the READY media; the failed upload does not replace it
    const { episode } = await supergraph.client().EpisodeMedia({ id: episodeId });
    expect(episode?.media?.status).toBe('READY');
  });

  it('a creator uploads a video; a listener plays its adaptive H.264 ladder and scrubs its storyboard, all signed, via the gateway', async () => {
    const source = path.join(dir, 'picture.mp4');
    execFileSync('ffmpeg', [
      '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=854x480:rate=25:duration=7', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=7',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', source,
    ]);
    const bytes = readFileSync(source);
    const { createShow } = await creator.CreateShow({ input: { slug: 'moving-pictures', title: 'Moving Pictures', category: 'TECHNOLOGY', language: 'en' } });
    const videoEpisode = (await creator.CreateEpisode({ input: { showId: createShow.id, title: 'Test pattern' } })).createEpisode.id;
    await creator.PublishEpisode({ id: videoEpisode });
    const { createUpload: ticket } = await eventually(() => creator.CreateUpload({ input: { episodeId: videoEpisode, filename: 'picture.mp4', sizeBytes: bytes.length, mimeType: 'video/mp4' } }));
    expect(await sendWithTusClient(ticket.uploadUrl, ticket.token, bytes).done).toBe('finished');

    const media = await eventually(async () => {
      const { episode } = await supergraph.client().EpisodeMedia({ id: videoEpisode });
      expect(episode?.media?.status).toBe('READY');
      return episode!.media!;
    }, 180_000);
    expect(media).toMatchObject({ hasVideo: true, width: 854, height: 480, frameRate: 25 });
    expect(media.videoVariants.map((v) => [v.name, v.width, v.height, v.frameRate])).toEqual([['360p', 640, 360, 25], ['480p', 854, 480, 25]]);
    expect(media.steps.filter((s) => ['video', 'storyboard'].includes(s.name)).map((s) => s.status)).toEqual(['DONE', 'DONE']);

    // master → the ladder (and the audio-only variants) → segments, every URI signed, through the gateway
    const master = await (await fetch(media.hls!.masterUrl)).text();
    const info = master.split('\n').filter((line) => line.startsWith('#EXT-X-STREAM-INF:'));
    expect(info.map((line) => /RESOLUTION=(\d+x\d+)/.exec(line)?.[1] ?? null)).toEqual(['640x360', '854x480', null, null]);
    expect(info.map((line) => /CODECS="([^"]+)"/.exec(line)?.[1])).toEqual([...media.videoVariants.map((v) => v.codecs), 'mp4a.40.2', 'mp4a.40.2']);
    const [lowest] = uris(master);
    expect(lowest).toBe(media.videoVariants[0]!.playlistUrl);
    const segments = uris(await (await fetch(lowest!)).text());
    expect(segments).toHaveLength(2);
    for (const segment of segments) {
      const res = await fetch(segment);
      expect([res.status, res.headers.get('content-type')]).toEqual([200, 'video/mp2t']);
    }

    const poster = await fetch(media.posterUrl!);
    expect([poster.status, poster.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    const track = await (await fetch(media.storyboard!.vttUrl)).text();
    const tiles = track.split('\n').filter((line) => line.includes('#xywh='));
    expect(tiles).toHaveLength(media.storyboard!.count);
    const sprite = await fetch(tiles[0]!.slice(0, tiles[0]!.indexOf('#')));
    expect([sprite.status, sprite.headers.get('content-type'), tiles[0]!.startsWith(`${supergraph.origin}/media/`)]).toEqual([200, 'image/jpeg', true]);
  }, 240_000);
});
