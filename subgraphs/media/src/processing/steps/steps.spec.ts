import { parseProcessingJobId, processingJobId } from '../processing.jobs';
import { masterPlaylist, parseMediaPlaylist } from './hls.step';
import { parseLoudnorm } from './loudness.step';
import { PeakAccumulator } from './waveform.step';

const pcm = (...samples: number[]) => {
  const buffer = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => buffer.writeInt16LE(s, i * 2));
  return buffer;
};

describe('waveform peaks', () => {
  it('keeps the largest absolute sample per block, across chunk boundaries that split a sample', () => {
    const peaks = new PeakAccumulator(3);
    const data = pcm(100, -16384, 50, 32767, 0, 0, -32768);
    peaks.push(data.subarray(0, 5)); // ends in the middle of the third sample
    peaks.push(data.subarray(5));
    peaks.flush();
    expect(peaks.peaks).toEqual([0.5, 1, 1]);
    expect(peaks.samples).toBe(7);
  });
});

describe('HLS playlists', () => {
  it('reads segment durations and URIs of a media playlist', () => {
    const text = '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.016000,\nseg-00000.ts\n#EXTINF:1.5,\nseg-00001.ts\n#EXT-X-ENDLIST\n';
    expect(parseMediaPlaylist(text)).toEqual([{ duration: 6.016, uri: 'seg-00000.ts' }, { duration: 1.5, uri: 'seg-00001.ts' }]);
  });

  it('writes a master playlist with one stream per variant and relative URIs', () => {
    const audio = (uri: string, bandwidth: number, average: number) => ({ uri, bandwidth, average, codecs: 'mp4a.40.2' });
    expect(masterPlaylist([audio('aac-128/index.m3u8', 140000, 131000), audio('aac-64/index.m3u8', 72000, 66000)])).toBe(
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=140000,AVERAGE-BANDWIDTH=131000,CODECS="mp4a.40.2"\naac-128/index.m3u8\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=72000,AVERAGE-BANDWIDTH=66000,CODECS="mp4a.40.2"\naac-64/index.m3u8\n',
    );
  });

  it('gives video variants their resolution, frame rate and both codecs', () => {
    const video = { uri: '720p/index.m3u8', bandwidth: 3300000, average: 2900000, codecs: 'avc1.64001f,mp4a.40.2', picture: { width: 1280, height: 720, frameRate: 29.97 } };
    expect(masterPlaylist([video, { uri: 'aac-64/index.m3u8', bandwidth: 72000, average: 66000, codecs: 'mp4a.40.2' }]).split('\n').slice(3, 7)).toEqual([
      '#EXT-X-STREAM-INF:BANDWIDTH=3300000,AVERAGE-BANDWIDTH=2900000,RESOLUTION=1280x720,FRAME-RATE=29.970,CODECS="avc1.64001f,mp4a.40.2"',
      '720p/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=72000,AVERAGE-BANDWIDTH=66000,CODECS="mp4a.40.2"',
      'aac-64/index.m3u8',
    ]);
  });
});

describe('loudnorm output', () => {
  it('finds the measurement JSON at the end of stderr', () => {
    const stderr = 'size=N/A time=00:00:08.00\n[Parsed_loudnorm_0 @ 0x55] \n{\n\t"input_i" : "-51.75",\n\t"input_tp" : "-51.00",\n\t"input_lra" : "0.00",\n\t"input_thresh" : "-61.75",\n\t"target_offset" : "0.05"\n}\n';
    expect(parseLoudnorm(stderr)).toMatchObject({ input_i: '-51.75', input_tp: '-51.00', target_offset: '0.05' });
    expect(() => parseLoudnorm('Conversion failed!')).toThrow('loudnorm printed no measurement');
  });
});

describe('processing job ids', () => {
  it('round-trip, and avoid the ":" BullMQ reads as a key separator', () => {
    const id = processingJobId('5b7d0c4e-8f5a-4f7e-9a63-0f6f1f1f2a3b', 4, 'renditions');
    expect(id).not.toContain(':');
    expect(parseProcessingJobId(id)).toEqual({ assetId: '5b7d0c4e-8f5a-4f7e-9a63-0f6f1f1f2a3b', run: 4, name: 'renditions' });
    expect(parseProcessingJobId('some-other-job')).toBeNull();
  });
});
