import { UnrecoverableError } from 'bullmq';
import { ffprobe, lastLines, ToolError } from '../ffmpeg';
import { sourceOf, type StepDefinition } from './step';
import { displayGeometry } from './video.ladder';

export interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  channels?: number;
  sample_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  side_data_list?: { rotation?: number }[];
  tags?: { rotate?: string };
}

export interface ProbeResult {
  streams: ProbeStream[];
  format?: { duration?: string; format_name?: string };
}

/** ffprobe's view of a file; a file ffprobe cannot read is not media, and retrying will not change that. */
export async function probeFile(file: string, signal?: AbortSignal): Promise<ProbeResult> {
  try {
    const { stdout } = await ffprobe(['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { signal });
    return JSON.parse(stdout) as ProbeResult;
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    // the local path means nothing to the creator reading the reason
    throw new UnrecoverableError(`not an audio or video file: ${lastLines(error.stderr.split(file).join('the file'))}`);
  }
}

/** Cover art in an audio file shows up as a one-frame video stream; it does not make the file a video. */
export const isPicture = (stream: ProbeStream): boolean => stream.codec_type === 'video' && stream.disposition?.attached_pic === 1;
export const videoStream = (probe: ProbeResult) => probe.streams.find((s) => s.codec_type === 'video' && !isPicture(s));
export const audioStream = (probe: ProbeResult) => probe.streams.find((s) => s.codec_type === 'audio');

/** Reads duration, codec, channels, sample rate and a video's picture; rejects for good what has no audio to process. */
export const probeStep: StepDefinition = {
  async run({ asset, fetch, progress, signal }) {
    const probe = await probeFile(await fetch(sourceOf(asset)), signal);
    progress(0.5);
    const audio = audioStream(probe);
    const video = videoStream(probe);
    if (!audio && !video) throw new UnrecoverableError(`not an audio or video file: no audio or video stream found (format ${probe.format?.format_name ?? 'unknown'})`);
    if (!audio) throw new UnrecoverableError('the video has no audio track; a podcast episode needs sound');
    const duration = Number(probe.format?.duration ?? audio.duration);
    if (!Number.isFinite(duration) || duration <= 0) throw new UnrecoverableError('the file has no readable duration; it may be truncated or damaged');
    const picture = video ? displayGeometry(video) : undefined;
    if (video && !picture) throw new UnrecoverableError('the video stream has no readable size or frame rate; it may be damaged');
    return {
      files: [],
      columns: {
        duration_seconds: duration,
        codec: audio.codec_name ?? 'unknown',
        channels: audio.channels ?? 0,
        sample_rate: Number(audio.sample_rate ?? 0),
        has_video: Boolean(video),
        ...(picture ? { width: picture.width, height: picture.height, frame_rate: picture.frameRate } : {}),
      },
    };
  },
  // probe writes columns only; DONE is enough
  outputsExist: async () => true,
};
