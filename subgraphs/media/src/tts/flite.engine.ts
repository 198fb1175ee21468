import { writeFile } from 'node:fs/promises';
import { runTool } from '../processing/ffmpeg';
import { localVoice, type TtsEngine, type TtsVoice, voiceId } from './tts.port';

const FLITE = process.env.FLITE_PATH || 'flite';

/** The voices Debian's flite package builds in (`flite -lv`). */
const VOICES: readonly [string, string, string][] = [
  ['slt', 'SLT (US English, female)', 'en-US'],
  ['rms', 'RMS (US English, male)', 'en-US'],
  ['awb', 'AWB (Scottish English, male)', 'en-GB'],
  ['kal16', 'Kal (US English, male, 16 kHz)', 'en-US'],
  ['kal', 'Kal (US English, male, 8 kHz)', 'en-US'],
  ['awb_time', 'AWB talking clock (times of day only)', 'en-GB'],
];

/** CMU Flite: small, fast, English only. */
export const fliteEngine: TtsEngine = {
  name: 'flite',
  voices: VOICES.map(([voice, name, language]): TtsVoice => ({ id: voiceId('flite', voice), name, language, engine: 'flite' })),
  async speak(text, id, textFile, wavFile, signal) {
    await writeFile(textFile, text);
    await runTool(FLITE, ['-voice', localVoice(id), '-f', textFile, '-o', wavFile], { signal });
  },
};
