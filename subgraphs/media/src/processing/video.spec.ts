import { connectRedis, type Redis } from '@wavegraph/kit';
import { eventually, TEST_REDIS_URL } from '@wavegraph/testkit';
import { Queue } from 'bullmq';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROCESSING_QUEUE, processingJobId, VIDEO_QUEUE } from './processing.jobs';
import { playlistEntries, readText, waitForAsset } from './testing/expectations';
import { probe, quietSine, videoPackets, videoWithTone } from './testing/media.fixtures';
import { assetState, outboxEvents, processingHarness, stepStates, type AssetState, type ProcessingHarness } from './testing/processing.harness';

/** ffprobe's profile and level as RFC 6381 says them, worked out here rather than by the pipeline's own reader. */
const PROFILE_IDC: Record<string, string> = { High: '64', Main: '4d', 'Constrained Baseline': '42' };
const avc1Of = (profile: string, level: number) => `avc1.${PROFILE_IDC[profile]}${profile === 'Constrained Baseline' ? 'e0' : '00'}${level.toString(16).padStart(2, '0')}`;

interface StreamInf {
  uri: string;
  attributes: Record<string, string>;
}

function masterEntries(master: string): StreamInf[] {
  const lines = master.split('\n');
  const entries: StreamInf[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) return;
    const attributes = Object.fromEntries([...line.slice('#EXT-X-STREAM-INF:'.length).matchAll(/([A-Z-]+)=("[^"]*"|[^,]*)/g)].map(([, k, v]) => [k, (v as string).replace(/"/g, '')]));
    entries.push({ uri: lines[i + 1] as string, attributes });
  });
  return entries;
}

/** Real ffmpeg, Postgres and Redis: video sources through the whole flow, the video queue consumed beside the processing one. */
describe('video processing', () => {
  let h: ProcessingHarness;
  let dir: string;
  let jobsConnection: Redis;
  let videoJobs: Queue;
  let processingJobs: Queue;

  beforeAll(async () => {
    h = await processingHarness();
    dir = await mkdtemp(path.join(tmpdir(), 'wavegraph-media-video-'));
    jobsConnection = connectRedis(TEST_REDIS_URL, 'command', { name: 'video-spec:jobs' });
    videoJobs = new Queue(VIDEO_QUEUE, { connection: jobsConnection, prefix: h.prefix });
    processingJobs = new Queue(PROCESSING_QUEUE, { connection: jobsConnection, prefix: h.prefix });
    await h.startWorker({ concurrency: 2, videoConcurrency: 1 });
  }, 60_000);

  afterAll(async () => {
    await videoJobs?.close();
    await processingJobs?.close();
    jobsConnection?.disconnect();
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const local = async (key: string) => h.storage.download(key, await mkdtemp(path.join(dir, 'dl-')));
  const hlsBase = (asset: AssetState) => (asset.outputs.hls?.masterKey as string).replace(/master\.m3u8$/, '');

  /** Every variant of the master, probed from storage: returns the video ones' attributes and streams. */
  async function checkVideoVariants(asset: AssetState, durationSeconds: number) {
    const master = await readText(h.storage, asset.outputs.hls?.masterKey as string);
    const entries = masterEntries(master);
    const video = entries.filter((e) => e.attributes.RESOLUTION);
    // the audio-only variants stay, after the pictures
    expect(entries.filter((e) => !e.attributes.RESOLUTION).map((e) => [e.uri, e.attributes.CODECS])).toEqual([['aac-128/index.m3u8', 'mp4a.40.2'], ['aac-64/index.m3u8', 'mp4a.40.2']]);
    const probed = [];
    for (const entry of video) {
      const playlist = playlistEntries(await readText(h.storage, hlsBase(asset) + entry.uri));
      expect(playlist.tags).toContain('#EXT-X-ENDLIST');
      // 6 s segments, the last one what is left
      const full = Math.floor(durationSeconds / 6);
      for (const seconds of playlist.durations.slice(0, full)) expect(Math.abs(seconds - 6)).toBeLessThan(0.05);
      expect(Math.abs(playlist.durations.reduce((a, b) => a + b, 0) - durationSeconds)).toBeLessThan(0.1);
      const segmentDir = hlsBase(asset) + entry.uri.replace(/index\.m3u8$/, '');
      const segments = await Promise.all(playlist.uris.map((uri) => local(segmentDir + uri)));
      const info = await probe(segments[0] as string);
      const picture = info.streams.find((s) => s.codec_type === 'video')!;
      const sound = info.streams.find((s) => s.codec_type === 'audio')!;
      expect([picture.codec_name, picture.profile, picture.pix_fmt, sound.codec_name]).toEqual(['h264', 'High', 'yuv420p', 'aac']);
      expect(entry.attributes.RESOLUTION).toBe(`${picture.width}x${picture.height}`);
      expect(entry.attributes.CODECS).toBe(`${avc1Of(picture.profile as string, picture.level as number)},mp4a.40.2`);
      expect(Number(entry.attributes.BANDWIDTH)).toBeGreaterThanOrEqual(Number(entry.attributes['AVERAGE-BANDWIDTH']));
      // every segment starts on a keyframe, and keyframes come every 2 s exactly
      for (const segment of segments) {
        const packets = await videoPackets(segment);
        expect(packets[0]?.key).toBe(true);
        const keyframes = packets.filter((p) => p.key).map((p) => p.time);
        keyframes.slice(1).forEach((time, i) => expect(Math.abs(time - (keyframes[i] as number) - 2)).toBeLessThan(0.04));
      }
      probed.push({ uri: entry.uri, width: picture.width, height: picture.height, rate: picture.r_frame_rate, frameRate: Number(entry.attributes['FRAME-RATE']) });
    }
    return probed;
  }

  it('turns a 1080p30 video into a keyframe-aligned H.264 ladder with one master playlist, a poster and a storyboard', async () => {
    const id = await h.createAsset(await videoWithTone(dir, 1920, 1080, 8), 'video/mp4');
    await h.queue.start(id);
    const asset = await waitForAsset(h.dataSource, id, 'READY', 240_000);
    expect(asset).toMatchObject({ has_video: true, width: 1920, height: 1080, frame_rate: 30 });

    const variants = await checkVideoVariants(asset, 8);
    expect(variants.map((v) => [v.uri, v.width, v.height, v.rate, v.frameRate])).toEqual([
      ['360p/index.m3u8', 640, 360, '30/1', 30],
      ['480p/index.m3u8', 854, 480, '30/1', 30],
      ['720p/index.m3u8', 1280, 720, '30/1', 30],
      ['1080p/index.m3u8', 1920, 1080, '30/1', 30],
    ]);
    expect(asset.outputs.video?.variants.map((v) => [v.name, v.bitrateKbps])).toEqual([['360p', 928], ['480p', 1528], ['720p', 2928], ['1080p', 5128]]);
    // the ladder's audio is the normalised master's: as loud as the audio-only renditions
    const sound = await probe(await local(`${hlsBase(asset)}720p/${playlistEntries(await readText(h.storage, `${hlsBase(asset)}720p/index.m3u8`)).uris[0]}`));
    expect(sound.streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac', sample_rate: '48000' });

    const poster = await probe(await local(asset.outputs.posterKey as string));
    expect(poster.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 1920, height: 1080 });
    expect((await probe(await local(asset.outputs.thumbnailKey as string))).streams[0]).toMatchObject({ width: 640, height: 360 });

    // the storyboard: cues from 0 to the end without gaps, each inside the sprite
    const board = asset.outputs.storyboard!;
    const sprite = (await probe(await local(board.spriteKey))).streams[0]!;
    expect([sprite.codec_name, sprite.width, sprite.height]).toEqual(['mjpeg', board.columns * board.tileWidth, board.rows * board.tileHeight]);
    const vtt = await readText(h.storage, board.vttKey);
    expect(vtt.startsWith('WEBVTT\n')).toBe(true);
    const cues = [...vtt.matchAll(/(\d\d):(\d\d):(\d\d\.\d{3}) --> (\d\d):(\d\d):(\d\d\.\d{3})\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)/g)].map((m) => ({
      start: Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]),
      end: Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]),
      image: m[7],
      box: [8, 9, 10, 11].map((i) => Number(m[i])),
    }));
    expect(cues).toHaveLength(board.count);
    expect(cues[0]?.start).toBe(0);
    expect(Math.abs((cues.at(-1)?.end ?? 0) - (asset.duration_seconds ?? 0))).toBeLessThan(0.01);
    cues.slice(1).forEach((cue, i) => expect(cue.start).toBe(cues[i]?.end));
    for (const { image, box: [x, y, w, hgt] } of cues) {
      expect(image).toBe('sprite.jpg');
      expect(x! + w!).toBeLessThanOrEqual(sprite.width!);
      expect(y! + hgt!).toBeLessThanOrEqual(sprite.height!);
    }

    // the heavy steps ran on the video queue, as children of the flow's jobs
    for (const step of ['video', 'storyboard'] as const) {
      const child = await videoJobs.getJob(processingJobId(id, 0, step));
      expect(await child?.getState()).toBe('completed');
      expect(child?.parentKey).toBe(`${h.prefix}:${PROCESSING_QUEUE}:${processingJobId(id, 0, step)}`);
    }
    const steps = await stepStates(h.dataSource, id);
    expect(Object.fromEntries(Object.entries(steps).map(([step, s]) => [step, [s.status, s.progress, s.attempts]]))).toMatchObject({
      video: ['DONE', 100, 1],
      thumbnail: ['DONE', 100, 1],
      storyboard: ['DONE', 100, 1],
    });
    expect((await outboxEvents(h.dataSource, id)).map((e) => [e.type, e.payload.hasVideo])).toEqual([['media.MediaReady', true]]);
  }, 300_000);

  it('never scales a 480p source up, and follows the short side of a portrait one, aspect kept', async () => {
    const small = await h.createAsset(await videoWithTone(dir, 854, 480, 4, 25), 'video/mp4');
    const portrait = await h.createAsset(await videoWithTone(dir, 720, 1280, 4), 'video/mp4');
    await Promise.all([h.queue.start(small), h.queue.start(portrait)]);
    const [smallAsset, portraitAsset] = await Promise.all([waitForAsset(h.dataSource, small, 'READY', 240_000), waitForAsset(h.dataSource, portrait, 'READY', 240_000)]);

    expect(smallAsset).toMatchObject({ width: 854, height: 480, frame_rate: 25 });
    expect((await checkVideoVariants(smallAsset, 4)).map((v) => [v.width, v.height, v.rate])).toEqual([[640, 360, '25/1'], [854, 480, '25/1']]);

    expect(portraitAsset).toMatchObject({ width: 720, height: 1280 });
    const tall = await checkVideoVariants(portraitAsset, 4);
    expect(tall.map((v) => [v.uri, v.width, v.height])).toEqual([['360p/index.m3u8', 360, 640], ['480p/index.m3u8', 480, 854], ['720p/index.m3u8', 720, 1280]]);
    for (const v of tall) expect(Math.abs((v.height as number) / (v.width as number) - 1280 / 720)).toBeLessThan(0.01);
    expect((await probe(await local(portraitAsset.outputs.posterKey as string))).streams[0]).toMatchObject({ width: 720, height: 1280 });
    expect(portraitAsset.outputs.storyboard).toMatchObject({ tileWidth: 90, tileHeight: 160 });
  }, 300_000);

  it('finishes an audio episode while a long video holds the video queue', async () => {
    const video = await h.createAsset(await videoWithTone(dir, 1920, 1080, 16), 'video/mp4');
    await h.queue.start(video);
    // the ladder is being encoded on the video queue's only slot
    await eventually(async () => (await stepStates(h.dataSource, video)).video?.status === 'RUNNING', 120_000, 50);
    expect(await videoJobs.getActiveCount()).toBe(1);

    const audio = await h.createAsset(await quietSine(dir, 3), 'audio/wav');
    await h.queue.start(audio);
    const ready = await waitForAsset(h.dataSource, audio, 'READY', 120_000);
    // the audio's video steps were SKIPPED on the processing queue, never queued behind the video
    const audioSteps = await stepStates(h.dataSource, audio);
    expect([audioSteps.video?.status, audioSteps.storyboard?.status]).toEqual(['SKIPPED', 'SKIPPED']);
    expect(await videoJobs.getJob(processingJobId(audio, 0, 'video'))).toBeUndefined();

    // …while the video was still being encoded
    const [{ finished_at: videoFinished }] = await h.dataSource.query("SELECT finished_at FROM media_steps WHERE asset_id = $1 AND step = 'video'", [video]);
    expect(videoFinished === null || (videoFinished as Date).getTime() > (ready.ready_at as Date).getTime()).toBe(true);
    expect((await assetState(h.dataSource, video)).status).toBe('PROCESSING');
    await waitForAsset(h.dataSource, video, 'READY', 300_000);
  }, 480_000);
});
