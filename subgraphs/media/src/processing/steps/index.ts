import type { StepName } from '../processing.port';
import { hlsStep } from './hls.step';
import { loudnessStep } from './loudness.step';
import { probeStep } from './probe.step';
import { synthesizeStep } from './synthesize.step';
import { renditionsStep } from './renditions.step';
import type { StepDefinition } from './step';
import { storyboardStep } from './storyboard.step';
import { videoStep } from './video.step';
import { thumbnailStep } from './thumbnail.step';
import { transcribeStep } from './transcribe.step';
import { waveformStep } from './waveform.step';

export const STEP_DEFINITIONS: Record<StepName, StepDefinition> = {
  synthesize: synthesizeStep,
  probe: probeStep,
  loudness: loudnessStep,
  renditions: renditionsStep,
  video: videoStep,
  hls: hlsStep,
  waveform: waveformStep,
  thumbnail: thumbnailStep,
  storyboard: storyboardStep,
  transcribe: transcribeStep,
};
