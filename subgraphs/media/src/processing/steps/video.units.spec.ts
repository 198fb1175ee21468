import { storyboardLayout, storyboardVtt } from './storyboard.step';
import { posterSize } from './thumbnail.step';
import { avcCodecFromTrace } from './video.codecs';
import { displayGeometry, ladderFor, levelFor, parseRate } from './video.ladder';

const source = (width: number, height: number, rate = '30/1') => ({ width, height, frameRate: Math.round((parseRate(rate) as number) * 1000) / 1000, rate });

describe('the H.264 ladder', () => {
  it('gives a 1080p30 source every rung, 16:9, at its own frame rate', () => {
    expect(ladderFor(source(1920, 1080)).map((r) => [r.name, r.width, r.height, r.frameRate, r.videoKbps, r.level])).toEqual([
      ['360p', 640, 360, 30, 800, '3.0'],
      ['480p', 854, 480, 30, 1400, '3.1'],
      ['720p', 1280, 720, 30, 2800, '3.1'],
      ['1080p', 1920, 1080, 30, 5000, '4.0'],
    ]);
  });

  it('never goes above the source: a 480p source stops at 480p', () => {
    expect(ladderFor(source(854, 480)).map((r) => r.name)).toEqual(['360p', '480p']);
  });

  it('applies to the short side of a portrait source and keeps its aspect', () => {
    expect(ladderFor(source(720, 1280)).map((r) => [r.name, r.width, r.height])).toEqual([['360p', 360, 640], ['480p', 480, 854], ['720p', 720, 1280]]);
  });

  it('keeps a fractional rate exact, caps anything above 60 fps, and raises the bitrate above 30 fps', () => {
    const ntsc = ladderFor(source(1280, 720, '30000/1001'));
    expect(ntsc.map((r) => [r.rate, r.frameRate])).toEqual(Array(3).fill(['30000/1001', 29.97]));
    const fast = ladderFor(source(1920, 1080, '120/1'));
    expect(fast.at(-1)).toMatchObject({ rate: '60', frameRate: 60, videoKbps: 7500, level: '4.2' });
  });

  it('gives a source below 360 lines one variant of its own size', () => {
    expect(ladderFor(source(320, 240, '25/1')).map((r) => [r.name, r.width, r.height, r.frameRate])).toEqual([['240p', 320, 240, 25]]);
  });

  it('picks the lowest level that fits size, rate and bitrate', () => {
    expect(levelFor(1920, 1080, 30, 7500)).toBe('4.0');
    expect(levelFor(1920, 1080, 30, 30_000)).toBe('4.1');
    expect(levelFor(1280, 720, 60, 6300)).toBe('3.2');
    expect(() => levelFor(8192, 8192, 120, 1000)).toThrow('no H.264 level');
  });
});

describe('a probed picture', () => {
  it('is read as displayed: rotation swaps the sides, non-square pixels widen it', () => {
    expect(displayGeometry({ index: 0, width: 1920, height: 1080, avg_frame_rate: '30/1', side_data_list: [{ rotation: -90 }] })).toEqual({ width: 1080, height: 1920, frameRate: 30, rate: '30/1' });
    expect(displayGeometry({ index: 0, width: 720, height: 576, avg_frame_rate: '25/1', sample_aspect_ratio: '64:45' })).toMatchObject({ width: 1024, height: 576 });
    expect(displayGeometry({ index: 0, width: 640, height: 360, avg_frame_rate: '0/0', r_frame_rate: '24000/1001' })).toMatchObject({ frameRate: 23.976, rate: '24000/1001' });
    expect(displayGeometry({ index: 0, width: 640, height: 360, avg_frame_rate: '0/0', r_frame_rate: '0/0' })).toBeNull();
  });

  it('gives a poster of full resolution up to 1080 lines', () => {
    expect(posterSize({ width: 3840, height: 2160 })).toEqual({ width: 1920, height: 1080 });
    expect(posterSize({ width: 720, height: 1280 })).toEqual({ width: 720, height: 1280 });
  });
});

describe('the avc1 codec string', () => {
  it('is built from the sequence parameter set as traced', () => {
    const sps = (profile: number, flags: number[], level: number) =>
      `[trace_headers @ 0x1] 8           profile_idc                                          ${profile.toString(2).padStart(8, '0')} = ${profile}\n` +
      flags.map((f, i) => `[trace_headers @ 0x1] ${16 + i}          constraint_set${i}_flag                                        ${f} = ${f}\n`).join('') +
      `[trace_headers @ 0x1] 24          level_idc                                            ${level.toString(2).padStart(8, '0')} = ${level}\n`;
    expect(avcCodecFromTrace(sps(100, [0, 0, 0, 0, 0, 0], 40))).toBe('avc1.640028');
    expect(avcCodecFromTrace(sps(66, [1, 1, 0, 0, 0, 0], 30))).toBe('avc1.42c01e');
    expect(() => avcCodecFromTrace('no video here')).toThrow('no profile_idc');
  });
});

describe('the storyboard', () => {
  it('spaces thumbnails so their count stays bounded, in a grid of at most 10 columns', () => {
    expect(storyboardLayout(5, { width: 1920, height: 1080 })).toEqual({ intervalSeconds: 1, count: 5, tileWidth: 160, tileHeight: 90, columns: 5, rows: 1 });
    expect(storyboardLayout(3600, { width: 720, height: 1280 })).toEqual({ intervalSeconds: 36, count: 100, tileWidth: 90, tileHeight: 160, columns: 10, rows: 10 });
    expect(storyboardLayout(250.5, { width: 1280, height: 720 })).toMatchObject({ intervalSeconds: 3, count: 84, columns: 10, rows: 9 });
  });

  it('writes one cue per tile, covering the duration, pointing at the tile in the sprite', () => {
    const layout = storyboardLayout(12.5, { width: 1280, height: 720 });
    const vtt = storyboardVtt({ ...layout, columns: 5, rows: 3 }, 12.5, 'sprite.jpg');
    const cues = vtt.split('\n\n').slice(1);
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
    expect(cues).toHaveLength(13);
    expect(cues[0]).toBe('00:00:00.000 --> 00:00:01.000\nsprite.jpg#xywh=0,0,160,90');
    expect(cues[6]).toBe('00:00:06.000 --> 00:00:07.000\nsprite.jpg#xywh=160,90,160,90');
    expect(cues[12]).toBe('00:00:12.000 --> 00:00:12.500\nsprite.jpg#xywh=320,180,160,90\n');
  });
});
