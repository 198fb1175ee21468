import { UnrecoverableError } from 'bullmq';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scriptTimingsKey, sourceKey } from '../../asset/asset.outputs';
import { ttsEnginesFromEnv } from '../../tts/tts.engines';
import { scriptSentences } from '../../tts/tts.script';
import { synthesizeSpeech } from '../../tts/tts.synthesis';
import { ffmpeg } from '../ffmpeg';
import { allExist, type StepDefinition } from './step';

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The source of an asset made from a script: each sentence spoken by the chosen voice, joined
 * with pauses into a FLAC file stored where an upload's source goes, and the sentences' timings
 * as JSON (`outputs.scriptTimingsKey`) for the transcript. SKIPPED for uploaded sources; the
 * rest of the flow then runs as for an upload.
 */
export const synthesizeStep: StepDefinition = {
  async run({ asset, progress, reads, signal, workDir }) {
    const script = await reads.script();
    if (!script) return { files: [], skipped: true };
    // engines come from this processor's environment (MEDIA_TTS_ENGINES), like its storage settings
    const found = ttsEnginesFromEnv().find(script.voice);
    if (!found) throw new UnrecoverableError(`the voice ${script.voice} is not available on this server`);
    const sentences = scriptSentences(script.text, found.voice.language);
    if (sentences.length === 0) throw new UnrecoverableError('the script has no words to speak');

    const speech = await synthesizeSpeech(found.engine, found.voice, sentences, workDir, (f) => progress(f * 0.9), signal);
    const source = path.join(workDir, 'source.flac');
    await ffmpeg(['-f', 's16le', '-ar', String(speech.sampleRate), '-ac', String(speech.channels), '-i', speech.pcmFile, '-c:a', 'flac', source], {
      onProgress: (f) => progress(0.9 + f * 0.1),
      durationSeconds: speech.durationSeconds,
      signal,
    });
    const timings = path.join(workDir, 'script-timings.json');
    await writeFile(timings, JSON.stringify(speech.timings));
    const key = sourceKey(asset.id);
    return {
      // the timings last: what outputs point at exists, the source before what describes it
      files: [
        { key, path: source, contentType: 'audio/flac' },
        { key: scriptTimingsKey(asset.id), path: timings, contentType: 'application/json' },
      ],
      outputs: { scriptTimingsKey: scriptTimingsKey(asset.id) },
      columns: { source_key: key, source_sha256: await sha256Of(source), source_size: (await stat(source)).size },
    };
  },
  // an uploaded source has nothing of this step to keep
  outputsExist: (asset, storage) => (asset.outputs.scriptTimingsKey ? allExist(storage, [asset.source_key ?? undefined, asset.outputs.scriptTimingsKey]) : Promise.resolve(true)),
};
