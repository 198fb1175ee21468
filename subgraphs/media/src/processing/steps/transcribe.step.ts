import type { TranscriptSegment } from '../../transcript/engine.port';
import { supports, type SpeechEngine } from '../../transcript/engine.port';
import { speechEngineFromEnv } from '../../transcript/engine.factory';
import { newTranscriptKeys, replacedTranscriptFolder, transcriptStepFiles } from '../../transcript/transcript.files';
import { readScriptTimings } from '../../transcript/script-timings';
import { saveTranscript, transcriptOf, type TranscriptRow, type TranscriptStatus } from '../../transcript/transcript.store';
import { publicReason } from '../processing.outcome';
import { normalizedOf } from './renditions.step';
import { allExist, type StepContext, type StepDefinition, type StepOutput } from './step';

/** The engine of this process, chosen by MEDIA_TRANSCRIPT_ENGINE when the first transcript is made. */
let engine: SpeechEngine | undefined;
const currentEngine = (): SpeechEngine => (engine ??= speechEngineFromEnv());

interface Outcome {
  language: string;
  engine: string;
  status: TranscriptStatus;
  reason?: string;
  segments: TranscriptSegment[];
}

const reasonOf = (error: unknown): string => publicReason(error instanceof Error ? error.message : String(error));

/** What the transcript says: the script when the audio was made from one, else what the engine heard. */
async function transcribe(context: StepContext): Promise<Outcome> {
  const { asset, fetch, progress, signal, finalAttempt, reads } = context;
  if (asset.outputs.scriptTimingsKey) {
    try {
      const script = await readScriptTimings(await fetch(asset.outputs.scriptTimingsKey));
      return { language: script.language, engine: 'script', status: 'READY', segments: script.segments };
    } catch (error) {
      // the audio is fine whatever its timings say: the episode plays, without a transcript
      if (signal?.aborted || !finalAttempt) throw error;
      return { language: await reads.language(), engine: 'script', status: 'FAILED', reason: reasonOf(error), segments: [] };
    }
  }
  const language = await reads.language();
  // a setting the worker's start did not check (the processor reads it again): an engine failure like any other
  let recogniser: SpeechEngine;
  try {
    recogniser = currentEngine();
  } catch (error) {
    if (!finalAttempt) throw error;
    return { language, engine: (process.env.MEDIA_TRANSCRIPT_ENGINE || 'pocketsphinx').slice(0, 64), status: 'FAILED', reason: reasonOf(error), segments: [] };
  }
  if (!supports(recogniser, language)) {
    return { language, engine: recogniser.name, status: 'UNSUPPORTED', reason: `${recogniser.name} does not transcribe ${language} (it knows ${recogniser.languages.join(', ')})`, segments: [] };
  }
  const master = await fetch(normalizedOf(asset.outputs));
  progress(0.05);
  try {
    const segments = await recogniser.transcribe(master, language, { signal, onProgress: (fraction) => progress(0.05 + fraction * 0.9) });
    return { language, engine: recogniser.name, status: 'READY', segments };
  } catch (error) {
    // earlier attempts retry; the last one records the failure and lets the episode play without a transcript
    if (signal?.aborted || !finalAttempt) throw error;
    return { language, engine: recogniser.name, status: 'FAILED', reason: reasonOf(error), segments: [] };
  }
}

/**
 * The asset's transcript, from the normalised master (or the script's timings): WebVTT, SRT and
 * Podcasting 2.0 JSON in storage, the rows and TranscriptPublished in the transaction that
 * completes the step. A transcript that could not be made (language unknown to the engine,
 * engine failed for good) is recorded with its reason; the step itself still completes.
 */
export const transcribeStep: StepDefinition = {
  async run(context): Promise<StepOutput> {
    const { asset, workDir } = context;
    const outcome = await transcribe(context);
    const keys = outcome.status === 'READY' ? newTranscriptKeys(asset.id) : null;
    const files = keys ? await transcriptStepFiles(outcome.segments, keys, workDir) : [];
    let replaced: TranscriptRow | null = null;
    return {
      files,
      commit: async (tx, current) => {
        replaced = await transcriptOf(tx, current.id, true);
        await saveTranscript(tx, { assetId: current.id, episodeId: current.episode_id, ownerId: current.owner_id, ...outcome, files: keys });
      },
      afterCommit: () => context.retire(replacedTranscriptFolder(replaced)),
    };
  },
  outputsExist: (asset, storage) => {
    const transcript = asset.outputs.transcript;
    if (!transcript || transcript.status === 'PENDING') return Promise.resolve(false);
    // an unsupported or failed transcript is an outcome too: nothing to find in storage
    if (transcript.status !== 'READY') return Promise.resolve(true);
    return allExist(storage, [transcript.vttKey, transcript.srtKey, transcript.jsonKey]);
  },
};
